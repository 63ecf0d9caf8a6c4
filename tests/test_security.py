"""Security headers, CSRF, size limits, error pages and configuration."""

from __future__ import annotations

import pytest

from facilitator import create_app
from facilitator.config import ConfigurationError, database_url
from tests.conftest import text_of


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client):
    page = text_of(client.get("/auth/login"))
    assert "<script" not in page
    assert "style=" not in page


def test_forms_need_a_csrf_token(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": "x" * 12})
    assert response.status_code == 400
    assert "Le formulaire avait expiré" in text_of(response)


def test_csrf_token_in_the_form_is_accepted(app, client, make_user, monkeypatch):
    import re

    from tests.conftest import PASSWORD

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make_user()
    form = text_of(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_oversized_request_gets_a_translated_413(client, login, make_user):
    login(make_user())
    response = client.post(
        "/groups/new", data={"name": "x", "description": "y" * (10 * 1024 * 1024)}
    )
    assert response.status_code == 413
    assert "Trop de données" in text_of(response)


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Page introuvable"), ("it", "Pagina non trovata")]
)
def test_404_page_is_translated(client, language, text):
    response = client.get(f"/nowhere?lang={language}")
    assert response.status_code == 404
    assert text in text_of(response)


def test_405_page_is_translated(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Cette page ne peut pas être utilisée de cette manière." in text_of(response)


def test_unexpected_errors_get_a_translated_500_page(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "development",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom?lang=it")
    assert response.status_code == 500
    assert "Qualcosa è andato storto" in text_of(response)


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setenv("FACILITATOR_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("FACILITATOR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    assert app.config["MAIL_BACKEND"] == "smtp"


def test_postgres_urls_use_psycopg():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"
