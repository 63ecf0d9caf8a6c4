"""Registration, log-in, passwords and the profile."""

from __future__ import annotations

import smtplib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import User
from facilitator.services import unit
from tests.conftest import PASSWORD, link_in, text_of

NEW_PASSWORD = "a new and long passphrase"


def register(client, outbox, email="newcomer@example.org", **form):
    client.post("/auth/register", data={"email": email})
    path = link_in(outbox[-1])
    data = {
        "display_name": "Aline",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "language": "fr",
        **form,
    }
    return path, client.post(path, data=data)


def test_registration_by_emailed_link_creates_account_and_logs_in(client, outbox):
    response = client.post("/auth/register", data={"email": "Newcomer@Example.org "})
    assert response.status_code == 200
    assert "newcomer@example.org" in text_of(response)
    assert len(outbox) == 1 and outbox[0]["To"] == "newcomer@example.org"
    assert db.session.scalar(User.select_by_email("newcomer@example.org")) is None

    path = link_in(outbox[0])
    form = client.get(path)
    assert form.status_code == 200
    response = client.post(
        path,
        data={"display_name": "Aline", "password": PASSWORD, "confirm": PASSWORD, "language": "it"},
    )
    assert response.status_code == 302
    user = db.session.scalar(User.select_by_email("newcomer@example.org"))
    assert user.display_name == "Aline" and user.locale == "it"
    assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    dashboard = client.get("/")
    assert "I miei gruppi" in text_of(dashboard)


def test_registration_answers_the_same_for_a_known_address(client, outbox, make_user):
    make_user("Existing", email="known@example.org")
    unknown = client.post("/auth/register", data={"email": "unknown@example.org"})
    known = client.post("/auth/register", data={"email": "known@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert text_of(unknown).replace("unknown@", "X@") == text_of(known).replace("known@", "X@")
    # The owner of the known address is told to log in instead.
    assert outbox[1]["To"] == "known@example.org"
    assert "/auth/register/" not in outbox[1].get_content()


def test_registration_link_used_twice_reports_the_existing_account(client, outbox):
    path, first = register(client, outbox)
    assert first.status_code == 302
    client.post("/auth/logout")
    second = client.post(
        path,
        data={"display_name": "Other", "password": PASSWORD, "confirm": PASSWORD, "language": "fr"},
    )
    assert second.status_code == 409
    assert "Un compte existe déjà avec cette adresse e-mail" in text_of(second)
    assert db.session.scalar(User.select_by_email("newcomer@example.org")).display_name == "Aline"


def test_tampered_registration_link_is_refused(client, outbox):
    client.post("/auth/register", data={"email": "x@example.org"})
    path = link_in(outbox[0])
    response = client.get(path[:-3] + "abc")
    assert response.status_code == 400
    assert "Ce lien n'est pas valable" in text_of(response)


def test_expired_registration_link_is_refused(app, client, outbox, monkeypatch):
    client.post("/auth/register", data={"email": "x@example.org"})
    path = link_in(outbox[0])
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)
    assert client.get(path).status_code == 400


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({"password": "short", "confirm": "short"}, "au moins 10 caractères"),
        ({"password": "password123", "confirm": "password123"}, "trop facile à deviner"),
        ({"password": "newcomer-secret", "confirm": "newcomer-secret"}, "ne doit contenir"),
        ({"confirm": "something else entirely"}, "ne sont pas identiques"),
        ({"display_name": ""}, "Ce champ est obligatoire"),
        ({"display_name": "x" * 61}, "au plus 60 caractères"),
        ({"language": "xx"}, "Choisissez"),
    ],
)
def test_registration_rejects_bad_input_at_the_field(client, outbox, form, field_message):
    _path, response = register(client, outbox, **form)
    assert response.status_code == 400
    body = text_of(response)
    assert field_message in body
    assert 'aria-invalid="true"' in body
    assert db.session.scalar(User.select_by_email("newcomer@example.org")) is None


