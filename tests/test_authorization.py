"""Every route, walked as anonymous, outsider, member, co-responsible, staff
of the group's centre, staff of another centre and instance administrator.

The table below must name every (endpoint, method) of the app: a new route
without an entry fails ``test_every_route_is_in_the_table``. An entry gives
four statuses (the three centre viewers then get the outsider's: a centre's
staff never see inside a group, not even one attached to their centre) or
all seven.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import pytest
from flask_wtf import FlaskForm

from tests.conftest import PASSWORD

ROLES = ("anonymous", "outsider", "member", "coresponsible", "staff", "other_staff", "admin")
ANYONE = (200, 200, 200, 200)
LOGGED_IN = (302, 200, 200, 200)
GROUP_MEMBERS = (302, 404, 200, 200)
CORESPONSIBLES = (302, 404, 403, 200)
FORM_FOR_CORESP = (302, 404, 403, 400)  # an empty form: access is checked first
ACTION = (302, 404, 403, 302)
STAFF_ONLY = (302, 404, 404, 404, 200, 404, 404)
ADMIN_ONLY = (404, 404, 404, 404, 404, 404, 200)
# A centre's staff pages: 404 for anyone not on that centre's staff.
STAFF_PAGE = (302, 404, 404, 404, 200, 404, 404)
STAFF_FORM = (302, 404, 404, 404, 400, 404, 404)
STAFF_ACTION = (302, 404, 404, 404, 302, 404, 404)


@dataclass(frozen=True)
class Case:
    path: str
    expected: tuple[int, ...]

    def status_for(self, role: str) -> int:
        if len(self.expected) == 4 and role in ("staff", "other_staff", "admin"):
            return self.expected[ROLES.index("outsider")]
        return self.expected[ROLES.index(role)]


# (endpoint, method) -> path template and expected status per role.
ROUTES: dict[tuple[str, str], Case] = {
    ("main.index", "GET"): Case("/", ANYONE),
    ("main.privacy", "GET"): Case("/privacy", ANYONE),
    ("main.healthz", "GET"): Case("/healthz", ANYONE),
    ("auth.login", "GET"): Case("/auth/login", (200, 302, 302, 302)),
    ("auth.login", "POST"): Case("/auth/login", (400, 302, 302, 302)),
    ("auth.logout", "POST"): Case("/auth/logout", (302, 302, 302, 302)),
    ("auth.register", "GET"): Case("/auth/register", ANYONE),
    ("auth.register", "POST"): Case("/auth/register", (400, 400, 400, 400)),
    ("auth.register_finish", "GET"): Case("/auth/register/{registration_token}", ANYONE),
    ("auth.register_finish", "POST"): Case(
        "/auth/register/{registration_token}", (400, 400, 400, 400)
    ),
    ("auth.reset_request", "GET"): Case("/auth/reset", ANYONE),
    ("auth.reset_request", "POST"): Case("/auth/reset", (400, 400, 400, 400)),
    ("auth.reset_password", "GET"): Case("/auth/reset/{reset_token}", ANYONE),
    ("auth.reset_password", "POST"): Case("/auth/reset/{reset_token}", (400, 400, 400, 400)),
    ("account.profile", "GET"): Case("/account/", LOGGED_IN),
    ("account.profile", "POST"): Case("/account/", (302, 400, 400, 400)),
    ("account.password", "GET"): Case("/account/password", LOGGED_IN),
    ("account.password", "POST"): Case("/account/password", (302, 400, 400, 400)),
    ("account.end_sessions", "POST"): Case("/account/sessions/end", (302, 302, 302, 302)),
    ("groups.create", "GET"): Case("/groups/new", LOGGED_IN),
    ("groups.create", "POST"): Case("/groups/new", (302, 400, 400, 400)),
    ("groups.show", "GET"): Case("/groups/{group}", GROUP_MEMBERS),
    ("groups.welcome", "GET"): Case("/groups/{group}/welcome", GROUP_MEMBERS),
    ("groups.welcome", "POST"): Case("/groups/{group}/welcome", (302, 404, 302, 302)),
    ("groups.settings", "GET"): Case("/groups/{group}/settings", CORESPONSIBLES),
    ("groups.settings", "POST"): Case("/groups/{group}/settings", (302, 404, 403, 400)),
    ("groups.members", "GET"): Case("/groups/{group}/members", GROUP_MEMBERS),
    ("groups.grant", "POST"): Case("/groups/{group}/members/{target}/grant", (302, 404, 403, 302)),
    ("groups.withdraw", "POST"): Case(
        "/groups/{group}/members/{target}/withdraw", (302, 404, 403, 302)
    ),
    ("groups.remove", "GET"): Case("/groups/{group}/members/{target}/remove", CORESPONSIBLES),
    ("groups.remove", "POST"): Case(
        "/groups/{group}/members/{target}/remove", (302, 404, 403, 302)
    ),
    ("groups.leave", "GET"): Case("/groups/{group}/leave", GROUP_MEMBERS),
    ("groups.leave", "POST"): Case("/groups/{group}/leave", (302, 404, 302, 302)),
    ("groups.invitations_page", "GET"): Case("/groups/{group}/invitations", CORESPONSIBLES),
    ("groups.invitations_page", "POST"): Case("/groups/{group}/invitations", (302, 404, 403, 400)),
    ("groups.revoke_invitation", "POST"): Case(
        "/groups/{group}/invitations/{invitation}/revoke", (302, 404, 403, 302)
    ),
    ("groups.audit_trail", "GET"): Case("/groups/{group}/audit", CORESPONSIBLES),
    ("groups.invitation", "GET"): Case("/invite/{invitation_token}", ANYONE),
    # Without the charter's box ticked: the page again, with the message (400).
    ("groups.invitation", "POST"): Case("/invite/{invitation_token}", (302, 400, 400, 400)),
    ("meetings.index", "GET"): Case("/groups/{group}/meetings", GROUP_MEMBERS),
    ("meetings.past", "GET"): Case("/groups/{group}/meetings/past", GROUP_MEMBERS),
    ("meetings.new_series", "GET"): Case("/groups/{group}/series/new", CORESPONSIBLES),
    ("meetings.new_series", "POST"): Case("/groups/{group}/series/new", FORM_FOR_CORESP),
    ("meetings.edit_series", "GET"): Case("/groups/{group}/series/{series}/edit", CORESPONSIBLES),
    ("meetings.edit_series", "POST"): Case("/groups/{group}/series/{series}/edit", FORM_FOR_CORESP),
    ("meetings.pause_series", "GET"): Case("/groups/{group}/series/{series}/pause", CORESPONSIBLES),
    ("meetings.pause_series", "POST"): Case(
        "/groups/{group}/series/{series}/pause", FORM_FOR_CORESP
    ),
    ("meetings.end_series", "GET"): Case("/groups/{group}/series/{series}/end", CORESPONSIBLES),
    ("meetings.end_series", "POST"): Case("/groups/{group}/series/{series}/end", FORM_FOR_CORESP),
    ("meetings.new_meeting", "GET"): Case("/groups/{group}/meetings/new", CORESPONSIBLES),
    ("meetings.new_meeting", "POST"): Case("/groups/{group}/meetings/new", FORM_FOR_CORESP),
    ("meetings.show", "GET"): Case("/groups/{group}/meetings/{occurrence}", GROUP_MEMBERS),
    ("meetings.edit_meeting", "GET"): Case(
        "/groups/{group}/meetings/{occurrence}/edit", CORESPONSIBLES
    ),
    ("meetings.edit_meeting", "POST"): Case(
        "/groups/{group}/meetings/{occurrence}/edit", FORM_FOR_CORESP
    ),
    # Cancelling and deleting show what will happen first (a confirmation page).
    ("meetings.cancel", "GET"): Case(
        "/groups/{group}/meetings/{occurrence}/cancel", CORESPONSIBLES
    ),
    ("meetings.cancel", "POST"): Case(
        "/groups/{group}/meetings/{occurrence}/cancel", CORESPONSIBLES
    ),
    ("meetings.restore", "POST"): Case("/groups/{group}/meetings/{occurrence}/restore", ACTION),
    ("meetings.delete", "GET"): Case("/groups/{group}/meetings/{one_off}/delete", CORESPONSIBLES),
    ("meetings.delete", "POST"): Case("/groups/{group}/meetings/{one_off}/delete", CORESPONSIBLES),
    ("feeds.feed", "GET"): Case("/feeds/{feed_token}.ics", ANYONE),
    ("feeds.personal", "GET"): Case("/account/calendar", LOGGED_IN),
    ("feeds.personal", "POST"): Case("/account/calendar", (302, 400, 400, 400)),
    ("feeds.group_calendar", "GET"): Case("/groups/{group}/calendar", GROUP_MEMBERS),
    ("feeds.group_calendar", "POST"): Case("/groups/{group}/calendar", (302, 404, 400, 400)),
    ("feeds.revoke", "POST"): Case("/account/calendar/{feed_id}/revoke", (302, 404, 404, 302)),
    ("feeds.meeting_ics", "GET"): Case("/groups/{group}/meetings/{occurrence}.ics", GROUP_MEMBERS),
    ("feeds.series_ics", "GET"): Case("/groups/{group}/series/{series}.ics", GROUP_MEMBERS),
    ("roles.index", "GET"): Case("/groups/{group}/roles", GROUP_MEMBERS),
    ("roles.index", "POST"): Case("/groups/{group}/roles", (302, 404, 302, 302)),
    ("roles.new", "GET"): Case("/groups/{group}/roles/new", CORESPONSIBLES),
    ("roles.new", "POST"): Case("/groups/{group}/roles/new", FORM_FOR_CORESP),
    ("roles.edit", "GET"): Case("/groups/{group}/roles/{role}/edit", CORESPONSIBLES),
    ("roles.edit", "POST"): Case("/groups/{group}/roles/{role}/edit", FORM_FOR_CORESP),
    ("roles.change", "POST"): Case("/groups/{group}/roles/{role}/retire", ACTION),
    ("roles.away", "GET"): Case("/groups/{group}/away", GROUP_MEMBERS),
    ("roles.away", "POST"): Case("/groups/{group}/away", (302, 404, 400, 400)),
    ("roles.away_delete", "POST"): Case("/groups/{group}/away/{away}/delete", (302, 404, 404, 302)),
    # The slot is held by the co-responsible: access passes, the take is refused.
    ("roles.take", "POST"): Case(
        "/groups/{group}/meetings/{future}/roles/{role}/0/take", (302, 404, 409, 409)
    ),
    # No member chosen in the form: access passes, then "no such member".
    ("roles.assign", "POST"): Case(
        "/groups/{group}/meetings/{future}/roles/{role}/0/assign", (302, 404, 403, 404)
    ),
    ("roles.release", "POST"): Case(
        "/groups/{group}/assignments/{assignment}/release", (302, 404, 404, 302)
    ),
    ("roles.unassign", "GET"): Case(
        "/groups/{group}/assignments/{assignment}/unassign", CORESPONSIBLES
    ),
    # Without the holder seen on the confirmation page it asks again (409).
    ("roles.unassign", "POST"): Case(
        "/groups/{group}/assignments/{assignment}/unassign", (302, 404, 403, 409)
    ),
    ("roles.filled", "GET"): Case("/groups/{group}/roles/filled", CORESPONSIBLES),
    ("roles.swap_show", "GET"): Case("/groups/{group}/swaps/{swap}", GROUP_MEMBERS),
    ("roles.fill", "GET"): Case("/groups/{group}/roles/fill", CORESPONSIBLES),
    ("roles.fairness", "GET"): Case("/groups/{group}/roles/fairness", GROUP_MEMBERS),
    ("roles.swap", "GET"): Case(
        "/groups/{group}/assignments/{assignment}/swap", (302, 404, 404, 200)
    ),
    ("roles.swap", "POST"): Case(
        "/groups/{group}/assignments/{assignment}/swap", (302, 404, 404, 400)
    ),
    ("roles.swap_answer", "POST"): Case(
        "/groups/{group}/swaps/{swap}/cancel", (302, 404, 302, 302)
    ),
    ("roles.fill_apply", "POST"): Case("/groups/{group}/roles/fill", ACTION),
    # The card and the theme: co-responsibles and the meeting's role holders
    # (the member of the world holds no role at {future}).
    ("shape.card", "GET"): Case("/groups/{group}/meetings/{future}/card", CORESPONSIBLES),
    ("shape.edit", "GET"): Case("/groups/{group}/meetings/{future}/shape", CORESPONSIBLES),
    ("shape.edit", "POST"): Case("/groups/{group}/meetings/{future}/shape", ACTION),
    ("shape.group_outline", "GET"): Case("/groups/{group}/outline", CORESPONSIBLES),
    ("shape.group_outline", "POST"): Case("/groups/{group}/outline", ACTION),
    # Attendance is on in the world; the meeting key is in the past (recordable).
    ("attendance.record", "POST"): Case(
        "/groups/{group}/meetings/{occurrence}/attendance", (302, 404, 403, 400)
    ),
    ("attendance.intention", "POST"): Case(
        "/groups/{group}/meetings/{future}/intention", (302, 404, 400, 400)
    ),
    ("attendance.stats", "GET"): Case("/groups/{group}/attendance", GROUP_MEMBERS),
    ("attendance.stats_csv", "GET"): Case("/groups/{group}/attendance.csv", GROUP_MEMBERS),
    ("attendance.report", "GET"): Case("/groups/{group}/attendance/report", GROUP_MEMBERS),
    ("attendance.settings", "GET"): Case("/groups/{group}/attendance/settings", CORESPONSIBLES),
    ("attendance.settings", "POST"): Case("/groups/{group}/attendance/settings", FORM_FOR_CORESP),
    ("account.data", "GET"): Case("/account/data", LOGGED_IN),
    ("account.data_json", "GET"): Case("/account/data.json", LOGGED_IN),
    ("account.delete", "GET"): Case("/account/delete", LOGGED_IN),
    ("account.delete", "POST"): Case("/account/delete", (302, 400, 400, 400)),
    ("groups.delete", "GET"): Case("/groups/{group}/delete", CORESPONSIBLES),
    ("groups.delete", "POST"): Case("/groups/{group}/delete", FORM_FOR_CORESP),
    # Shows a link just created (kept in the session): nothing to show here.
    ("feeds.new_link", "GET"): Case("/account/calendar/new", (302, 302, 302, 302)),
    ("directory.index", "GET"): Case("/groups", ANYONE),
    # The world's group is not listed: its contact page does not exist.
    ("directory.contact", "GET"): Case("/groups/{group}/contact", (404, 404, 404, 404)),
    ("directory.contact", "POST"): Case("/groups/{group}/contact", (404, 404, 404, 404)),
    ("directory.messages", "GET"): Case("/groups/{group}/messages", CORESPONSIBLES),
    ("directory.delete_message", "POST"): Case("/groups/{group}/messages/{message}/delete", ACTION),
    ("polls.index", "GET"): Case("/groups/{group}/polls", GROUP_MEMBERS),
    ("polls.new", "GET"): Case("/groups/{group}/polls/new/dates", CORESPONSIBLES),
    ("polls.new", "POST"): Case("/groups/{group}/polls/new/dates", FORM_FOR_CORESP),
    ("polls.show", "GET"): Case("/groups/{group}/polls/{poll}", GROUP_MEMBERS),
    # Nothing chosen: "choose an option" at the field.
    ("polls.vote", "POST"): Case("/groups/{group}/polls/{poll}/vote", (302, 404, 400, 400)),
    # Without "confirm", both show what would happen and change nothing.
    ("polls.close", "GET"): Case("/groups/{group}/polls/{poll}/close", CORESPONSIBLES),
    ("polls.close", "POST"): Case("/groups/{group}/polls/{poll}/close", CORESPONSIBLES),
    ("polls.remind", "GET"): Case("/groups/{group}/polls/{poll}/remind", CORESPONSIBLES),
    ("polls.remind", "POST"): Case("/groups/{group}/polls/{poll}/remind", CORESPONSIBLES),
    ("polls.meeting", "GET"): Case(
        "/groups/{group}/polls/{closed_poll}/options/{closed_option}/meeting", CORESPONSIBLES
    ),
    ("polls.meeting", "POST"): Case(
        "/groups/{group}/polls/{closed_poll}/options/{closed_option}/meeting", FORM_FOR_CORESP
    ),
    ("themes.index", "GET"): Case("/groups/{group}/themes", GROUP_MEMBERS),
    ("themes.propose", "POST"): Case("/groups/{group}/themes", (302, 404, 400, 400)),
    ("themes.support", "POST"): Case(
        "/groups/{group}/themes/{proposal}/support", (302, 404, 302, 302)
    ),
    # The member proposed it: only they may withdraw it.
    ("themes.withdraw", "GET"): Case(
        "/groups/{group}/themes/{proposal}/withdraw", (302, 404, 200, 403)
    ),
    ("themes.withdraw", "POST"): Case(
        "/groups/{group}/themes/{proposal}/withdraw", (302, 404, 200, 403)
    ),
    ("themes.set_aside", "GET"): Case(
        "/groups/{group}/themes/{proposal}/set-aside", CORESPONSIBLES
    ),
    ("themes.set_aside", "POST"): Case(
        "/groups/{group}/themes/{proposal}/set-aside", CORESPONSIBLES
    ),
    # The member holds no role at the coming meetings; an empty form: 400 for both.
    ("themes.pick", "GET"): Case("/groups/{group}/themes/{proposal}/pick", CORESPONSIBLES),
    ("themes.pick", "POST"): Case("/groups/{group}/themes/{proposal}/pick", (302, 404, 400, 400)),
    ("charter.show", "GET"): Case("/groups/{group}/charter", GROUP_MEMBERS),
    # Without the box ticked: the charter's page again, with the message.
    ("charter.acknowledge", "POST"): Case("/groups/{group}/charter/agree", (302, 404, 400, 400)),
    ("charter.edit", "GET"): Case("/groups/{group}/charter/edit", CORESPONSIBLES),
    ("charter.edit", "POST"): Case("/groups/{group}/charter/edit", FORM_FOR_CORESP),
    ("charter.review", "POST"): Case("/groups/{group}/charter/review", FORM_FOR_CORESP),
    ("charter.reviewed", "POST"): Case("/groups/{group}/charter/reviewed", ACTION),
    ("charter.versions", "GET"): Case("/groups/{group}/charter/versions", CORESPONSIBLES),
    ("charter.version", "GET"): Case(
        "/groups/{group}/charter/versions/{charter_version}", CORESPONSIBLES
    ),
    # Welcoming newcomers: the member is the newcomer of {pairing}, whose
    # contact is the second co-responsible; nobody else reads it, not even
    # the co-responsible here (404, as for an outsider). {newcomer} has no
    # contact yet: the member, not willing, may not offer; an empty choice
    # is refused at the field.
    ("welcome.index", "GET"): Case("/groups/{group}/welcoming", GROUP_MEMBERS),
    ("welcome.willing", "POST"): Case("/groups/{group}/welcoming/willing", (302, 404, 302, 302)),
    ("welcome.pair", "POST"): Case(
        "/groups/{group}/welcoming/newcomers/{newcomer}", (302, 404, 403, 400)
    ),
    ("welcome.thread", "GET"): Case("/groups/{group}/welcoming/{pairing}", (302, 404, 200, 404)),
    # An empty message: "write a message" at the field.
    ("welcome.thread", "POST"): Case("/groups/{group}/welcoming/{pairing}", (302, 404, 400, 404)),
    ("welcome.end", "GET"): Case("/groups/{group}/welcoming/{pairing}/end", (302, 404, 200, 404)),
    ("welcome.end", "POST"): Case("/groups/{group}/welcoming/{pairing}/end", (302, 404, 302, 404)),
    # The world's group is attached to the staff member's centre.
    ("group_centre.choose", "GET"): Case("/groups/{group}/centre", CORESPONSIBLES),
    ("group_centre.choose", "POST"): Case("/groups/{group}/centre", FORM_FOR_CORESP),
    ("group_centre.detach", "GET"): Case("/groups/{group}/centre/detach", CORESPONSIBLES),
    ("group_centre.detach", "POST"): Case("/groups/{group}/centre/detach", ACTION),
    ("group_centre.signals_sharing", "GET"): Case(
        "/groups/{group}/sharing/signals", CORESPONSIBLES
    ),
    ("group_centre.signals_sharing", "POST"): Case(
        "/groups/{group}/sharing/signals", FORM_FOR_CORESP
    ),
    # Staff pages: staff of that centre only (another centre's staff and the
    # instance administrators get 404 like anyone).
    ("centres.index", "GET"): Case("/centres/", (302, 404, 404, 404, 302, 302, 404)),
    ("centres.groups", "GET"): Case("/centres/{centre}/groups", STAFF_ONLY),
    ("centres.groups_csv", "GET"): Case("/centres/{centre}/groups.csv", STAFF_ONLY),
    ("admin.staff_actions", "GET"): Case("/admin/staff-actions", ADMIN_ONLY),
    # The centre's statistics: its staff only (everyone else, instance
    # administrators included, learns nothing, not even that it exists).
    ("centre_stats.stats", "GET"): Case(
        "/centres/{centre}/statistics", (302, 404, 404, 404, 200, 404, 404)
    ),
    ("centre_stats.stats_csv", "GET"): Case(
        "/centres/{centre}/statistics.csv", (302, 404, 404, 404, 200, 404, 404)
    ),
    ("centre_stats.report", "GET"): Case(
        "/centres/{centre}/statistics/report", (302, 404, 404, 404, 200, 404, 404)
    ),
    # Sharing the yearly figures: the group's co-responsibles (the world's
    # group is attached and records attendance); nothing chosen: 400.
    ("centre_stats.sharing", "GET"): Case("/groups/{group}/sharing/figures", CORESPONSIBLES),
    ("centre_stats.sharing", "POST"): Case("/groups/{group}/sharing/figures", FORM_FOR_CORESP),
    # Self-help centres: visitors write to a centre; its directory feed.
    ("centre_directory.ask", "GET"): Case("/directory/centres/{centre}/write", ANYONE),
    ("centre_directory.ask", "POST"): Case(
        "/directory/centres/{centre}/write", (400, 400, 400, 400)
    ),
    ("centre_directory.feed_json", "GET"): Case("/directory/centres/{centre}.json", ANYONE),
    ("centre_directory.embed", "GET"): Case("/directory/centres/{centre}/embed", ANYONE),
    # The centre's staff: visitors' requests and groups' listing requests.
    ("centre_requests.index", "GET"): Case("/centres/{centre}/requests", STAFF_PAGE),
    ("centre_requests.show", "GET"): Case("/centres/{centre}/requests/{referral}", STAFF_PAGE),
    ("centre_requests.answer", "POST"): Case(
        "/centres/{centre}/requests/{referral}/answer", STAFF_FORM
    ),
    ("centre_requests.answered", "POST"): Case(
        "/centres/{centre}/requests/{referral}/answered", STAFF_ACTION
    ),
    ("centre_requests.forward", "GET"): Case(
        "/centres/{centre}/requests/{referral}/forward?group={group}", STAFF_PAGE
    ),
    ("centre_requests.forward", "POST"): Case(
        "/centres/{centre}/requests/{referral}/forward?group={group}", STAFF_ACTION
    ),
    ("centre_requests.close", "GET"): Case(
        "/centres/{centre}/requests/{referral}/close", STAFF_PAGE
    ),
    ("centre_requests.close", "POST"): Case(
        "/centres/{centre}/requests/{referral}/close", STAFF_ACTION
    ),
    ("centre_requests.listings", "GET"): Case("/centres/{centre}/listings", STAFF_PAGE),
    # The world's group asks to be listed; nothing ticked: "tick every criterion".
    ("centre_requests.review", "GET"): Case("/centres/{centre}/listings/{group}", STAFF_PAGE),
    ("centre_requests.review", "POST"): Case("/centres/{centre}/listings/{group}", STAFF_FORM),
    ("centre_requests.send_back", "POST"): Case(
        "/centres/{centre}/listings/{group}/return", STAFF_FORM
    ),
    # Rooms a centre lends: its staff manage them (a room of another centre
    # is 404 even to staff, see test_rooms); a group's co-responsibles
    # confirm their booking (nothing due: back to the group's page).
    ("rooms.index", "GET"): Case("/centres/{centre}/rooms", STAFF_PAGE),
    ("rooms.new", "GET"): Case("/centres/{centre}/rooms/new", STAFF_PAGE),
    ("rooms.new", "POST"): Case("/centres/{centre}/rooms/new", STAFF_FORM),
    ("rooms.edit", "GET"): Case("/centres/{centre}/rooms/{room}/edit", STAFF_PAGE),
    ("rooms.edit", "POST"): Case("/centres/{centre}/rooms/{room}/edit", STAFF_FORM),
    ("rooms.show", "GET"): Case("/centres/{centre}/rooms/{room}", STAFF_PAGE),
    # Retiring shows what it does first (a POST without the confirmation too).
    ("rooms.retire", "GET"): Case("/centres/{centre}/rooms/{room}/retire", STAFF_PAGE),
    ("rooms.retire", "POST"): Case("/centres/{centre}/rooms/{room}/retire", STAFF_PAGE),
    ("rooms.confirm_booking", "POST"): Case("/groups/{group}/series/{series}/room/confirm", ACTION),
    # Founding a group: the centre's staff only, for a group it is founding
    # (``founding``, with an open hand-over link). The co-responsibles say
    # that their group has started (the world's group is not being founded:
    # the page leads back to the settings).
    ("centre_founding.found", "GET"): Case("/centres/{centre}/found", STAFF_PAGE),
    ("centre_founding.found", "POST"): Case("/centres/{centre}/found", STAFF_FORM),
    ("centre_founding.show", "GET"): Case("/centres/{centre}/founding/{founding}", STAFF_PAGE),
    ("centre_founding.show", "POST"): Case("/centres/{centre}/founding/{founding}", STAFF_FORM),
    ("centre_founding.handover", "POST"): Case(
        "/centres/{centre}/founding/{founding}/handover", STAFF_ACTION
    ),
    ("centre_founding.revoke", "GET"): Case(
        "/centres/{centre}/founding/{founding}/handover/revoke", STAFF_PAGE
    ),
    ("centre_founding.revoke", "POST"): Case(
        "/centres/{centre}/founding/{founding}/handover/revoke", STAFF_ACTION
    ),
    ("centre_founding.give_up", "GET"): Case(
        "/centres/{centre}/founding/{founding}/delete", STAFF_PAGE
    ),
    ("centre_founding.give_up", "POST"): Case(
        "/centres/{centre}/founding/{founding}/delete", STAFF_ACTION
    ),
    ("centre_founding.started", "GET"): Case("/groups/{group}/started", (302, 404, 403, 302)),
    ("centre_founding.started", "POST"): Case("/groups/{group}/started", ACTION),
}


def test_every_route_is_in_the_table(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert sorted(routes - ROUTES.keys()) == []
    assert sorted(ROUTES.keys() - routes) == []
    assert [route for route, case in ROUTES.items() if len(case.expected) not in (4, 7)] == []


CENTRE_VIEWERS = ("staff", "other_staff", "admin")


def _walks() -> list[tuple[tuple[str, str], tuple[str, ...]]]:
    """Each route with who walks it: one test per viewer, except that the three
    centre viewers of a route that answers them as an outsider share one test
    (and one set-up of the world)."""
    walks = []
    for route in sorted(ROUTES):
        separate = ROLES if len(ROUTES[route].expected) == 7 else ROLES[:4]
        walks += [(route, (role,)) for role in separate]
        if len(ROUTES[route].expected) == 4:
            walks.append((route, CENTRE_VIEWERS))
    return walks


@pytest.mark.parametrize(
    ("route", "viewers"), _walks(), ids=lambda v: "-".join(v) if isinstance(v, tuple) else v
)
def test_route_answers_each_role_as_expected(app, world, route, viewers):
    _endpoint, method = route
    case = ROUTES[route]
    path = case.path.format(**world["values"])
    for role in viewers:
        client = app.test_client()
        if role != "anonymous":
            user = world["users"][role]
            login = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
            assert login.status_code == 302
        response = client.open(path, method=method)
        assert response.status_code == case.status_for(role), f"{method} {path} as {role}"


def _every_form_field_name() -> set[str]:
    """The names of all fields of all the app's forms."""
    import facilitator.blueprints as blueprints

    names = set()
    for info in pkgutil.walk_packages(blueprints.__path__, blueprints.__name__ + "."):
        for _name, cls in inspect.getmembers(importlib.import_module(info.name), inspect.isclass):
            if issubclass(cls, FlaskForm):
                names |= {n for n in dir(cls) if hasattr(getattr(cls, n), "field_class")}
    return names


