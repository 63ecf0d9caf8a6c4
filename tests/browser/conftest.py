"""A real server on a free port and Debian's Chromium driven by Playwright.

No browser is downloaded: Chromium comes from Debian (`apt-get install
chromium`, done by .ci/run). Without it the browser tests are skipped locally
and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from facilitator import create_app
from facilitator.extensions import db
from tests.conftest import test_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "browser.sqlite"
    config = test_config(f"sqlite:///{path}", {}, None)
    config.update({"SERVER_NAME": None, "PREFERRED_URL_SCHEME": "http", "WTF_CSRF_ENABLED": True})
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
    yield context.new_page()
    context.close()
