"""A statement helper the services share."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable

from facilitator.extensions import db


def rows_changed(statement: Executable) -> int:
    """Execute a DELETE or UPDATE in the session; how many rows it changed."""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount
