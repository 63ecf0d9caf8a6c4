"""Statement helpers the services share."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Executable, Select
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db

Row = TypeVar("Row")


def rows_changed(statement: Executable) -> int:
    """Execute a DELETE or UPDATE in the session; how many rows it changed."""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def insert_or_get(row: Row, stored: Select[Row]) -> tuple[Row, bool]:
    """Insert ``row``, unless another request stored the same one a moment
    ago: then that stored row, read by ``stored``. Returns the row and
    whether this call inserted it.

    For a row that the first of several requests creates (a meeting's row,
    its headcount, one member's answer), where a unique constraint says what
    "the same" is. The caller has looked for the row already and not found
    it; two requests that both did insert at the same moment, and the later
    one meets the constraint. The insert runs in a savepoint, so the conflict
    undoes it alone (on PostgreSQL a failed statement would otherwise void
    the whole transaction); the later insert waits there for the earlier
    transaction to end, so the row it then reads is committed (READ
    COMMITTED: each statement sees what was committed before it). A conflict
    on another constraint, without a stored row to read, is raised as it is.
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        found = db.session.scalar(stored.execution_options(populate_existing=True))
        if found is None:
            raise
        return found, False
    return row, True
