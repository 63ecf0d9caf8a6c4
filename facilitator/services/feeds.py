"""Feed links: create, list, revoke, and resolve a token to what it shows.

Resolving a token is one query that also yields the ETag and Last-Modified,
so that a conditional request is answered 304 without any further work.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Row,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    func,
    select,
    update,
)
from werkzeug.datastructures import ETags

from facilitator.extensions import db
from facilitator.models import FeedToken, Group, Membership, User
from facilitator.models._common import utcnow
from facilitator.services.errors import NotFound
from facilitator.services.lookup import owned
from facilitator.services.tokens import hash_token

LAST_USED_PRECISION = timedelta(hours=1)


def create(user: User, label: str, group: Group | None = None) -> tuple[FeedToken, str]:
    """A new feed link (256 random bits); the token is returned once, never stored."""
    token = secrets.token_urlsafe(32)
    feed = FeedToken(
        user_id=user.id,
        group_id=group.id if group else None,
        label=label,
        token_hash=hash_token(token),
    )
    db.session.add(feed)
    db.session.flush()
    return feed, token


def tokens_of(user: User, group_id: int | None = None) -> list[FeedToken]:
    """The user's working feed links, newest first; with ``group_id``, only
    the links to that one group."""
    query = select(FeedToken).where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
    if group_id is not None:
        query = query.where(FeedToken.group_id == group_id)
    return list(
        db.session.scalars(query.order_by(FeedToken.created_at.desc(), FeedToken.id.desc()))
    )


def link_kinds(user: User) -> set[str]:
    """Which kinds of working links the user has: "personal" (all their
    groups) and/or "group" (one group). Both at once show meetings twice."""
    group_ids = db.session.scalars(
        select(FeedToken.group_id)
        .where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .distinct()
    ).all()
    return {"group" if group_id else "personal" for group_id in group_ids}


def revoke(user: User, token_id: int) -> None:
    feed = owned(FeedToken, token_id, user_id=user.id)
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()


def set_discreet(user: User, discreet: bool) -> None:
    if user.feed_discreet != discreet:
        user.feed_discreet = discreet
        user.feed_changed_at = utcnow()


@dataclass(frozen=True)
class Resolved:
    token_id: int
    user_id: int
    group_id: int | None
    etag: str
    last_modified: datetime
    last_used_at: datetime | None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@lru_cache(maxsize=1)
def _resolve_statement() -> Select[*tuple[Any, ...]]:
    """The one query behind ``resolve``, built once (a bound token hash)."""
    feed = FeedToken.__table__.alias("feed")
    groups = Group.__table__
    members = Membership.__table__
    users = User.__table__
    mine = members.alias("mine")
    theirs = groups.alias("theirs")

    def over_my_groups(expression: ColumnElement[Any]) -> ScalarSelect[Any]:
        return (
            select(expression)
            .select_from(mine.join(theirs, theirs.c.id == mine.c.group_id))
            .where(mine.c.user_id == feed.c.user_id)
            .scalar_subquery()
        )

    return (
        select(
            feed.c.id,
            feed.c.user_id,
            feed.c.group_id,
            feed.c.created_at,
            feed.c.last_used_at,
            users.c.feed_discreet,
            users.c.feed_changed_at,
            users.c.locale,
            groups.c.version,
            groups.c.updated_at,
            groups.c.feed_title_mode,
            members.c.id.label("membership"),
            over_my_groups(func.count(theirs.c.id)).label("n"),
            over_my_groups(func.coalesce(func.sum(theirs.c.id), 0)).label("ids"),
            over_my_groups(func.coalesce(func.sum(theirs.c.version), 0)).label("versions"),
            over_my_groups(func.max(theirs.c.updated_at)).label("changed"),
        )
        .select_from(
            feed.join(users, users.c.id == feed.c.user_id)
            .outerjoin(groups, groups.c.id == feed.c.group_id)
            .outerjoin(
                members,
                and_(members.c.group_id == feed.c.group_id, members.c.user_id == feed.c.user_id),
            )
        )
        .where(feed.c.token_hash == bindparam("token_hash"), feed.c.revoked_at.is_(None))
    )


def _fetch(token_hash: str) -> Row[*tuple[Any, ...]] | None:
    # A plain connection in autocommit, not the ORM session: this runs on
    # every poll of every calendar client, most end in a 304, and a single
    # read needs no BEGIN/ROLLBACK round trips around it.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_resolve_statement(), {"token_hash": token_hash}).one_or_none()


class PreparedResolve:
    """The query of ``resolve`` for the 304 fast path: compiled once, run on a
    raw driver connection of ``engine`` (which must be in autocommit), and on
    PostgreSQL as a prepared statement. The row is the one SQLAlchemy would
    give (the same type processing), at about half the cost per poll."""

    def __init__(self, engine: Engine) -> None:
        statement = _resolve_statement()
        compiled = statement.compile(dialect=engine.dialect)
        self._engine = engine
        self._sql = str(compiled)
        self._defaults = compiled.params
        self._order = compiled.positiontup if compiled.positional else None
        columns = list(statement.selected_columns)
        # The fields are the statement's columns, known when it is built.
        row_type = namedtuple("ResolveRow", [str(c.key) for c in columns])  # type: ignore[misc]
        self._row: Callable[..., tuple[Any, ...]] = row_type
        dialect = engine.dialect
        self._processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        ]
        self._options = {"prepare": True} if engine.dialect.driver == "psycopg" else {}

    def __call__(self, token_hash: str) -> Any:
        """The row (with the columns as attributes), or None."""
        named = {**self._defaults, "token_hash": token_hash}
        params = named if self._order is None else tuple(named[name] for name in self._order)
        connection = self._engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._sql, params, **self._options)
            values = cursor.fetchone()
            cursor.close()
        finally:
            connection.close()  # back to the pool
        if values is None:
            return None
        return self._row(*(f(v) if f else v for f, v in zip(self._processors, values, strict=True)))


def resolve(token: str, fetch: Callable[[str], Any] = _fetch) -> Resolved:
    """What a feed token shows, with its validators; NotFound when the token is
    unknown, revoked, or its owner has left the group. One query (``fetch``
    runs it: through SQLAlchemy, or a ``PreparedResolve``)."""
    row = fetch(hash_token(token))
    if row is None or (row.group_id is not None and row.membership is None):
        raise NotFound()
    candidates = [_aware(row.created_at), _aware(row.feed_changed_at)]
    if row.group_id is not None:
        state = f"g{row.group_id}.{row.version}.{row.feed_title_mode}"
        candidates.append(_aware(row.updated_at))
    else:
        # The personal feed's name is written in its owner's language.
        state = f"p{row.n}.{row.ids}.{row.versions}.{int(row.feed_discreet)}.{row.locale}"
        candidates.append(_aware(row.changed))
    changed = max(c for c in candidates if c is not None)
    etag = hashlib.sha256(f"{row.id}:{state}:{changed.isoformat()}".encode()).hexdigest()[:32]
    last_modified = changed.replace(microsecond=0)
    if utcnow() - changed < timedelta(seconds=1):
        # HTTP dates count whole seconds: a change later in this same second
        # would carry the same Last-Modified, and a client comparing only
        # If-Modified-Since would never see it. Until the second is over,
        # advertise the previous one.
        last_modified -= timedelta(seconds=1)
    return Resolved(
        token_id=row.id,
        user_id=row.user_id,
        group_id=row.group_id,
        etag=etag,
        last_modified=last_modified,
        last_used_at=_aware(row.last_used_at),
    )


def not_modified(
    resolved: Resolved, if_none_match: ETags | None, if_modified_since: datetime | None
) -> bool:
    """RFC 9110 conditional GET: If-None-Match (parsed ETags) decides when
    present; otherwise If-Modified-Since, really compared, and ignored when
    it lies in the future (a client's wrong clock must not freeze its copy)."""
    if if_none_match:
        return if_none_match.contains_weak(resolved.etag)
    return (
        if_modified_since is not None
        and if_modified_since <= utcnow()
        and resolved.last_modified <= if_modified_since
    )


def use_to_record(resolved: Resolved, now: datetime) -> bool:
    """Whether this fetch is to be recorded as the link's last use (at most
    once an hour: a feed is fetched often)."""
    return resolved.last_used_at is None or now - resolved.last_used_at > LAST_USED_PRECISION


def mark_used(resolved: Resolved, now: datetime) -> None:
    """Record the last use, at most once an hour (a feed is fetched often)."""
    if use_to_record(resolved, now):
        db.session.execute(
            update(FeedToken).where(FeedToken.id == resolved.token_id).values(last_used_at=now)
        )
