"""Statistics for a centre's yearly report (its staff), and sharing a
group's yearly figures with its centre (the group's co-responsibles)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from facilitator.blueprints.common import load_centre, load_group, sharing_page
from facilitator.i18n import locale_for
from facilitator.models import Centre
from facilitator.services import centre_stats, clock, unit

from .forms import PeriodForm, SharingForm

bp = Blueprint("centre_stats", __name__, template_folder="templates")

STATS = "/centres/<int:centre_id>/statistics"


def _language(centre: Centre) -> str:
    """The centre's language: its reports are in it, whatever the reader's."""
    return locale_for(centre.languages[0] if centre.languages else "fr")


@dataclass
class _Asked:
    centre: Centre
    form: PeriodForm
    year: int | None  # None: a period from ... to
    result: centre_stats.Report


def _asked(centre_id: int) -> _Asked:
    """The centre, the period asked (a year, or from ... to) and its figures;
    a period that is not valid is answered with the page and the form's
    messages (400)."""
    centre = load_centre(centre_id)
    form = PeriodForm(request.args)
    if not form.validate():
        page = render_template("centre_stats/stats.html", centre=centre, form=form, result=None)
        abort(make_response(page, 400))
    first, last, year = form.period()
    return _Asked(centre, form, year, centre_stats.report(centre, first, last, clock.now()))


def _args(form: PeriodForm) -> dict:
    first, last, year = form.period()
    return {"year": year} if year else {"start": first.isoformat(), "end": last.isoformat()}


@bp.get(STATS)
@login_required
def stats(centre_id: int):
    """The centre's figures for a year or a period, small numbers hidden."""
    asked = _asked(centre_id)
    if asked.year:
        asked.form.year.data = asked.year
    return render_template(
        "centre_stats/stats.html",
        centre=asked.centre,
        form=asked.form,
        result=asked.result,
        year=asked.year,
        args=_args(asked.form),
    )


def _csv_labels() -> dict[str, str]:
    return {
        "table": _("Table"),
        "row": _("Row"),
        "groups": _("Active groups"),
        "sharing": _("Groups sharing their figures"),
        "held": _("Meetings held"),
        "cancelled": _("Meetings cancelled"),
        "participants": _("Participants"),
        "median": _("Participants per meeting (median)"),
        "newcomers": _("Newcomers"),
        "by_theme": _("By theme"),
        "by_canton": _("By canton"),
        "total": _("Total"),
        "few": _("fewer than 3"),
        "unknown": _("not known"),
    }


@bp.get(f"{STATS}.csv")
@login_required
def stats_csv(centre_id: int):
    """Download the aggregate tables as CSV, in the centre's language."""
    asked = _asked(centre_id)
    centre, result = asked.centre, asked.result
    first, last = result.first, result.last
    filters = current_app.jinja_env.filters  # the names the pages show
    with force_locale(_language(centre)):
        body = centre_stats.to_csv(
            result,
            _csv_labels(),
            lambda code: str(filters["theme_name"](code)),
            lambda code: str(filters["canton_name"](code)),
        )
    centre_stats.record_download(centre, current_user, "csv", first, last)
    unit.commit()
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="centre-statistics-{first}-{last}.csv"'
    )
    return response


@bp.get(f"{STATS}/report")
@login_required
def report(centre_id: int):
    """The printable report, one row per theme, in the centre's language,
    with the national umbrella's questionnaire figures."""
    asked = _asked(centre_id)
    centre, result = asked.centre, asked.result
    centre_stats.record_download(centre, current_user, "report", result.first, result.last)
    unit.commit()
    # The report in the centre's language; the page around it in the reader's.
    language = _language(centre)
    with force_locale(language):
        body = render_template(
            "centre_stats/_report_body.html",
            centre=centre,
            result=result,
            language=language.replace("_", "-"),
        )
    body = Markup(body)  # noqa: S704 - our own template, escaped as it was rendered
    return render_template(
        "centre_stats/report.html", centre=centre, body=body, args=_args(asked.form)
    )


@bp.route("/groups/<int:group_id>/sharing/figures", methods=["GET", "POST"])
@login_required
def sharing(group_id: int):
    """Say exactly what sharing the yearly figures gives the centre; turn it
    on or off."""
    group, membership = load_group(group_id, coresponsible=True)
    return sharing_page(
        group,
        SharingForm(),
        lambda share: centre_stats.set_sharing(group, current_user, share),
        lambda: group.share_figures,
        (
            _("Your yearly figures are shared with the centre."),
            _("Your yearly figures are no longer shared with the centre."),
        ),
        "centre_stats/sharing.html",
        membership=membership,
        may_share=centre_stats.may_share(group),
        shares=centre_stats.shares(group),
    )
