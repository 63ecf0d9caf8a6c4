"""Links people paste (an online meeting's address): https only, one line,
a real host name, no user name or password inside."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_MAX = 300
UNSAFE = re.compile(r"[\x00-\x20\x7f<>\"'\\]")
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def https_link_problem(value: str) -> str | None:
    """Why ``value`` is not a usable https link ("too_long", "not_https",
    "not_a_link"), or None when it is one."""
    if len(value) > LINK_MAX:
        return "too_long"
    if not value.lower().startswith("https://"):
        return "not_https"
    if UNSAFE.search(value):
        return "not_a_link"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises on a port that is not a number
    except ValueError:
        return "not_a_link"
    host = (parts.hostname or "").lower()
    if "@" in parts.netloc or not HOST.match(host) or (port is not None and port == 0):
        return "not_a_link"
    return None
