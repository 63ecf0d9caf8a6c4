"""Log-out ends the session on the server (issue #14, sessions and accounts)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, t, text_of

HOST = "facilitator.test"


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
