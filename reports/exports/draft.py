"""The "基本情况" (basic situation) section of the yearly report, drafted from its figures.

Each sentence follows the office's usual wording (see the Minhang 2017 report in the
seeds) and is filled with this year's numbers and, where there is one, last year's:
a figure that rose, fell or stayed the same is phrased accordingly, and a figure with no
previous year says so rather than inventing a comparison. The text goes through gettext
with English message ids; the Chinese catalogue gives the wording of the seeds.
"""

import datetime as dt

from django.utils import formats
from django.utils.translation import get_language, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from .tables import rate_change, report_precision


def _pct(value, precision) -> str:
    return "—" if value is None else f"{value:.{precision}f}%"


def _points(value, precision) -> str:
    return f"{abs(value):.{precision}f}"


def _no_figure_this_year(previous) -> str:
    return _("no figure this year to compare with the %(previous)s of last year") % {"previous": previous}


def count_comparison(current, previous) -> str:
    """How a count compares with last year's, as a clause ending the sentence."""
    if previous is None:
        return _("no figure from last year to compare with")
    if current is None:
        return _no_figure_this_year(previous)
    if current > previous:
        return _("%(diff)s more than the %(previous)s of last year") % {
            "diff": current - previous,
            "previous": previous,
        }
    if current < previous:
        return _("%(diff)s fewer than the %(previous)s of last year") % {
            "diff": previous - current,
            "previous": previous,
        }
    return _("the same as last year")


def rate_comparison(change, previous, precision) -> str:
    """How a rate compares with last year's, in percentage points of the displayed rates.

    `change` is None with a previous rate when this year has none (nothing answered yet).
    """
    if previous is None:
        return _("no figure from last year to compare with")
    if change is None:
        return _no_figure_this_year(_pct(previous, precision))
    values = {"diff": _points(change, precision), "previous": _pct(previous, precision)}
    number = 1 if abs(change) == 1 else 2  # "1 percentage point", "0.5 / 2 percentage points"
    if change > 0:
        return (
            ngettext(
                "up %(diff)s percentage point from %(previous)s last year",
                "up %(diff)s percentage points from %(previous)s last year",
                number,
            )
            % values
        )
    if change < 0:
        return (
            ngettext(
                "down %(diff)s percentage point from %(previous)s last year",
                "down %(diff)s percentage points from %(previous)s last year",
                number,
            )
            % values
        )
    return _("the same as last year")


# What the items of a kind are called in a sentence, when a report covers that kind alone.
KIND_ITEMS = {
    "suggestion": pgettext_lazy("report draft", "suggestions"),
    "written_opinion": pgettext_lazy("report draft", "written opinions"),
    "proposal": pgettext_lazy("report draft", "proposals"),
    "community_opinion": pgettext_lazy("report draft", "community opinions"),
    "city_lead": pgettext_lazy("report draft", "city items led by the district"),
    "city_co": pgettext_lazy("report draft", "city items co-handled by the district"),
}


def _nouns(body, kind=None):
    """(items, proposers): the report's kind names its items; without one, the body's ordinary items."""
    if body == "npc":
        items, proposers = pgettext("report draft", "suggestions"), pgettext("report draft", "deputies")
    else:
        items, proposers = pgettext("report draft", "proposals"), pgettext("report draft", "members")
    if kind in KIND_ITEMS:
        items = str(KIND_ITEMS[kind])
    return items, proposers


def _as_of(report) -> str:
    value = report.get("as_of")
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _join(parts) -> str:
    return pgettext("list separator", "; ").join(parts)


def _shares(rows, precision, template, *, unlabelled=None) -> str:
    """Each row's share; a row without a code (the items without a category) by `unlabelled` if given."""
    return _join(
        (unlabelled if unlabelled and row.get("code", "") is None else template)
        % {"label": row["label"], "count": row["count"], "percent": _pct(row["percent"], precision)}
        for row in rows
    )


def _paragraph(sentences) -> str:
    """Chinese sentences follow one another directly; other languages put a space between."""
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(sentences)


