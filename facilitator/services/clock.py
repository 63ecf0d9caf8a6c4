"""The current time, in one place so that tests can set it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


def today(timezone: str = "Europe/Zurich") -> date:
    """Today's date where the group meets."""
    return now().astimezone(ZoneInfo(timezone)).date()
