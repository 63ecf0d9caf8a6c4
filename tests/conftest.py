"""Fixtures: one app and database per test session, emptied after each test.

The suite runs on SQLite by default. With TEST_DATABASE_URL set (for example
postgresql://postgres@127.0.0.1:5432/test) it runs on PostgreSQL, inside a
schema of its own that is dropped at the end, so the database is left as it
was found even when a run fails.
"""

from __future__ import annotations

import html
import os
import re
import threading
import traceback
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext, pgettext
from sqlalchemy import create_engine, event, select, text

from facilitator import create_app
from facilitator.config import database_url
from facilitator.domain.recurrence import WEEKLY, Rule
from facilitator.extensions import cache, db, limiter
from facilitator.i18n import locale_for
from facilitator.models import (
    Centre,
    CentreStaff,
    CharterVersion,
    ContactMessage,
    Group,
    ListingRequest,
    Membership,
    Referral,
    RoleAssignment,
    Room,
    User,
)
from facilitator.models.groups import MemberRole
from facilitator.services import (
    accounts,
    clock,
    feeds,
    founding,
    invitations,
    polls,
    roles,
    schedule,
    themes,
    unit,
    welcome,
)
from facilitator.services import groups as group_service

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
# Joining from an invitation: the box that agrees to a new group's charter
# (its first version), ticked.
AGREED = {"agree": "y", "version": "1"}


@contextmanager
def isolated_database(tmp_path_factory, name="db"):
    """Yield (uri, engine options) for a database nobody else uses."""
    if TEST_DATABASE_URL:
        url = database_url(TEST_DATABASE_URL)
        schema = f"test_{name}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield url, {"connect_args": {"options": f"-csearch_path={schema}"}}
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    else:
        path = tmp_path_factory.mktemp(name) / "test.sqlite"
        yield f"sqlite:///{path}", {}


def test_config(uri: str, engine_options: dict, tmp_path) -> dict:
    return {
        "TESTING": True,
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret-key-" + "x" * 16,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "memory",
        "OUTBOX_DRAIN": "inline",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "facilitator.test",
        "PREFERRED_URL_SCHEME": "https",
        "SESSION_COOKIE_SECURE": False,
    }


test_config.__test__ = False  # a helper, not a test


