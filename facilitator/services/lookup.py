"""Finding a row that a request names by its id."""

from __future__ import annotations

from typing import TypeVar

from facilitator.extensions import db
from facilitator.services.errors import NotFound

T = TypeVar("T")


def owned(model: type[T], ident: int, **owner) -> T:
    """The ``model`` row ``ident`` if its columns match ``owner`` (for example
    ``group_id=group.id``); NotFound otherwise, so that a missing row and
    somebody else's get the same answer."""
    row = db.session.get(model, ident)
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        raise NotFound()
    return row
