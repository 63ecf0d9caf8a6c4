"""The facilitator app as the benchmark serves it (production settings, HTTP),
plus one bench-only route that the real app never has: ``/bench/empty``, an
empty logged-in page (the base layout, the user loaded from the session), the
floor under every page of the app."""

import os

from flask import render_template
from flask_login import login_required

from facilitator import create_app

app = create_app(
    {
        "ENV_NAME": "bench",
        "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }
)
EMPTY_PAGE = app.jinja_env.from_string(
    '{% extends "base.html" %}{% block title %}empty{% endblock %}'
)


@app.get("/bench/empty")
@login_required
def empty_page():
    return render_template(EMPTY_PAGE)
