"""Confirmation pages: nothing irreversible in one click.

A confirmation page says what a change will do, and its form carries a digest
of what it said (``schedule.plan_digest`` of the facts shown). The change is
made only when a confirmation carries the digest of what is true now;
otherwise the page is shown again, with a warning and the status 409 when a
confirmation came after something changed (another co-responsible member
acted meanwhile). The page's form is the ``confirm_form`` macro
(macros.html)."""

from __future__ import annotations

from collections.abc import Callable

from flask import render_template, request

from facilitator.services.schedule import plan_digest

digest_of = plan_digest  # the digest of the facts a page shows


def confirming() -> bool:
    """The request is a press on a confirmation page's button."""
    return request.method == "POST" and request.form.get("confirm") == "1"


def confirm_page(template: str, digest: str, *, changed: bool = False, **context):
    """The confirmation page ``template`` (its form carries ``digest``); after
    a confirmation that came too late (``changed``), with the status 409."""
    page = render_template(template, digest=digest, changed=changed, **context)
    return page, (409 if changed else 200)


def confirm_step(template: str, digest: str, act: Callable, *, possible: bool = True, **context):
    """``act()`` when the request confirms ``digest`` (what is true now) and
    there is something to do (``possible``); else the confirmation page."""
    if confirming() and request.form.get("digest") == digest and possible:
        return act()
    return confirm_page(template, digest, changed=confirming(), **context)
