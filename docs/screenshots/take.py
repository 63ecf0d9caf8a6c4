"""Take the README's phone screenshots (360x740, the first screen) from a
running app with the demo data (`make run`), with Debian's Chromium.

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:5000
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from facilitator.demo import DEMO_PASSWORD

HERE = Path(__file__).parent
PASSWORD = DEMO_PASSWORD


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        phone = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1}

        # Giulia, in Lugano, reads the app in Italian: her home page
        page = browser.new_context(**phone, locale="it-CH").new_page()
        log_in(page, base, "giulia@demo.example.org")
        page.screenshot(path=HERE / "home-it.png")
        # ... and her next meeting's page
        page.locator("#next-meeting a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=HERE / "meeting-it.png")

        # Camille, co-responsible in Lausanne, plans regular meetings in French
        page = browser.new_context(**phone, locale="fr-CH").new_page()
        log_in(page, base, "camille@demo.example.org")
        group = page.evaluate(
            "[...document.querySelectorAll('a')].map(a => a.pathname)"
            ".find(p => /^\\/groups\\/\\d+$/.test(p))"
        )
        page.goto(f"{base}{group}/series/new")
        page.select_option("#frequency", "weekly")
        page.fill("#interval", "2")
        page.screenshot(path=HERE / "series-form-fr.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