def test_registration_rejects_an_invalid_email(client, outbox):
    response = client.post("/auth/register", data={"email": "not-an-address"})
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valable" in text_of(response)
    assert outbox == []


def test_registration_with_the_mail_server_down_answers_at_once_and_sends_later(
    app, client, outbox, monkeypatch
):
    from facilitator.models import OutboxMessage
    from facilitator.models._common import utcnow

    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setattr(smtplib, "SMTP", refuse)
    response = client.post("/auth/register", data={"email": "x@example.org"})
    assert response.status_code == 200
    assert "x@example.org" in text_of(response)  # "check your inbox"
    assert db.session.scalar(select(OutboxMessage.status)) == "waiting"
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")
    unit.send_waiting(utcnow() + timedelta(minutes=5))
    assert [m["To"] for m in outbox] == ["x@example.org"]


def test_login_and_logout(client, auth, make_user):
    user = make_user("Camille")
    response = auth.login(user)
    assert response.status_code == 302 and response.location.endswith("/")
    assert "Mes groupes" in text_of(client.get("/"))
    assert db.session.get(User, user.id).last_login_at is not None
    auth.logout()
    assert "Mes groupes" not in text_of(client.get("/"))


def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(auth, make_user):
    user = make_user()
    wrong = auth.login(user, password="not the password")
    unknown = auth.client.post(
        "/auth/login", data={"email": "nobody@example.org", "password": "whatever it is"}
    )
    assert wrong.status_code == unknown.status_code == 400
    message = "L'adresse e-mail ou le mot de passe n'est pas correct."
    assert message in text_of(wrong) and message in text_of(unknown)


def test_login_redirects_only_to_local_pages(auth, make_user):
    user = make_user()
    assert auth.login(user, next="https://evil.example/").location == "/"
    auth.logout()
    assert auth.login(user, next="//evil.example/x").location == "/"
    auth.logout()
    assert auth.login(user, next="/\\evil.example/x").location == "/"  # read as //evil.example
    auth.logout()
    assert auth.login(user, next="/\t/evil.example/x").location == "/"
    auth.logout()
    assert auth.login(user, next="/account/").location == "/account/"


def test_remember_me_sets_a_lasting_cookie(client, auth, make_user):
    user = make_user()
    auth.login(user, remember="y")
    assert client.get_cookie("remember_token", domain="facilitator.test") is not None


