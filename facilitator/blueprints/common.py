"""Small helpers shared by the blueprints: access checks, redirects, forms."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from facilitator.blueprints.feedback import flash_at, redirect_to
from facilitator.i18n import use_context_language
from facilitator.models import Centre, Group, Membership
from facilitator.models._common import MAX_ID
from facilitator.models.groups import MemberRole
from facilitator.services import centres, charter, notifications, unit
from facilitator.services import groups as group_service
from facilitator.services.errors import DomainError


def load_group(group_id: int, *, coresponsible: bool = False) -> tuple[Group, Membership]:
    """Check access to a group as a named step: 404 for outsiders, 403 for
    members where co-responsibility is needed."""
    if not current_user.is_authenticated:
        abort(404)
    return _checked(group_service.membership_of(current_user.id, group_id), coresponsible)


def load_group_counted(group_id: int) -> tuple[Group, Membership, int, charter.Standing]:
    """``load_group``, the number of the group's members and where the member
    and the group stand with the charter, in one statement (the group page
    shows them)."""
    if not current_user.is_authenticated:
        abort(404)
    found = group_service.membership_and_count(current_user.id, group_id)
    group, membership = _checked(found[0] if found else None, coresponsible=False)
    return group, membership, found[1], found[2]


def load_centre(centre_id: int) -> Centre:
    """Check access to a centre's staff pages as a named step: 404 for
    anyone not on its staff (staff of another centre and instance
    administrators included: they never learn what a centre sees)."""
    if not current_user.is_authenticated:
        abort(404)
    centre = centres.staff_centre(current_user.id, centre_id)
    if centre is None:
        abort(404)
    return centre


def _checked(membership: Membership | None, coresponsible: bool) -> tuple[Group, Membership]:
    if membership is None:
        abort(404)  # never reveal that a group exists
    if coresponsible and not membership.is_coresponsible:
        abort(403)
    return membership.group, membership


def safe_next(default: str) -> str:
    """The ``next`` target if it stays on this site, else ``default``."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host": backslashes and control characters
    # never belong in our own paths.
    if any(c == "\\" or ord(c) < 32 for c in target):
        return default
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def render_form(template: str, form, status_if_invalid: int = 400, **context):
    """Render a form page; a submitted form with errors answers with a 4xx."""
    status = status_if_invalid if form.errors else 200
    return render_template(template, form=form, **context), status


def field_error(form, exc: DomainError, template: str, **context):
    """Show a domain error next to its field (or as a form-level message)."""
    unit.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc.message)]
    else:
        flash(str(exc.message), "error")
    return render_template(template, form=form, **context), exc.status


def sharing_page(
    group: Group,
    form,
    change: Callable[[bool], object],
    shared: Callable[[], bool],
    done: tuple[str, str],
    template: str,
    **context,
):
    """A co-responsible's page that turns sharing something with the centre
    on or off (the form's ``share`` is "on" or "off"): saved, the page again
    with ``done`` (on, off) beside the button; refused, the message at the
    field."""
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                change(form.share.data == "on")
            except DomainError as exc:
                unit.rollback()
                form.share.errors = [str(exc.message)]
                status = exc.status
            else:
                unit.commit()
                flash_at("sharing", done[0] if shared() else done[1])
                return redirect_to(request.path, "sharing")
        else:
            status = 400
    else:
        form.share.data = "on" if shared() else "off"
    return render_template(template, group=group, form=form, **context), status


def invalid_invitation(exc: DomainError):
    """Explain why an invitation link cannot be used, in the group's language;
    a member of the group who opens it again is led to the group."""
    unit.rollback()
    group_id = getattr(exc, "group_id", None)
    if (
        group_id is not None
        and current_user.is_authenticated
        and group_service.membership_of(current_user.id, group_id) is not None
    ):
        return redirect(url_for("groups.show", group_id=group_id))
    language = getattr(exc, "language", None)
    if language:
        use_context_language(language)
    return render_template("groups/invitation_invalid.html", message=exc.message), exc.status


def landing_after_joining(membership: Membership) -> str:
    """Where a new member lands: the newcomer's welcome; the group's own page
    for the first member who took a founded group over (no one to welcome
    them: the page says what to do first)."""
    if membership.role == MemberRole.CORESPONSIBLE:
        return url_for("groups.show", group_id=membership.group_id)
    return url_for("groups.welcome", group_id=membership.group_id)


def announce_arrival(membership: Membership) -> None:
    """Tell the co-responsible members that someone joined, with a link to
    the members' page."""
    link = url_for("groups.members", group_id=membership.group_id, _external=True)
    notifications.notify_arrival(membership.group, membership.user, link)


def announce_departure(group: Group, name: str, reopened: list) -> None:
    """Tell the co-responsible members that ``name`` left, with the roles that
    opened again and a link to fill them fairly."""
    link = url_for("roles.fill", group_id=group.id, _external=True)
    notifications.notify_departure(group, name, reopened, link)


def page_number() -> int:
    """The ``page`` argument of a paged list (1 without it); 404 for one
    that is not a page number."""
    number = request.args.get("page", 1, type=int)
    if number is None or not 1 <= number <= MAX_ID:
        abort(404)
    return number


def page_of(items: list, size: int) -> tuple[list, int, int]:
    """The requested page of ``items``: its items, its number and the number
    of pages (at least 1); 404 past the last page."""
    number = page_number()
    pages = max((len(items) + size - 1) // size, 1)
    if number > pages:
        abort(404)
    return items[(number - 1) * size : number * size], number, pages
