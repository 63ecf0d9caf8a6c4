"""Finding a row that a request names by its id."""

from __future__ import annotations

from typing import TypeVar

from facilitator.extensions import db
from facilitator.models._common import MAX_ID
from facilitator.services.errors import NotFound

T = TypeVar("T")


def get(model: type[T], ident: object) -> T | None:
    """``db.session.get``, for an id that comes from outside: one that no row
    can have (not a whole number from 1 to MAX_ID, which PostgreSQL would
    refuse to compare) is simply not found."""
    if isinstance(ident, bool) or not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        return None
    return db.session.get(model, ident)


def owned(model: type[T], ident: object, **owner: object) -> T:
    """The ``model`` row ``ident`` if its columns match ``owner`` (for example
    ``group_id=group.id``); NotFound otherwise, so that a missing row and
    somebody else's get the same answer."""
    row = get(model, ident)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        raise NotFound()
    return row
