"""Hostile input in every field of every form and in every query parameter
the app reads: always a clear 4xx (or the form saved), never a 500, and never
unescaped HTML.

Each page of the authorisation walk is opened as a co-responsible member; each
form on it is sent back with its own values, one field at a time replaced by
something a person (or a robot) might type. On PostgreSQL this also proves
that nothing reaches the database that it would refuse (too long, too large).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from tests.test_authorization import ROUTES

HOSTILE = [
    "x" * 3000,  # longer than every column
    "<script>alert(1)</script>",
    "   ",
    "one line\r\nBcc: someone@example.org",  # a header injection attempt
    "9" * 30,  # beyond PostgreSQL's integer and bigint
    "-1",
    "2026-02-31",
    "1900-01-01",
    "25:99",
]


# Pages that show a form with fields (the others of their kind ask only for
# a confirmation: leave, remove a member, join from an invitation, remove a
# role holder, close a poll, remind those who have not answered, set a
# proposed theme aside, withdraw one's own).
CONFIRMATIONS = {
    "groups.leave",
    "groups.remove",
    "groups.invitation",
    "roles.unassign",
    "polls.close",
    "polls.remind",
    "themes.set_aside",
    "themes.withdraw",
    "group_centre.detach",
    "group_centre.choose",  # the world's group is attached: the page offers to detach it
}
FORM_PAGES = {
    endpoint
    for endpoint, method in ROUTES
    if method == "GET" and (endpoint, "POST") in ROUTES and endpoint not in CONFIRMATIONS
}


class FormReader(HTMLParser):
    """The forms of a page with the values a browser would send back."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            self._form = {"action": a.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or (not name and tag != "option"):
            return
        elif tag == "input" and a.get("type") in ("checkbox", "radio"):
            if "checked" in a or name not in self._form["fields"]:
                self._form["fields"][name] = a.get("value", "y")
        elif tag == "input" and a.get("type") != "submit":
            self._form["fields"][name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self._form["fields"]:
                self._form["fields"][self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self._form["fields"][name] = ""

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[1] == "GET"), ids=lambda r: r[0])
def test_hostile_values_in_any_field_never_break_a_form(client, login, world, route):
    login(world["users"]["coresponsible"])
    path = ROUTES[route].path.format(**world["values"])
    page = client.get(path)
    if page.status_code != 200:
        return  # a page that is not a form for this user (the walk checks its status)
    reader = FormReader()
    reader.feed(page.get_data(as_text=True))
    if route[0] in FORM_PAGES:  # the reader must find the page's fields
        assert any(set(f["fields"]) - {"csrf_token"} for f in reader.forms), path
    for form in reader.forms:
        action = form["action"] or path
        if action.endswith("/logout"):
            continue
        for name in [n for n in form["fields"] if n != "csrf_token"]:
            for value in HOSTILE:
                response = client.post(action, data={**form["fields"], name: value})
                assert response.status_code < 500, (action, name, value[:20])
                assert "<script>alert(1)" not in response.get_data(as_text=True), (action, name)


# Every query parameter that some page reads.
PARAMETERS = [
    "page",
    "year",
    "from",
    "to",
    "count",
    "next",
    "invitation",
    "lang",
    "theme",
    "canton",
    "language",
    "status",
    "q",
    "centre",
]


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[1] == "GET"), ids=lambda r: r[0])
def test_hostile_query_parameters_never_break_a_page(client, login, world, route):
    login(world["users"]["coresponsible"])
    path = ROUTES[route].path.format(**world["values"])
    for name in PARAMETERS:
        for value in [*HOSTILE, "0", "2026-13-01", "9999-12-31"]:
            response = client.get(f"{path}?{urlencode({name: value})}")
            assert response.status_code < 500, (path, name, value[:20])
            assert "<script>alert(1)" not in response.get_data(as_text=True), (path, name)
