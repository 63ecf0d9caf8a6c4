"""Log-out ends the session on the server, and a stranger's wrong guesses
cannot lock the owner out of their account (issue #14, sessions and accounts)."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from facilitator.blueprints.auth import KNOWN_DEVICE_COOKIE
from tests.conftest import PASSWORD, link_in, t, text_of

HOST = "facilitator.test"
ATTACKER_IP = "203.0.113.66"
OWNER_IP = "198.51.100.7"


def copy_cookies(source, target, *names: str) -> None:
    for name in names:
        cookie = source.get_cookie(name, domain=HOST)
        assert cookie is not None, f"no {name} cookie"
        target.set_cookie(name, cookie.value, domain=HOST)


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


# --- log-out ----------------------------------------------------------------


@pytest.mark.parametrize("log_out", ["/auth/logout", "/account/sessions/end"])
def test_a_copied_session_cookie_stops_working_after_log_out(app, auth, make_user, log_out):
    user = make_user()
    auth.login(user)
    copy = app.test_client()
    copy_cookies(auth.client, copy, "session")
    assert logged_in(copy)  # the copy works as long as the session lasts
    auth.client.post(log_out)
    assert not logged_in(auth.client)
    assert not logged_in(copy)


@pytest.mark.parametrize("log_out", ["/auth/logout", "/account/sessions/end"])
def test_a_copied_remember_cookie_stops_working_after_log_out(app, auth, make_user, log_out):
    user = make_user()
    auth.login(user, remember="y")
    copy = app.test_client()
    copy_cookies(auth.client, copy, "remember_token")  # only the 365-day cookie
    assert logged_in(copy)
    auth.client.post(log_out)
    thief = app.test_client()
    copy_cookies(copy, thief, "remember_token")
    assert not logged_in(thief)


@pytest.mark.parametrize("log_out", ["/auth/logout", "/account/sessions/end"])
def test_log_out_ends_the_sessions_of_the_other_devices_too(app, auth, make_user, log_out):
    user = make_user()
    phone = app.test_client()
    phone.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    auth.login(user)
    assert logged_in(phone)
    auth.client.post(log_out)
    assert not logged_in(phone)
    # A new log-in starts a new session, which works.
    assert phone.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code
    assert logged_in(phone)


def test_log_out_everywhere_is_on_my_account_and_says_so_on_the_log_in_page(app, login, make_user):
    client = login(make_user())
    page = text_of(client.get("/account/"))
    assert 'action="/account/sessions/end"' in page
    assert t(app, "fr", "Log out everywhere") in page
    response = client.post("/account/sessions/end")
    assert response.status_code == 302 and response.location.endswith("/auth/login")
    login_page = text_of(client.get(response.location))
    assert "Vos sessions sont fermées sur tous vos appareils, y compris celui-ci." in login_page
    assert not logged_in(client)


def test_log_out_everywhere_needs_the_form_s_csrf_token(app, login, make_user, monkeypatch):
    client = login(make_user())
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/account/sessions/end").status_code == 400
    assert logged_in(client)


def test_log_out_without_a_session_just_goes_home(client):
    response = client.post("/auth/logout")
    assert response.status_code == 302


# --- lock-out by guessing -----------------------------------------------------


def attempt(client, user, ip: str, password: str = PASSWORD, **headers):
    return client.post(
        "/auth/login",
        data={"email": user.email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers=headers,
    )


def guess(client, user, ip: str, times: int) -> list[int]:
    return [attempt(client, user, ip, "a wrong guess!").status_code for _ in range(times)]


def known_phone(app, owner):
    """A device on which ``owner`` logged in (from OWNER_IP) and out again."""
    phone = app.test_client()
    assert attempt(phone, owner, OWNER_IP).status_code == 302
    phone.post("/auth/logout")
    return phone


def test_a_stranger_s_wrong_guesses_do_not_lock_the_owner_out(app, client, make_user):
    owner = make_user()
    assert guess(client, owner, ATTACKER_IP, 7) == [400] * 5 + [429] * 2
    # The owner, elsewhere, on a device that never logged in before, gets in.
    assert attempt(app.test_client(), owner, OWNER_IP).status_code == 302
    # The stranger is still held back.
    assert attempt(client, owner, ATTACKER_IP).status_code == 429


def test_the_owner_s_known_device_gets_in_even_from_the_stranger_s_address(app, make_user):
    owner = make_user()
    phone = known_phone(app, owner)
    assert phone.get_cookie(KNOWN_DEVICE_COOKIE, domain=HOST, path="/auth/login") is not None
    stranger = app.test_client()
    assert guess(stranger, owner, ATTACKER_IP, 6)[-1] == 429
    # Same café Wi-Fi as the stranger: the phone that logged in before gets in.
    assert attempt(phone, owner, ATTACKER_IP).status_code == 302
    assert attempt(stranger, owner, ATTACKER_IP).status_code == 429


def test_only_failed_log_ins_count_against_an_account(app, make_user):
    owner = make_user()
    for _ in range(7):
        device = app.test_client()  # never a known device
        assert attempt(device, owner, OWNER_IP).status_code == 302


def test_a_known_device_is_still_held_by_the_limit_per_address(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "4 per 5 minutes")
    owner = make_user()
    phone = known_phone(app, owner)
    others = [make_user() for _ in range(4)]
    stranger = app.test_client()
    assert [attempt(stranger, u, ATTACKER_IP, "a wrong guess!").status_code for u in others] == [
        400
    ] * 4
    assert attempt(phone, owner, ATTACKER_IP).status_code == 429
    # Its own attempts count there too (the log-in above was one of four).
    assert guess(phone, owner, OWNER_IP, 4) == [400] * 3 + [429]


def test_many_addresses_together_are_limited_per_account(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "6 per hour")
    owner = make_user()
    phone = known_phone(app, owner)
    strangers = app.test_client()
    for n in range(3):
        assert guess(strangers, owner, f"203.0.113.{n}", 2) == [400, 400]
    assert guess(strangers, owner, "203.0.113.9", 1) == [429]
    # A new device waits too; the owner's phone does not.
    assert attempt(app.test_client(), owner, "192.0.2.1").status_code == 429
    assert attempt(phone, owner, OWNER_IP).status_code == 302


def forged(user_id: int) -> str:
    """A "known device" cookie for ``user_id``, signed with another key."""
    return URLSafeTimedSerializer("another-secret-key-xxxxxxx", salt="known-device").dumps(
        [user_id]
    )


@pytest.mark.parametrize("cookie", [lambda _id: "garbage", forged], ids=["garbage", "forged"])
def test_a_forged_known_device_cookie_exempts_nothing(app, client, make_user, cookie):
    owner = make_user()
    client.set_cookie(KNOWN_DEVICE_COOKIE, cookie(owner.id), domain=HOST, path="/auth/login")
    assert guess(client, owner, ATTACKER_IP, 6)[-1] == 429


def test_a_device_known_to_another_account_is_not_known_to_this_one(app, make_user):
    stranger, owner = make_user(), make_user()
    device = app.test_client()
    assert attempt(device, stranger, ATTACKER_IP).status_code == 302
    device.post("/auth/logout")
    assert guess(device, owner, ATTACKER_IP, 6)[-1] == 429
    assert attempt(device, owner, ATTACKER_IP).status_code == 429


def test_a_known_device_expires(app, make_user, monkeypatch):
    owner = make_user()
    phone = known_phone(app, owner)
    monkeypatch.setitem(app.config, "KNOWN_DEVICE_DAYS", -1)
    assert guess(app.test_client(), owner, ATTACKER_IP, 6)[-1] == 429
    assert attempt(phone, owner, ATTACKER_IP).status_code == 429


def test_registering_makes_the_device_known(client, outbox):
    client.post("/auth/register", data={"email": "new@example.org"})
    finish = client.post(
        link_in(outbox[-1]),
        data={"display_name": "Aline", "password": PASSWORD, "confirm": PASSWORD, "language": "fr"},
    )
    assert finish.status_code == 302
    assert client.get_cookie(KNOWN_DEVICE_COOKIE, domain=HOST, path="/auth/login") is not None


@pytest.mark.parametrize("language", ["fr", "it", "de"])
def test_the_limited_answer_is_a_translated_429(app, client, make_user, language):
    owner = make_user()
    guess(client, owner, ATTACKER_IP, 5)
    limited = attempt(client, owner, ATTACKER_IP, **{"Accept-Language": language})
    assert limited.status_code == 429
    expected = t(
        app, language, "Too many attempts in a short time. Please wait a few minutes and try again."
    )
    assert expected in text_of(limited)
