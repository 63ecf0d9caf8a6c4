"""The facilitator app as the benchmark serves it (production settings, HTTP)."""

import os

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
