"""A real server on a free port and Debian's Chromium driven by Playwright.

No browser is downloaded: Chromium comes from Debian (`apt-get install
chromium`, done by .ci/run). Without it the browser tests are skipped locally
and fail in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

from facilitator import create_app
from facilitator.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo_data
from facilitator.extensions import db
from facilitator.models import (
    Centre,
    CentreStaff,
    CharterVersion,
    Group,
    Membership,
    RoleAssignment,
    ThemeProposal,
    User,
)
from facilitator.models.groups import MemberRole
from facilitator.services import attendance, clock, roles, schedule, unit
from tests.conftest import PASSWORD, isolated_database, test_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app served on a free port, on SQLite, or on PostgreSQL (a schema of
    its own) when TEST_DATABASE_URL is set, as the rest of the suite."""
    with isolated_database(tmp_path_factory, "browser") as (uri, options):
        config = test_config(uri, options, None)
        config.update(
            {
                "SERVER_NAME": None,
                "PREFERRED_URL_SCHEME": "http",
                "WTF_CSRF_ENABLED": True,
                # every test logs in from 127.0.0.1, often as the same demo person
                "LOGIN_LIMIT_PER_IP": "1000 per minute",
                "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "1000 per minute",
                "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
                # and registers, joins and writes to groups and centres from it
                "MAIL_LIMIT_PER_IP": "1000 per minute",
                "CONTACT_LIMIT_PER_IP": "1000 per minute",
            }
        )
        app = create_app(config)
        with app.app_context():
            db.create_all()
        app.extensions["mail_outbox"] = []
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
        yield app
        server.shutdown()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    """A phone-sized page, with and without JavaScript."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=request.param
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@contextmanager
def axe_ready_page(browser, scripts: bool):
    """A phone-sized page, with JavaScript or not, where axe-core may be added
    (bypass_csp: our pages have no inline script to let through); its
    ``scripts`` says which. Closed at the end."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.scripts = scripts
    try:
        yield page
    finally:
        context.close()


# --- The demo data of `make run`, for pages that show a lived-in group --------

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def demo(live_app):
    """The demo groups, members and schedule, loaded once into the live server.

    Mathis (co-responsible in Lausanne) reads the app in German, so that the
    logged-in pages are seen in all three languages.
    """
    logins = {
        "fr": f"camille@{DEMO_DOMAIN}",
        "it": f"giulia@{DEMO_DOMAIN}",
        "de": f"mathis@{DEMO_DOMAIN}",
    }
    with live_app.app_context():
        # other tests may have made groups in this server first (any order, any worker)
        before = db.session.scalar(select(func.max(Group.id))) or 0
        links = load_demo_data()
        db.session.execute(update(User).where(User.email == logins["de"]).values(locale="de"))
        db.session.commit()
        groups = {}
        for (invite, feed), group in zip(
            links,
            # (not the group the Vaud centre is founding: it has no member yet)
            db.session.scalars(
                select(Group).where(Group.id > before, ~Group.founding).order_by(Group.id)
            ),
            strict=True,
        ):
            if not group.attendance_enabled:  # every page exists in every language
                founder = db.session.scalar(select(User).where(User.email == logins["it"]))
                attendance.enable(group, founder)
            occurrence = next(
                o
                for o in schedule.upcoming([group.id], clock.now(), limit=None)
                if not o.cancelled and o.series is not None
            )
            member = db.session.scalar(
                select(Membership).where(
                    Membership.group_id == group.id, Membership.role == MemberRole.MEMBER
                )
            )
            groups[group.language] = SimpleNamespace(
                id=group.id,
                series=occurrence.series.id,
                key=occurrence.key,
                role=db.session.scalars(roles.role_types(group)).first().id,
                member=member.id,
                invite=invite,
                feed=feed,
                charter_version=db.session.scalar(
                    select(CharterVersion.id)
                    .where(CharterVersion.group_id == group.id)
                    .order_by(CharterVersion.number.desc())
                ),
                proposal=db.session.scalar(
                    select(ThemeProposal.id)
                    .where(ThemeProposal.group_id == group.id)
                    .order_by(ThemeProposal.id)
                ),
            )
        unit.commit()  # attendance turned on for the server (services never commit)
        held = {
            language: db.session.scalar(
                select(RoleAssignment.id)
                .join(Membership, RoleAssignment.membership_id == Membership.id)
                .join(User, Membership.user_id == User.id)
                .where(User.email == email)
            )
            for language, email in logins.items()
        }
    return SimpleNamespace(
        groups=groups,
        logins=logins,
        held=held,
        group_of={"fr": groups["fr"], "it": groups["it"], "de": groups["fr"]},
    )


