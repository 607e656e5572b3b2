"""The filters of the item list (`/items/`): they narrow what `visible_items` gives, never widen it.

Each filter reads the annotations of `workflow.selectors.annotate_progress` (stage, is_overdue,
earliest_due_on: columns the workflow keeps on the item), so the list and the item page agree on
where an item stands; "waiting on me" reads each role's own facts (`workflow.waiting.waiting_on_me`).
A bad value is a form error shown on the page, not an exception.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.models import REPLY_KINDS, ObligationKind
from districts.models import Body, District, HandlingUnit, Role, User
from districts.selectors import active_memberships
from proposals.models import Category, Item, ItemProposer, Kind, Session
from workflow.access import district_ids, is_admin
from workflow.models import Extension, Obligation, Reply
from workflow.selectors import awaits_reassignment, reply_awaits, unit_items
from workflow.waiting import waiting_on_me

from .labels import STAGES

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


# --- The office's dashboard links here: each of its counts is one of these conditions ------------
# (web/office/dashboard counts the same conditions in the database, so a count and its list agree).

# Overdue work by kind of obligation: what the unit (or the proposer) owes, grouped as the office speaks of it.
OVERDUE_KINDS = {
    "acceptance": (ObligationKind.ACCEPTANCE,),
    "consultation": (ObligationKind.CONSULTATION,),
    "co_opinion": (ObligationKind.CO_OPINION,),
    "reply": REPLY_KINDS,
    "feedback": (ObligationKind.FEEDBACK,),
    "follow_up": (ObligationKind.FOLLOW_UP,),
}
OVERDUE_KIND_CHOICES = [
    ("acceptance", _("Acceptance")),
    ("consultation", _("Consultation")),
    ("co_opinion", _("Co-unit opinion")),
    ("reply", _("Reply")),
    ("feedback", _("Feedback")),
    ("follow_up", _("Follow-up report")),
]
# How many days ahead "the feedback window is ending" looks (today included).
FEEDBACK_ENDING_DAYS = 7


def overdue_obligations(today):
    """Open obligations due before `today`: overdue work (an item with one has `next_due_on` before today)."""
    return Obligation.objects.open().filter(due_on__lt=today)


def overdue_of_kind(group, today) -> Q:
    """A filter on Item: an obligation of the `group` of kinds (`OVERDUE_KINDS`) is overdue."""
    owed = overdue_obligations(today).filter(item=OuterRef("pk"), kind__in=OVERDUE_KINDS[group])
    return Q(Exists(owed))


def overdue_at_unit(unit_id, today) -> Q:
    """A filter on Item: the unit owes an overdue obligation on it."""
    return Q(Exists(overdue_obligations(today).filter(item=OuterRef("pk"), unit_id=unit_id)))


def feedback_window_ending(today) -> Q:
    """A filter on Item: the proposer's feedback is still owed and its window ends within `FEEDBACK_ENDING_DAYS`."""
    last = today + dt.timedelta(days=FEEDBACK_ENDING_DAYS - 1)
    owed = Obligation.objects.open().filter(
        item=OuterRef("pk"), kind=ObligationKind.FEEDBACK, due_on__gte=today, due_on__lte=last
    )
    return Q(Exists(owed))


def pending_extension() -> Q:
    """A filter on Item: a unit's extension request awaits the office's decision."""
    pending = Extension.objects.filter(assignment__item=OuterRef("pk"), state=Extension.State.PENDING)
    return Q(Exists(pending))


# What waits for the office to act, besides reviewing and assigning items (those are stages).
AWAITS_OFFICE = {
    "office_review": lambda: reply_awaits(Reply.objects.all(), Reply.State.AWAITING_OFFICE),
    "reassignment": awaits_reassignment,
    "extension": pending_extension,
}
AWAITS_OFFICE_CHOICES = [
    ("office_review", _("Review of a reply")),
    ("reassignment", _("Reassignment of a returned assignment")),
    ("extension", _("Decision on an extension request")),
]
# Offered only when they are in the query string (the dashboard's links): they say which list it is.
LINKED_ONLY = ("district", "overdue_kind", "overdue_unit", "awaits_office", "feedback_ending", "leader")


def overseen_districts(user):
    """The districts `user` sees whole (office staff, leaders; every one for an admin), or None."""
    if is_admin(user):
        return District.objects.all()
    districts = district_ids(user)
    return District.objects.filter(pk__in=districts) if districts else None