def t(app, language: str, message: str, context: str | None = None, **values) -> str:
    """``message`` as a reader of ``language`` sees it (the catalogs are the
    source), with its ``context`` if it has one (``"role"``)."""
    with app.test_request_context(), force_locale(locale_for(language)):
        if context:
            return pgettext(context, message, **values)
        return gettext(message, **values)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (fresh ``g`` and database
    session), as in production, even while the test holds one open. What the
    test itself did before (its set-up, through the services, which never
    commit) is committed first, as the request before this one would have."""

    def open(self, *args, **kwargs):
        if has_app_context():  # not in a test's worker thread
            unit.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():  # not in a test's worker thread
            db.session.expire_all()  # the test's own session sees what changed
        return response


def stamp_migrations(app) -> None:
    """Mark the database built by ``create_all`` as migrated to the code's
    heads, as ``flask db upgrade`` leaves a real one (the health check reads it)."""
    from facilitator.services.health import migration_heads

    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in migration_heads(app.config["MIGRATIONS_DIRECTORY"]):
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    with isolated_database(tmp_path_factory, "app") as (uri, options):
        app = create_app(test_config(uri, options, tmp_path_factory.mktemp("instance")))
        app.test_client_class = FreshContextClient
        with app.app_context():
            db.create_all()
            stamp_migrations(app)
        yield app
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def app(_app):
    """The application, with an app context and an empty database per test."""
    _app.extensions["mail_outbox"] = []
    limiter.reset()
    with _app.app_context():
        cache.clear()  # cached fragments and feeds of an earlier test
        yield _app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs flask commands (``runner.invoke(args=[...])``)."""
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    return app.extensions["mail_outbox"]


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(
        name: str | None = None,
        *,
        email: str | None = None,
        locale: str = "fr",
        password: str = PASSWORD,
    ) -> User:
        n = next(counter)
        user = User(
            email=email or f"user{n}@example.org",
            display_name=name or f"Person {n}",
            locale=locale,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def group_data(**fields) -> group_service.GroupData:
    """A group's details: a French-speaking group in Lausanne unless told otherwise."""
    data = group_service.GroupData(
        name=fields.pop("name", "Groupe de parole Lausanne"),
        description=fields.pop("description", "Un groupe d'entraide."),
        theme=fields.pop("theme", "health"),
        canton=fields.pop("canton", "VD"),
        language=fields.pop("language", "fr"),
        timezone=fields.pop("timezone", "Europe/Zurich"),
        default_location=fields.pop("default_location", "Salle B"),
        all_coresponsible=fields.pop("all_coresponsible", False),
    )
    assert not fields, f"unknown group fields {fields}"
    return data


@pytest.fixture
def make_group(app, make_user):
    def make(owner: User | None = None, **fields) -> Group:
        return group_service.create_group(owner or make_user("Owner"), group_data(**fields))

    return make


@pytest.fixture
def weekly_series(app):
    """A weekly series (Tuesdays 19:00 to 21:00 from 1 September 2026 by default)."""
    from datetime import date, time

    from facilitator.domain.recurrence import WEEKLY, Rule
    from facilitator.services import schedule

    def make(group: Group, *, start=date(2026, 9, 1), weekday="TU", at=time(19), location=""):
        return schedule.create_series(
            group,
            group.memberships[0].user,
            schedule.SeriesData(
                start_date=start,
                start_time=at,
                duration_minutes=120,
                rule=Rule(WEEKLY, byday=(weekday,)),
                location=location,
            ),
        )

    return make


@pytest.fixture
def add_member(app):
    def add(group: Group, user: User, *, coresponsible: bool = False) -> Membership:
        role = MemberRole.CORESPONSIBLE if coresponsible else MemberRole.MEMBER
        membership = Membership(group_id=group.id, user_id=user.id, role=role)
        db.session.add(membership)
        db.session.commit()
        return membership

    return add


@pytest.fixture
def make_centre(app, make_user):
    """A self-help centre with the given staff accounts (made when named by
    a display name)."""

    def make(
        name: str = "Centre Vaud", *, cantons=("VD",), staff: tuple[User | str, ...] = ()
    ) -> Centre:
        centre = Centre(
            name=name,
            cantons=list(cantons),
            languages=["fr"],
            contact_email=f"contact-{uuid.uuid4().hex[:6]}@centre.example.org",
        )
        db.session.add(centre)
        db.session.flush()
        for person in staff:
            user = make_user(person) if isinstance(person, str) else person
            db.session.add(CentreStaff(centre_id=centre.id, user_id=user.id))
        db.session.commit()
        return centre

    return make


@dataclass
class Auth:
    client: object

    def login(self, user: User, password: str = PASSWORD, **extra):
        return self.client.post(
            "/auth/login", data={"email": user.email, "password": password, **extra}
        )

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login(client, auth):
    """Log ``user`` in on the shared test client and return the client
    (whoever was logged in on it before is logged out first)."""

    def do(user: User):
        auth.logout()
        response = auth.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


def link_in(message) -> str:
    """The first https link in an email message, as a path."""
    body = message.get_content()
    match = re.search(r"https://facilitator\.test(/\S+)", body)
    assert match, body
    return match.group(1)


DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


def confirmed(client, url: str, data: dict | None = None):
    """POST ``data`` to ``url``, which answers with a confirmation page (what
    will happen), then confirm it as shown; return the confirming response."""
    data = dict(data or {})
    shown = client.post(url, data=data)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    match = DIGEST.search(shown.get_data(as_text=True))
    assert match, "no confirmation step"
    return client.post(url, data={**data, "confirm": "1", "digest": match.group(1)})


def logged_in(app, user: User, password: str = PASSWORD) -> FlaskClient:
    """A client of its own, logged in as ``user`` (for requests in parallel)."""
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


class AppError:
    """Stands for the 500 page of an exception the app raised (its traceback
    is printed, and shown when the test fails)."""

    status_code = 500

    def __init__(self, exc: Exception):
        self.exc = exc


def at_once(requests) -> list:
    """POST (client, url, data) requests all at the same moment; their
    responses, in the order given (an ``AppError`` where the app raised: the
    test app lets exceptions through instead of answering its error page)."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def send(index, client, url, data):
        barrier.wait()
        try:
            responses[index] = client.post(url, data=data)
        except Exception as exc:
            traceback.print_exc()
            responses[index] = AppError(exc)

    threads = [
        threading.Thread(target=send, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    return responses


def statuses(responses) -> list[int]:
    return [r.status_code for r in responses]


BDI_TAG = re.compile(r"</?bdi>")


def text_of(response) -> str:
    """The response body with HTML entities decoded (``&#39;`` is ``'``) and
    without the ``<bdi>`` tags around people's names: the text as read."""
    return html.unescape(BDI_TAG.sub("", response.get_data(as_text=True)))


def date_poll(question: str = "Quand ?", **fields) -> polls.PollData:
    """A secret date poll open for a week, to choose among two Tuesdays of March 2027."""
    return polls.PollData(
        **{
            "question": question,
            "kind": "dates",
            "multiple": True,
            "secret": True,
            "live_results": False,
            "closes_on": clock.today() + timedelta(days=7),
            "closes_time": time(20),
            "options": [
                polls.OptionData(day=date(2027, 3, 2), at=time(19)),
                polls.OptionData(day=date(2027, 3, 9), at=time(19)),
            ],
            **fields,
        }
    )


# --- Scenes that several test modules start from -------------------------------

MAIL_NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
MAIL_DAY = date(2026, 9, 15)
MAIL_LINK = "https://facilitator.test/groups/1"


@pytest.fixture
def mail_scene(monkeypatch, make_user, make_group, add_member, weekly_series):
    """The clock on 1 September 2026 (MAIL_NOW); Camille's group meets on
    Tuesdays at 19:00 with Ben, Ana and Noé as members. ``people`` and
    ``members`` by first name, ``roles``: the group's role types, ``key``: the
    meeting of 15 September (MAIL_DAY). The outbox's and the unit of work's
    tests start from it."""
    monkeypatch.setattr(clock, "now", lambda: MAIL_NOW)
    owner = make_user("Camille")
    group = make_group(owner)
    series = weekly_series(group)
    people = {name: make_user(name) for name in ("Ben", "Ana", "Noé")}
    members = {name: add_member(group, user) for name, user in people.items()}
    role_list = db.session.scalars(roles.role_types(group)).all()
    unit.commit()
    return {
        "owner": owner,
        "group": group,
        "people": people,
        "members": members,
        "roles": role_list,
        "key": f"s{series.id}-{MAIL_DAY:%Y%m%d}1900",
    }


EVENING_NOW = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
EVENING_DAY = "20260915"


@pytest.fixture
def evening(monkeypatch, make_user, make_group, add_member, weekly_series):
    """The clock on 20 August 2026 (EVENING_NOW); Camille's group "Proches
    aidants" meets on Tuesdays at 19:00, Ana is a member (``ana_m``). ``key``
    and ``base`` (its page) name the meeting of 15 September (EVENING_DAY),
    ``role`` the group's first role (facilitation). The role guides' and the
    meeting shape's tests start from it."""
    monkeypatch.setattr(clock, "now", lambda: EVENING_NOW)
    owner = make_user("Camille")
    group = make_group(owner, name="Proches aidants")
    series = weekly_series(group)
    ana = make_user("Ana")
    key = f"s{series.id}-{EVENING_DAY}1900"
    return {
        "owner": owner,
        "group": group,
        "ana": ana,
        "ana_m": add_member(group, ana),
        "role": roles.roles_of(group)[0],
        "key": key,
        "base": f"/groups/{group.id}/meetings/{key}",
    }


@pytest.fixture
def world(app, make_user, make_group, add_member, make_centre):
    """A group with a bit of everything, attached to a self-help centre, and
    an id or key for every kind of path parameter: what the route walks of
    test_authorization and test_bad_input open. Besides the group's people:
    a staff member of its centre, one of another centre, and an instance
    administrator; and a group that the centre is founding."""
    coresponsible = make_user("Coresponsible")
    group = make_group(coresponsible)
    group.attendance_enabled = True
    member = make_user("Member")
    add_member(group, member)
    # A second co-responsible, so that even "leave" works for the first; the
    # member's welcome contact (only the two of them read their conversation).
    second = add_member(group, make_user("Second"), coresponsible=True)
    target = add_member(group, make_user("Target"))
    outsider = make_user("Outsider")
    invitation, token = invitations.create_invitation(group, coresponsible, days=7, max_uses=None)
    series = schedule.create_series(
        group,
        coresponsible,
        schedule.SeriesData(
            start_date=date(2026, 9, 1),
            start_time=time(19),
            duration_minutes=120,
            rule=Rule(WEEKLY, byday=("TU",)),
        ),
    )
    feed, feed_token = feeds.create(coresponsible, "phone")
    role = db.session.scalars(roles.role_types(group)).first()
    future = schedule.find(group, f"s{series.id}-202703021900")
    coresp_membership = db.session.scalar(Membership.select_for(coresponsible.id, group.id))
    roles.assign(group, coresponsible, future, role, 0, coresp_membership, clock.now())
    assignment = db.session.scalar(select(RoleAssignment))
    away = roles.add_unavailability(coresp_membership, date(2027, 1, 1), date(2027, 1, 8), "")
    member_membership = db.session.scalar(Membership.select_for(member.id, group.id))
    swap = roles.propose_swap(
        group, coresp_membership, assignment, member_membership, None, clock.now()
    )
    one_off = schedule.create_one_off(
        group,
        coresponsible,
        schedule.MeetingData(start=datetime(2026, 9, 5, 10), duration_minutes=60),
    )
    message = ContactMessage(
        group_id=group.id, sender_name="Léa", sender_contact="l@example.org", body="Bonjour"
    )
    db.session.add(message)
    staff, other_staff, admin = (make_user(n) for n in ("Staff", "Other staff", "Admin"))
    admin.is_admin = True
    centre = make_centre("Centre Vaud", staff=(staff,))
    other_centre = make_centre("Centro Ticino", cantons=("TI",), staff=(other_staff,))
    group.centre_id = centre.id
    room = Room(centre_id=centre.id, name="Salle 2", address="Rue du Lac 1, Lausanne")
    db.session.add(room)
    # A visitor's request to the centre (forwardable), and the group asking
    # its centre to be listed.
    referral = Referral(
        centre_id=centre.id,
        sender_name="Noé",
        sender_contact="noe@example.org",
        body="Je cherche un groupe sur le deuil.",
        consent=True,
    )
    db.session.add_all([referral, ListingRequest(group_id=group.id, centre_id=centre.id)])
    poll, closed_poll = (
        polls.create(group, coresponsible, date_poll(question), clock.now())
        for question in ("Quand ?", "Et quand ?")
    )
    polls.vote(closed_poll, member, [closed_poll.options[0].id], clock.now())
    polls.close(group, closed_poll, coresponsible, clock.now())
    proposal = themes.propose(group, member_membership, "Parler du retour au travail", clock.now())
    pairing = welcome.pair(group, second, member_membership.id, second.id, clock.now(), str)
    # A group that the centre is founding (no member), with an open hand-over link.
    founded = founding.found(
        centre,
        staff,
        founding.FoundingData(
            name="Groupe en fondation", theme="grief", canton="VD", language="fr"
        ),
    )
    founding.create_handover(founded, centre, staff)
    db.session.commit()
    with app.test_request_context():
        registration = accounts._serializer(accounts.REGISTRATION_SALT).dumps(
            {"email": "new@example.org", "invitation": None}
        )
        reset = accounts._serializer(accounts.RESET_SALT).dumps(
            {"id": member.id, "h": member.password_hash[-16:]}
        )
    return {
        "users": {
            "outsider": outsider,
            "member": member,
            "coresponsible": coresponsible,
            "staff": staff,
            "other_staff": other_staff,
            "admin": admin,
        },
        "values": {
            "group": group.id,
            "target": target.id,
            "invitation": invitation.id,
            "invitation_token": token,
            "registration_token": registration,
            "reset_token": reset,
            "series": series.id,
            "occurrence": f"s{series.id}-202609081900",
            "one_off": f"m{one_off.id}",
            "feed_token": feed_token,
            "feed_id": feed.id,
            "role": role.id,
            "future": f"s{series.id}-202703021900",
            "assignment": assignment.id,
            "away": away.id,
            "swap": swap.id,
            "message": message.id,
            "poll": poll.id,
            "closed_poll": closed_poll.id,
            "centre": centre.id,
            "other_centre": other_centre.id,
            "room": room.id,
            "referral": referral.id,
            "closed_option": closed_poll.options[0].id,
            "proposal": proposal.id,
            "pairing": pairing.id,
            "founding": founded.id,
            "newcomer": target.id,
            "charter_version": db.session.scalar(
                select(CharterVersion.id).where(CharterVersion.group_id == group.id)
            ),
        },
    }


def count_queries(client, path: str) -> int:
    """How many SQL statements a GET of ``path`` runs (it must answer 200)."""
    statements = []

    def listener(*args):
        statements.append(args[2])

    unit.commit()  # the test's own set-up is saved first: only the page's statements count
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)