def test_pages_of_the_account_need_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_profile_changes_display_name_and_language(client, login, make_user):
    user = make_user("Old name")
    login(user)
    response = client.post(
        "/account/", data={"display_name": "  Nouveau  ", "language": "it", "reminder_days": "3"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.locale, user.reminder_days) == ("Nouveau", "it", 3)
    assert 'lang="it-CH"' in text_of(client.get("/account/"))


def test_profile_shows_the_email_only_to_its_owner(client, login, make_user):
    user = make_user(email="private@example.org")
    login(user)
    assert "private@example.org" in text_of(client.get("/account/"))


def test_change_password_logs_out_other_devices(app, make_user, auth):
    user = make_user()
    other_device = app.test_client()
    assert auth.login(user).status_code == 302
    other_device.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    response = auth.client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert auth.client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_change_password_requires_the_current_one(client, login, make_user):
    user = make_user()
    login(user)
    response = client.post(
        "/account/password",
        data={"current_password": "wrong one!", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "Le mot de passe actuel n'est pas correct." in text_of(response)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_password_reset_by_single_use_link(client, outbox, make_user):
    user = make_user(email="reset@example.org", locale="it")
    response = client.post("/auth/reset", data={"email": "RESET@example.org"})
    assert response.status_code == 200
    assert outbox[0]["Subject"] == "Scegli una nuova password per facilitator"
    path = link_in(outbox[0])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)
    # The same link does not work a second time.
    again = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert again.status_code == 400
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_link_expires(app, client, outbox, make_user, monkeypatch):
    make_user(email="reset@example.org")
    client.post("/auth/reset", data={"email": "reset@example.org"})
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(link_in(outbox[0])).status_code == 400


def test_password_reset_answers_the_same_for_an_unknown_address(client, outbox, make_user):
    make_user(email="known@example.org")
    known = client.post("/auth/reset", data={"email": "known@example.org"})
    unknown = client.post("/auth/reset", data={"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert text_of(unknown).replace("unknown@", "X@") == text_of(known).replace("known@", "X@")
    assert [m["To"] for m in outbox] == ["known@example.org", "unknown@example.org"]
    assert "/auth/reset/" not in outbox[1].get_content()


def test_login_is_rate_limited_per_account_and_address(app, auth, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT_AND_IP", "3 per 5 minutes")
    user = make_user()
    for _ in range(3):
        assert auth.login(user, password="wrong password").status_code == 400
    blocked = auth.login(user)  # from this address, even the right password waits now
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text_of(blocked)
    # Another account from the same address is not blocked by this limit.
    assert auth.login(make_user()).status_code == 302


def test_login_is_rate_limited_per_ip(app, auth, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "4 per 5 minutes")
    users = [make_user() for _ in range(5)]
    statuses = [auth.login(u, password="wrong password").status_code for u in users]
    assert statuses == [400, 400, 400, 400, 429]


def test_reset_requests_are_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_LIMIT_PER_ACCOUNT", "2 per hour")
    statuses = [
        client.post("/auth/reset", data={"email": "a@example.org"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_a_number_field_never_answers_in_english(client, login, make_user):
    login(make_user())
    response = client.post(
        "/account/", data={"display_name": "X", "language": "fr", "reminder_days": "deux"}
    )
    assert response.status_code == 400
    assert "Saisissez un nombre entier." in text_of(response)
    assert "Not a valid integer" not in text_of(response)


REDIS_DOWN = """
import logging, sys
from facilitator import create_app
from facilitator.extensions import db
from facilitator.models import User
from facilitator.services import unit
from tests.conftest import PASSWORD, test_config

warnings = []
logging.getLogger("flask-limiter").addHandler(
    type("H", (logging.Handler,), {"emit": lambda self, r: warnings.append(r.levelno)})()
)
config = test_config("sqlite:///" + sys.argv[1], {}, sys.argv[2])
config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
app = create_app(config)
with app.app_context():
    db.create_all()
    user = User(email="ana@example.org", display_name="Ana", locale="fr")
    user.set_password(PASSWORD)
    db.session.add(user)
    unit.commit()
client = app.test_client()
right = client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
wrong = app.test_client().post(
    "/auth/login", data={"email": "ana@example.org", "password": "wrong password"}
)
print(right.status_code, wrong.status_code, logging.WARNING in warnings)
"""


def test_log_in_keeps_working_when_the_rate_limits_store_is_down(tmp_path):
    """Redis down (nothing listens on its port) must not lock everyone out:
    the limits fall back to the process's memory, with a warning. In a process
    of its own, since the limiter is shared by every app of a process."""
    done = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN, str(tmp_path / "db.sqlite"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout.split() == ["302", "400", "True"], done.stderr[-2000:]


LIMITS_OFF = """
import sys
from facilitator import create_app
from tests.conftest import test_config

config = test_config("sqlite:///" + sys.argv[1], {}, sys.argv[2])
config["RATELIMIT_ENABLED"] = False
app = create_app(config)
print(app.test_client().get("/auth/login").status_code)
"""


def test_the_app_starts_with_the_rate_limits_turned_off(tmp_path):
    """RATELIMIT_ENABLED=false (a load test, a closed network) starts the app
    instead of crashing in create_app; in a process of its own, like the test above."""
    done = subprocess.run(
        [sys.executable, "-c", LIMITS_OFF, str(tmp_path / "db.sqlite"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout.split() == ["200"], done.stderr[-2000:]