def overseen_units(user):
    """The units of the districts where `user` is office staff or a leader (the unit filter's choices)."""
    districts = district_ids(user)
    return HandlingUnit.objects.filter(district_id__in=districts) if districts else None


def only_proposes(user) -> bool:
    """Whether `user` reads the list only as a deputy, member or group (no office, unit or leader role)."""
    roles = {m.role for m in active_memberships(user)}
    return roles == {Role.PROPOSER} and not is_admin(user)


# What a proposer cannot use: the kind (their items are of their body's kinds) and the office's key items.
NOT_FOR_PROPOSERS = ("kind", "key")


def _checkbox(label, method):
    """A filter that applies when ticked; unticked (absent from the query string) it leaves the list alone."""
    return django_filters.BooleanFilter(label=label, method=method, widget=forms.CheckboxInput)


def _on(queryset, condition, value):
    return queryset.filter(condition) if value else queryset


# The columns of `_facets`' rows.
_YEAR, _SESSION, _SESSION_LABEL, _SESSION_BODY, _CATEGORY, _CATEGORY_NAME, _CATEGORY_ORDER = range(7)


def _facets(queryset):
    """The distinct (year, session, category) of the user's items, with the names the choices show: one query.

    The distinct triples first, from the items' narrow columns alone (an index-only scan of
    `item_facets_idx` for a district's items), and only those few rows joined to the names: the
    names joined first made PostgreSQL sort every item's wide row to find the few hundred distinct.
    """
    try:
        distinct, params = (
            queryset.order_by().values_list("year", "session_id", "category_id").distinct().query.sql_with_params()
        )
    except EmptyResultSet:  # a reader who may see no item
        return []
    sql = (
        "SELECT f.year, f.session_id, s.label, s.body, f.category_id, c.name, c.sort_order "  # noqa: S608 - compiled SQL, table names
        f"FROM ({distinct}) f LEFT JOIN {Session._meta.db_table} s ON s.id = f.session_id "
        f"LEFT JOIN {Category._meta.db_table} c ON c.id = f.category_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _session_choices(facets):
    bodies = dict(Body.choices)
    sessions = {(row[_SESSION], row[_SESSION_LABEL], row[_SESSION_BODY], row[_YEAR]) for row in facets if row[_SESSION]}
    by_year = {}
    for pk, label, body, year in sessions:  # a session's items may carry another year: the latest names it
        by_year[pk] = max(by_year.get(pk, (0, label, body)), (year, label, body))
    ordered = sorted(by_year.items(), key=lambda kv: (-kv[1][0], kv[1][2], kv[1][1], kv[0]))
    return [(str(pk), f"{label} · {bodies.get(body, body)}") for pk, (_year, label, body) in ordered]


def _category_choices(facets):
    categories = {(row[_CATEGORY_ORDER], row[_CATEGORY_NAME], row[_CATEGORY]) for row in facets if row[_CATEGORY]}
    return [(str(pk), name) for _order, name, pk in sorted(categories)]


class ItemFilter(django_filters.FilterSet):
    """Filters, search and sort of the item list, for one user.

    Bound to the request's query string. Without a `year` it shows the current year when the
    user has items in it, else every year (`year=` asks for every year). The year, session and
    category choices are those of the user's own items, read in one query (`facets`). The unit
    filter is offered to office staff and leaders only, with their districts' units; the proposer
    search (a name, so it stays usable with hundreds of proposers and asks no query for choices)
    to those who see whole districts; "waiting on me" only to roles something can wait on; a
    deputy or member gets neither the kind nor the key items (`NOT_FOR_PROPOSERS`), and "waiting on me"
    says what waits on them: their feedback.
    """

    q = django_filters.CharFilter(
        label=_("Number or title"), method="search", max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    year = django_filters.ChoiceFilter(label=_("Year"), empty_label=_("All years"))
    body = django_filters.ChoiceFilter(label=_("Body"), choices=Body.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices, empty_label=_("All"))
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=STAGES, empty_label=_("All"))
    session = django_filters.ChoiceFilter(label=_("Session"), field_name="session_id", empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Category"), field_name="category_id", empty_label=_("All"))
    proposer = django_filters.CharFilter(
        label=_("Proposer"), method="by_proposer", max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=HandlingUnit.objects.none(), method="handled_by", empty_label=_("All")
    )
    mine = _checkbox(_("Waiting on me or my unit"), "waiting")
    overdue = _checkbox(_("Overdue only"), "only_overdue")
    key = _checkbox(_("Key items only"), "only_key")
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.none(), empty_label=_("All")
    )
    overdue_kind = django_filters.ChoiceFilter(
        label=_("Overdue work"), choices=OVERDUE_KIND_CHOICES, method="overdue_of_kind", empty_label=_("All")
    )
    overdue_unit = django_filters.ModelChoiceFilter(
        label=_("Overdue at unit"), queryset=HandlingUnit.objects.none(), method="overdue_at_unit", empty_label=_("All")
    )
    awaits_office = django_filters.ChoiceFilter(
        label=_("Waiting for the office"), choices=AWAITS_OFFICE_CHOICES, method="awaiting_office", empty_label=_("All")
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("Supervising leader"),
        field_name="supervising_leader",
        queryset=User.objects.none(),
        empty_label=_("All"),
        null_label=_("No supervising leader"),
    )
    feedback_ending = _checkbox(_("Feedback window ending within 7 days"), "feedback_ending_soon")
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORT_CHOICES, method="sort_by", empty_label=None)

    class Meta:
        model = Item
        fields = []  # the declared filters only

    def __init__(self, data, queryset, *, request):
        user = request.user
        facets = _facets(queryset)
        self.years = sorted({row[0] for row in facets}, reverse=True)
        data = data.copy()
        if "year" not in data:
            this_year = timezone.localdate().year
            data["year"] = str(this_year) if this_year in self.years else ""
        if not data.get("sort"):
            data["sort"] = "due"
        super().__init__(data, queryset, request=request)
        self.filters["year"].extra["choices"] = [(str(year), str(year)) for year in self.years]
        self.filters["session"].extra["choices"] = _session_choices(facets)
        self.filters["category"].extra["choices"] = _category_choices(facets)
        units = overseen_units(user)
        if units is None:
            del self.filters["unit"]
        else:
            self.filters["unit"].queryset = units
        self.waiting_condition = waiting_on_me(user)
        if self.waiting_condition is None:
            del self.filters["mine"]
        self._linked_filters(user, data)
        if only_proposes(user):
            for name in NOT_FOR_PROPOSERS:
                self.filters.pop(name, None)
            if "mine" in self.filters:  # what waits on a proposer is their feedback, not "my unit's" work
                self.filters["mine"].label = _("Awaiting my feedback")

    def _linked_filters(self, user, data):
        """The dashboard's filters: for those who see whole districts, and shown only when a link set them."""
        self.today = timezone.localdate()
        districts = overseen_districts(user)
        if districts is None:
            del self.filters["proposer"]  # a proposer reads their own items, a unit its assigned ones
        for name in LINKED_ONLY:
            if districts is None or name not in data:
                del self.filters[name]
        if districts is None:
            return
        if "district" in self.filters:
            self.filters["district"].queryset = districts
        if "overdue_unit" in self.filters:
            self.filters["overdue_unit"].queryset = HandlingUnit.objects.filter(district__in=districts)
        if "leader" in self.filters:
            leaders = User.objects.filter(memberships__role=Role.LEADER, memberships__district__in=districts)
            self.filters["leader"].queryset = leaders.distinct()

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def by_proposer(self, queryset, name, value):
        """Items one of whose proposers (lead, co-signer or group) has `value` in their name."""
        named = ItemProposer.objects.filter(item=OuterRef("pk"), proposer__name__icontains=value)
        return queryset.filter(Exists(named))

    def handled_by(self, queryset, name, unit):
        return queryset.filter(pk__in=unit_items(unit.pk))

    def waiting(self, queryset, name, value):
        return _on(queryset, self.waiting_condition, value)

    def only_overdue(self, queryset, name, value):
        return _on(queryset, Q(is_overdue=True), value)

    def only_key(self, queryset, name, value):
        return _on(queryset, Q(is_key=True), value)

    def overdue_of_kind(self, queryset, name, value):
        return queryset.filter(overdue_of_kind(value, self.today)) if value else queryset

    def overdue_at_unit(self, queryset, name, unit):
        return queryset.filter(overdue_at_unit(unit.pk, self.today)) if unit else queryset

    def awaiting_office(self, queryset, name, value):
        return queryset.filter(AWAITS_OFFICE[value]()) if value else queryset

    def feedback_ending_soon(self, queryset, name, value):
        return _on(queryset, feedback_window_ending(self.today), value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