def sections(report: dict) -> list[tuple[str, list[str]]]:
    """The draft as (heading, paragraphs) pairs, ready to be written to Word or shown on a page."""
    p = report_precision(report)
    items, proposers = _nouns(report.get("body"), report.get("kind"))
    previous = report.get("previous_year") or {}
    total = report["total"]
    if not total:
        return [(_("1. Items and their categories"), [_nothing_registered(report, items)])]

    def rate(key):
        return {
            "rate": _pct(report.get(key), p),
            "comparison": rate_comparison(rate_change(report, key), previous.get(key), p),
        }

    received = report.get("received")
    values = {"date": _as_of(report), "total": total, "received": received, "items": items}
    values["units"] = report["units_involved"]
    values["comparison"] = count_comparison(total, previous.get("total"))
    if received is not None and received != total:
        intake = [
            _(
                "As of %(date)s, the district government had received %(received)s %(items)s and registered "
                "%(total)s of them (%(comparison)s), involving %(units)s handling units."
            )
            % values
        ]
    else:
        intake = [
            _(
                "As of %(date)s, the district government had received %(total)s %(items)s "
                "(%(comparison)s), involving %(units)s handling units."
            )
            % values
        ]
    if report.get("by_category"):
        shares = _shares(
            report["by_category"],
            p,
            _("%(label)s: %(count)s items, %(percent)s"),
            unlabelled=_("without a category: %(count)s items, %(percent)s"),
        )
        intake.append(_("Of these, %(shares)s.") % {"shares": shares})

    if report.get("not_replied"):
        replies = [
            _("%(replied)s of the %(total)s %(items)s have been answered; %(open)s are still awaiting a reply.")
            % {"replied": report["replied"], "total": total, "items": items, "open": report["not_replied"]}
        ]
    else:
        replies = [_("All %(total)s %(items)s have been answered.") % {"total": total, "items": items}]
    if report.get("by_outcome") and report.get("replied"):
        shares = _shares(report["by_outcome"], p, _("%(label)s %(count)s items, %(percent)s"))
        replies.append(_("Of these, %(shares)s.") % {"shares": shares})
    replies.append(_("The resolution rate is %(rate)s, %(comparison)s.") % rate("resolution_rate"))
    at_reply = report.get("resolution_rate_at_reply")
    if at_reply is not None and at_reply != report.get("resolution_rate"):
        replies.append(
            _("At first reply it was %(rate)s; the difference comes from items converted since.")
            % {"rate": _pct(at_reply, p)}
        )
    replies.append(
        _("%(closed)s of the %(total)s %(items)s are closed, a completion rate of %(rate)s, %(comparison)s.")
        % {"closed": report["closed"], "total": total, "items": items, **rate("completion_rate")}
    )
    if report.get("key_items"):
        replies.append(
            _("Of the %(key)s key items led by district leaders, %(closed)s are closed.")
            % {"key": report["key_items"], "closed": report.get("key_items_closed", 0)}
        )

    ratings = report.get("ratings") or []
    given = [r for r in ratings if r["count"]]
    missing = [r for r in ratings if not r["count"]]
    rated = {"total": total, "items": items, "proposers": proposers, "rated": report.get("rated", 0)}
    if given:
        rated["shares"] = _shares(given, p, _("“%(label)s” %(count)s, %(percent)s"))
        feedback = [
            _("Of the %(total)s %(items)s, the %(proposers)s have rated %(rated)s replies: %(shares)s.") % rated
        ]
    else:
        feedback = [_("Of the %(total)s %(items)s, the %(proposers)s have rated %(rated)s replies.") % rated]
    if given and missing:
        labels = pgettext("list separator", "”, “").join(r["label"] for r in missing)
        feedback.append(_("No reply was rated “%(labels)s”.") % {"labels": labels})
    praised = report.get("praised", 0)
    change = report.get("praised_change")
    previous_praised = previous.get("praised", praised - change if change is not None else None)
    feedback.append(
        _("%(praised)s %(items)s were praised by the %(proposers)s, %(comparison)s.")
        % {
            "praised": praised,
            "items": items,
            "proposers": proposers,
            "comparison": count_comparison(praised, previous_praised),
        }
    )

    disclosure = [
        _("%(disclosed)s replies have been published, a disclosure rate of %(rate)s, %(comparison)s.")
        % {"disclosed": report.get("disclosed", 0), **rate("disclosure_rate")}
    ]

    return [
        (_("1. Items and their categories"), [_paragraph(intake)]),
        (_("2. Replies and handling"), [_paragraph(replies)]),
        (_("3. Feedback and ratings"), [_paragraph(feedback)]),
        (_("4. Publication"), [_paragraph(disclosure)]),
    ]


def _nothing_registered(report, items) -> str:
    """The whole draft of a year with no registered item: no rate means anything."""
    values = {"date": _as_of(report), "items": items, "received": report.get("received")}
    if values["received"]:
        return _("As of %(date)s, the district government had received %(received)s %(items)s and registered none.") % (
            values
        )
    return _("As of %(date)s, the district government had received no %(items)s.") % values


def title(report: dict) -> str:
    items, _proposers = _nouns(report.get("body"), report.get("kind"))
    return _("Report on the handling of the %(year)s %(items)s") % {"year": report.get("year"), "items": items}