# --- People of the journeys: their accounts, logging in, registering ---------


def new_user(name: str, language: str) -> User:
    """An account for ``name`` (reading ``language``, password PASSWORD),
    added to the session of the app context the caller is in (not committed)."""
    user = User(email=f"{uuid.uuid4().hex[:10]}@example.org", display_name=name, locale=language)
    user.set_password(PASSWORD)
    db.session.add(user)
    return user


def person(app, language: str, name: str = "Giulia") -> tuple[int, str]:
    """A new account, saved for the server: its id and email."""
    with app.app_context():
        user = new_user(name, language)
        db.session.commit()
        return user.id, user.email


def staffed_centre(app, language: str, staff_id: int) -> int:
    """A centre serving Vaud in ``language`` with ``staff_id`` (an account of
    ``person``) on its staff, saved for the server: its id."""
    with app.app_context():
        centre = Centre(
            name=f"Centre {uuid.uuid4().hex[:6]}",
            cantons=["VD"],
            languages=[language],
            contact_email="contact@centre.example.org",
        )
        db.session.add(centre)
        db.session.flush()
        db.session.add(CentreStaff(centre_id=centre.id, user_id=staff_id))
        db.session.commit()
        return centre.id


def log_in(page, base, email, password=DEMO_PASSWORD):
    """Log in on ``page`` (the demo's people by default; PASSWORD for those of
    ``person`` and ``new_user``)."""
    page.goto(base + "/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def open_registration_link(page, app, email: str, fill=None) -> None:
    """On the registration form shown, send ``email``, then open the link of
    the email it gets (the form of the last step). ``fill``: how a field is
    filled (``page.fill``, or a counting one)."""
    (fill or page.fill)("#email", email)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    message = next(m for m in reversed(app.extensions["mail_outbox"]) if m["To"] == email)
    link = re.search(r"http://127\.0\.0\.1:\d+(/auth/register/\S+)", message.get_content())
    page.goto(app.config["LIVE_URL"] + link.group(1))


def fill_new_account(page, name: str, fill=None) -> None:
    """The last step of registering: the name shown, PASSWORD twice."""
    fill = fill or page.fill
    fill("#display_name", name)
    fill("#password", PASSWORD)
    fill("#confirm", PASSWORD)


@pytest.fixture(scope="session")
def phone_contexts(browser, live_app, demo):
    """One logged-in (or logged-out: key None) phone-sized page per language, reused."""
    made = {}

    def get(language, logged_in):
        key = (language, logged_in)
        if key not in made:
            context = browser.new_context(viewport=PHONE, bypass_csp=True, locale=language)
            page = context.new_page()
            page.foreign_requests = []  # anything fetched from another site than ours
            base = live_app.config["LIVE_URL"]
            page.on(
                "request",
                lambda r, page=page: (
                    None
                    if r.url.startswith((base, "data:"))
                    else page.foreign_requests.append(r.url)
                ),
            )
            if logged_in:
                log_in(page, live_app.config["LIVE_URL"], demo.logins[language])
            made[key] = page
        return made[key]

    yield get
    for page in made.values():
        page.context.close()


def run_axe(page):
    """axe-core's WCAG 2.0/2.1 A and AA rules plus its best practices
    (heading order, landmarks, one h1). Returns readable violations."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci` in tests/js (make test does)")
        pytest.skip("axe-core is not installed (npm ci in tests/js)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag", values:
             ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


def pytest_collection_modifyitems(items):
    """Every test under tests/browser is a browser test (`-m 'not browser'`
    leaves them out, as CI's PostgreSQL run does)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
