"""The filters of the item list (`/items/`): they narrow what `visible_items` gives, never widen it.

Each filter reads the annotations of `workflow.selectors.annotate_progress` (stage, is_overdue,
earliest_due_on), so the list and the item page agree on where an item stands; "waiting on me"
reads each role's own facts through the same selectors' conditions (`waiting_on_me`). A bad
value is a form error shown on the page, not an exception.
"""

import operator
from functools import reduce

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.models import REPLY_KINDS, ObligationKind
from districts.models import UNIT_ROLES, Body, HandlingUnit, Role
from districts.selectors import active_memberships
from proposals.models import Item, Kind
from workflow.access import district_ids, held_replies
from workflow.models import Assignment, Feedback, Obligation, Reply
from workflow.selectors import awaits_reassignment, closing_report_due, reply_awaits, unit_items
from workflow.services.replies import IN_APPROVAL

from .labels import STAGES

# Obligations a reply in the approval chain answers: the reply's, and the progress report's (the second reply).
ANSWERED_BY_A_REPLY = [*REPLY_KINDS, ObligationKind.FOLLOW_UP]

# Sort keys, each ending on the primary key so that equal rows keep one order across pages.
# The earliest open due date first puts overdue items first (they are due before today); items
# owing nothing (closed, rejected, merged) come last.
SORTS = {
    "due": (F("earliest_due_on").asc(nulls_last=True), "pk"),
    "number": ("-year", "body", "number", "pk"),
    "changed": (F("last_change_at").desc(nulls_last=True), "-pk"),
}
SORT_CHOICES = [
    ("due", _("Next due date, overdue first")),
    ("number", _("Number")),
    ("changed", _("Last change, newest first")),
]


def _office_waits(district_id) -> Q:
    """The office's own work in its district besides reviewing replies: review, assignment, reassignment."""
    work = Q(state__in=[Item.State.RECEIVED, Item.State.REGISTERED]) | awaits_reassignment()
    return Q(district_id=district_id) & work


def _unit_waits(unit_ids) -> Q:
    """What the units owe on an item being handled or followed up, besides their head's approval of a reply.

    An open obligation of theirs (acceptance, consultation, opinion, reply, progress report) — but
    not a reply or a progress report whose reply is already in the approval chain: from the head on,
    the reply waits on its approvers (`access.held_replies`). And their closing report once it is
    due, which no obligation dates.
    """
    in_approval = Reply.objects.filter(
        assignment=OuterRef("assignment"), round=OuterRef("round"), state__in=IN_APPROVAL
    )
    answered = Q(kind__in=ANSWERED_BY_A_REPLY) & Q(Exists(in_approval))
    owed = Obligation.objects.open().filter(item=OuterRef("pk"), unit_id__in=unit_ids).exclude(answered)
    handling = Q(state__in=[Item.State.HANDLING, Item.State.FOLLOWING_UP])
    return handling & Q(Exists(owed)) | closing_report_due(Assignment.objects.filter(unit_id__in=unit_ids))


def _proposer_waits(proposer_id) -> Q:
    """A replied item on whose current round this proposer has not given feedback (a merged item's too)."""
    given = Feedback.objects.filter(item=OuterRef("pk"), round=OuterRef("round"), proposer_id=proposer_id)
    return Q(state=Item.State.REPLIED) & ~Q(Exists(given))


def waiting_on_me(user) -> Q | None:
    """What "waiting on me or my unit" means for each role `user` holds; None if no role waits.

    Each role's own facts, not the item's single `waiting_on` label, which shows one step of work
    going on in parallel (a returned co-unit and the lead's reply, two split leads). A reply at an
    approval step the user holds (`access.held_replies`: the office's review, a leader's sign-off
    of the units they are responsible for, the unit head's approval — the unit's). The office:
    items to review or assign, a returned assignment to reassign. A unit (handler or head): what
    it owes (`_unit_waits`). A proposer: their feedback on the current round.
    """
    held = held_replies(user)
    conditions = [] if held is None else [reply_awaits(held, *IN_APPROVAL)]
    unit_ids = set()
    for m in active_memberships(user):
        if m.role == Role.OFFICE:
            conditions.append(_office_waits(m.district_id))
        elif m.role == Role.PROPOSER:
            conditions.append(_proposer_waits(m.proposer_id))
        elif m.role in UNIT_ROLES:
            unit_ids.add(m.unit_id)
    if unit_ids:
        conditions.append(_unit_waits(unit_ids))
    # A city admin: nothing waits on them in particular.
    return reduce(operator.or_, conditions) if conditions else None


def overseen_units(user):
    """The units of the districts where `user` is office staff or a leader (the unit filter's choices)."""
    districts = district_ids(user)
    return HandlingUnit.objects.filter(district_id__in=districts) if districts else None


def _checkbox(label, method):
    """A filter that applies when ticked; unticked (absent from the query string) it leaves the list alone."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


def _on(queryset, condition, value):
    return queryset.filter(condition) if value else queryset


class ItemFilter(django_filters.FilterSet):
    """Filters, search and sort of the item list, for one user.

    Bound to the request's query string. Without a `year` it shows the current year when the
    user has items in it, else every year (`year=` asks for every year). The unit filter is
    offered to office staff and leaders only, with their districts' units; "waiting on me"
    only to roles something can wait on.
    """

    q = django_filters.CharFilter(
        label=_("Number or title"), method="search", max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    year = django_filters.ChoiceFilter(label=_("Year"), empty_label=_("All years"))
    body = django_filters.ChoiceFilter(label=_("Body"), choices=Body.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("All"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGES, empty_label=_("All"))
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=HandlingUnit.objects.none(), method="handled_by", empty_label=_("All")
    )
    mine = _checkbox(_("Waiting on me or my unit"), "waiting")
    overdue = _checkbox(_("Overdue only"), "only_overdue")
    key = _checkbox(_("Key items only"), "only_key")
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None)

    class Meta:
        model = Item
        fields = []  # the declared filters only

    def __init__(self, data, queryset, *, request):
        user = request.user
        self.years = list(queryset.order_by("-year").values_list("year", flat=True).distinct())
        data = data.copy()
        if "year" not in data:
            this_year = timezone.localdate().year
            data["year"] = str(this_year) if this_year in self.years else ""
        if not data.get("sort"):
            data["sort"] = "due"
        super().__init__(data, queryset, request=request)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in self.years]
        units = overseen_units(user)
        if units is None:
            del self.filters["unit"]
        else:
            self.filters["unit"].queryset = units
        self.waiting_condition = waiting_on_me(user)
        if self.waiting_condition is None:
            del self.filters["mine"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def handled_by(self, queryset, name, unit):
        return queryset.filter(pk__in=unit_items(unit.pk))

    def waiting(self, queryset, name, value):
        return _on(queryset, self.waiting_condition, value)

    def only_overdue(self, queryset, name, value):
        return _on(queryset, Q(is_overdue=True), value)

    def only_key(self, queryset, name, value):
        return _on(queryset, Q(is_key=True), value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