@pytest.mark.parametrize("role", ["anonymous", "coresponsible"])
def test_a_nul_character_in_any_field_gets_a_400_on_every_post_route(client, login, world, role):
    """PostgreSQL cannot store a NUL character: it must never reach the database."""
    if role != "anonymous":
        login(world["users"][role])
    data = dict.fromkeys(_every_form_field_name(), "Salle\x00B")
    assert len(data) > 40
    for (_endpoint, method), case in sorted(ROUTES.items()):
        if method == "POST":
            path = case.path.format(**world["values"])
            response = client.post(path, data=data)
            assert response.status_code == 400, path
            assert "caractère" in response.get_data(as_text=True), path
    assert client.get("/groups?theme=health\x00").status_code == 400


@pytest.mark.parametrize("too_big", [2**31, 10**30])
def test_an_id_beyond_the_database_range_is_simply_not_found(client, login, world, too_big):
    """PostgreSQL refuses to compare such numbers with an integer column: the
    answer must be a 404 on every route that takes an id, never a 500."""
    login(world["users"]["coresponsible"])
    values = {k: too_big if isinstance(v, int) else v for k, v in world["values"].items()}
    ids = {k for k, v in world["values"].items() if isinstance(v, int)}
    for (_endpoint, method), case in sorted(ROUTES.items()):
        if any(f"{{{name}}}" in case.path for name in ids):
            path = case.path.format(**values)
            # 405 where another method's route has the same path (werkzeug checks
            # methods before it converts the id).
            assert client.open(path, method=method).status_code in (404, 405), f"{method} {path}"
    group = world["values"]["group"]
    for key in (f"m{too_big}", f"s{too_big}-202609081900"):
        assert client.get(f"/groups/{group}/meetings/{key}").status_code == 404
    # Ids that arrive in forms rather than in the path.
    role_slot = (
        f"/groups/{group}/meetings/{world['values']['future']}/roles/{world['values']['role']}/1"
    )
    assert client.post(f"{role_slot}/assign", data={"membership_id": too_big}).status_code == 404
    swap = f"/groups/{group}/assignments/{world['values']['assignment']}/swap"
    assert client.post(swap, data={"member": str(too_big)}).status_code == 404
    fill = client.post(
        f"/groups/{group}/roles/fill",
        data={f"pick|{world['values']['future']}|{world['values']['role']}|1": str(too_big)},
    )
    assert fill.status_code == 302  # the pick is skipped, the others would apply
