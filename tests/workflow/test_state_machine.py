"""Random sequences of verbs by random actors; the workflow's invariants hold after every step."""

import contextlib
import datetime as dt
import random

import pytest
from django.db import transaction
from django.db.models import Min
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from deadlines.models import Holiday
from deadlines.signals import announce_calendar_change
from demo import drive as demo
from districts.models import Role
from proposals.models import Item
from tests.factories import DistrictFactory, MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from workflow.errors import WorkflowError
from workflow.models import (
    Assignment,
    ClosingReport,
    Consultation,
    CoUnitOpinion,
    Event,
    Extension,
    Feedback,
    FollowUp,
    Obligation,
    OutcomeCategory,
    RatingValue,
    Reply,
)
from workflow.progress import derive_list_facts, first_match, stored_list_facts, waits
from workflow.selectors import visible_items, visible_replies
from workflow.services import assignment as assign
from workflow.services import (
    closing,
    consultation,
    extensions,
    feedback,
    followup,
    intake,
    opinions,
    replies,
)

from .conftest import NOW

ACTORS = ["system", "office", "handler", "head", "handler2", "head2", "leader", "member", "outsider"]
CORRECTIONS = {"item.corrected", "reply.corrected", "reply.published"}
pick = st.integers(min_value=0, max_value=20)
actor = st.sampled_from(ACTORS)


def actor_for(*likely):
    """Half the time the role that may act, so runs get deep; otherwise anyone."""
    return st.one_of(st.sampled_from(likely), actor)


OFFICE = actor_for("office", "system")
UNIT = actor_for("handler", "head", "handler2", "head2")


def nth(queryset, i):
    rows = list(queryset.order_by("pk"))
    return rows[i % len(rows)] if rows else None


class Workflow(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = NOW
        district = DistrictFactory(code="sm", name="状态机区")
        other = DistrictFactory(code="sm2", name="他区")
        self.leader = UserFactory(username="sm_leader")
        MembershipFactory(user=self.leader, role=Role.LEADER, district=district)
        self.units = [UnitFactory(district=district, name=f"单位{i}", responsible_leader=self.leader) for i in range(3)]
        self.actors = {"system": None, "leader": self.leader}
        for name, role, unit in [
            ("handler", Role.HANDLER, 0),
            ("head", Role.UNIT_HEAD, 0),
            ("handler2", Role.HANDLER, 1),
            ("head2", Role.UNIT_HEAD, 1),
        ]:
            user = UserFactory(username=f"sm_{name}")
            MembershipFactory(user=user, role=role, district=district, unit=self.units[unit])
            self.actors[name] = user
        for name, dist in (("office", district), ("outsider", other)):
            user = UserFactory(username=f"sm_{name}")
            MembershipFactory(user=user, role=Role.OFFICE, district=dist)
            self.actors[name] = user
        self.proposer = ProposerFactory(district=district, name="机委员")
        member = UserFactory(username="sm_member")
        MembershipFactory(user=member, role=Role.PROPOSER, district=district, proposer=self.proposer)
        self.actors["member"] = member
        for i, (body, kind) in enumerate([("cppcc", "proposal"), ("npc", "suggestion"), ("cppcc", "proposal")]):
            intake.receive_item(
                actor=None,
                now=NOW,
                district=district,
                year=2026,
                body=body,
                kind=kind,
                number=f"S{i}",
                title=f"事项{i}",
                lead_proposer=self.proposer if body == "cppcc" else None,
                proposers=[] if body == "cppcc" else [ProposerFactory(district=district, body="npc", name=f"代表{i}")],
                disclosure=Item.Disclosure.PUBLIC,
            )
        # Start some items deeper so short runs reach replies, feedback and follow-up.
        items = list(Item.objects.filter(district=district).order_by("pk"))
        for item in items[1:]:
            intake.register_item(actor=None, now=NOW, item=item)
        for a in assign.assign_units(
            actor=None, now=NOW, item=items[1], lead_units=self.units[:1], co_units=self.units[2:]
        ):
            assign.accept_assignment(actor=None, now=NOW, assignment=a)
        (lead,) = items[1].assignments.filter(role="lead")
        consultation.record_consultation(
            actor=self.actors["handler"], now=NOW, assignment=lead, method="meeting", held_on=NOW.date()
        )
        assign.assign_units(actor=None, now=NOW, item=items[2], lead_units=self.units[:2], split=True)
        self.cast = demo.Cast.of(district)
        self.closed = {}
        self.seen_events = Event.objects.count()
        self.fingerprint = self._fingerprint()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def act(self, fn, who, **kwargs):
        """Call a verb; refusals are expected, anything else fails the test."""
        if any(key in kwargs and kwargs[key] is None for key in ("item", "into", "assignment", "reply", "extension")):
            return
        with contextlib.suppress(WorkflowError):
            fn(actor=self.actors[who], now=self.now, **kwargs)

    # --- verbs -------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=45))
    def time_passes(self, days):
        self.now += dt.timedelta(days=days)

    @rule(who=OFFICE, i=pick)
    def register(self, who, i):
        self.act(intake.register_item, who, item=nth(Item.objects.all(), i))

    @rule(who=OFFICE, i=pick, j=pick)
    def merge(self, who, i, j):
        self.act(intake.merge_item, who, item=nth(Item.objects.all(), i), into=nth(Item.objects.all(), j))

    @rule(who=OFFICE, i=pick, split=st.booleans(), co=st.booleans())
    def assign(self, who, i, split, co):
        leads = self.units[:2] if split else self.units[:1]
        cos = [self.units[2]] if co else []
        self.act(assign.assign_units, who, item=nth(Item.objects.all(), i), lead_units=leads, co_units=cos, split=split)

    @rule(who=UNIT, i=pick)
    def accept(self, who, i):
        self.act(assign.accept_assignment, who, assignment=nth(Assignment.objects.all(), i))

    @rule(who=UNIT, i=pick)
    def give_back(self, who, i):
        self.act(assign.return_assignment, who, assignment=nth(Assignment.objects.all(), i), reason="非本单位职责")

    @rule(who=OFFICE, i=pick, u=st.integers(0, 2))
    def reassign(self, who, i, u):
        a = nth(Assignment.objects.filter(state="returned"), i)
        if a:
            self.act(assign.reassign, who, assignment=a, unit=self.units[u])

    @rule(who=UNIT, i=pick, waiver=st.booleans())
    def consult(self, who, i, waiver):
        a = nth(Assignment.objects.all(), i)
        if a:
            method = Consultation.Method.WAIVER if waiver else Consultation.Method.CALL
            self.act(
                consultation.record_consultation,
                who,
                assignment=a,
                method=method,
                held_on=self.now.date(),
                notes="委员表示不需要",
            )

    @rule(who=UNIT, i=pick)
    def opinion(self, who, i):
        self.act(opinions.submit_opinion, who, assignment=nth(Assignment.objects.all(), i), text="会办意见")

    @rule(who=OFFICE, i=pick)
    def waive_opinion(self, who, i):
        self.act(opinions.waive_opinion, who, assignment=nth(Assignment.objects.all(), i), reason="已撤并")

    @rule(who=UNIT, i=pick, c=pick, second=st.booleans(), stale=st.booleans())
    def draft(self, who, i, c, second, stale):
        a = nth(Assignment.objects.all(), i)
        if a is None:
            return
        category = nth(OutcomeCategory.objects.filter(scheme__code=a.item.body), c)
        open_reply = Reply.objects.filter(assignment=a, state="draft").first()
        version = open_reply.version - (1 if stale else 0) if open_reply else None
        self.act(
            replies.draft_reply,
            who,
            assignment=a,
            kind=Reply.Kind.SECOND if second else Reply.Kind.REPLY,
            version=version,
            text="答复",
            category=category,
            planned_on=dt.date(2026, 12, 31),
            reason="条件不具备",
        )

    @rule(
        who=actor_for("handler", "head", "head2", "leader", "office"),
        i=pick,
        verb=st.sampled_from(["submit", "approve", "sign_off", "send", "publish", "send_back", "correct"]),
    )
    def move_reply(self, who, i, verb):
        reply = nth(Reply.objects.all(), i)
        if reply is None:
            return
        fn = {
            "submit": replies.submit_reply,
            "approve": replies.approve_reply,
            "sign_off": replies.sign_off_reply,
            "send": replies.send_reply,
            "publish": replies.publish_reply,
        }.get(verb)
        if fn:
            self.act(fn, who, reply=reply)
        elif verb == "send_back":
            self.act(replies.send_back_reply, who, reply=reply, reason="答复类型不当")
        else:
            category = (
                OutcomeCategory.objects.filter(scheme_id=reply.category.scheme_id).first() if reply.category else None
            )
            if category:
                self.act(closing.correct_reply, who, reply=reply, reason="更正", category=category)

    @rule(who=UNIT, i=pick, days=st.integers(1, 200))
    def ask_for_time(self, who, i, days):
        self.act(
            extensions.request_extension,
            who,
            assignment=nth(Assignment.objects.all(), i),
            until=self.now.date() + dt.timedelta(days=days),
            reason="需协调",
        )

    @rule(who=OFFICE, i=pick, grant=st.booleans())
    def decide(self, who, i, grant):
        ext = nth(Extension.objects.all(), i)
        if ext:
            self.act(extensions.decide_extension, who, extension=ext, grant=grant, note="决定")

    @rule(who=actor_for("member", "office"), i=pick, agrees=st.booleans(), r=pick)
    def give_feedback(self, who, i, agrees, r):
        item = nth(Item.objects.all(), i)
        if item is None:
            return
        rating = nth(RatingValue.objects.filter(scale__code="quality" if item.body == "cppcc" else "satisfaction"), r)
        proposer = item.proposers.first()
        self.act(
            feedback.record_feedback, who, item=item, agrees=agrees, rating=rating, proposer=proposer, comment="未解决"
        )

    @rule(who=UNIT, i=pick, c=pick, convert=st.booleans())
    def progress(self, who, i, c, convert):
        a = nth(Assignment.objects.all(), i)
        if a is None:
            return
        to = nth(OutcomeCategory.objects.filter(scheme__code=a.item.body), c) if convert else None
        self.act(
            followup.report_progress, who, assignment=a, progress="进展", convert_to=to, planned_on=dt.date(2027, 6, 30)
        )

    @rule(who=UNIT, i=pick)
    def closing_report(self, who, i):
        self.act(closing.submit_closing_report, who, assignment=nth(Assignment.objects.all(), i), text="结案报告")

    @rule(who=OFFICE, i=pick)
    def close(self, who, i):
        self.act(closing.close_item, who, item=nth(Item.objects.all(), i))

    @rule(who=OFFICE, i=pick)
    def correct(self, who, i):
        self.act(closing.correct_item, who, item=nth(Item.objects.all(), i), reason="更正", title="更正后的标题")

    @rule(i=pick, seed=st.integers(0, 2**16), steps=st.integers(1, 6))
    def the_right_people_move_it_on(self, i, seed, steps):
        """The plausible next acts by the right people (demo.drive), so runs reach every stage."""
        item, rng = nth(Item.objects.all(), i), random.Random(seed)
        for _ in range(steps):
            self.now += dt.timedelta(days=rng.randint(0, 6))
            demo.next_step(item, now=self.now, rng=rng, cast=self.cast)

    @rule(ahead=st.integers(min_value=0, max_value=120), workday=st.booleans())
    def the_holiday_table_changes(self, ahead, workday):
        """An admin adds or removes a calendar exception; open due dates move with it (as in the admin)."""
        day = self.now.date() + dt.timedelta(days=ahead)
        existing = Holiday.objects.filter(date=day).first()
        if existing is not None:
            existing.delete()
        else:
            Holiday.objects.create(date=day, is_workday=workday and day.weekday() >= 5, name="状态机")
        announce_calendar_change(now=self.now)

    @rule()
    def feedback_windows_end(self):
        closing.expire_feedback_windows(now=self.now)

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def no_sent_reply_without_consultation_or_waiver(self):
        for r in Reply.objects.filter(state="sent", kind="reply"):
            assert Consultation.objects.filter(
                assignment=r.assignment_id, round=r.round, stage__in=["before", "during"]
            ).exists(), r

    @invariant()
    def at_most_one_sent_reply_per_lead_assignment_and_round(self):
        seen = set()
        for key in Reply.objects.filter(state="sent", kind="reply").values_list("assignment", "round"):
            assert key not in seen
            seen.add(key)
        assert not Reply.objects.filter(state="sent", assignment__role="co").exists()

    def _fingerprint(self):
        return (
            tuple(Item.objects.order_by("pk").values_list("state", "round", "is_key", "title", "review")),
            tuple(Assignment.objects.order_by("pk").values_list("state")),
            tuple(Reply.objects.order_by("pk").values_list("state", "version", "category", "published_at")),
            Consultation.objects.count(),
            CoUnitOpinion.objects.count(),
            Feedback.objects.count(),
            FollowUp.objects.count(),
            ClosingReport.objects.count(),
            tuple(Extension.objects.order_by("pk").values_list("state")),
        )

    @invariant()
    def every_change_has_its_event(self):
        fingerprint, events = self._fingerprint(), Event.objects.count()
        if fingerprint != self.fingerprint:
            assert events > self.seen_events, "a change without an event"
        self.fingerprint, self.seen_events = fingerprint, events

    def _closed_snapshot(self, item):
        return (
            item.state,
            item.round,
            tuple(Reply.objects.filter(assignment__item=item).order_by("pk").values_list("state", "version", "round")),
            Feedback.objects.filter(item=item).count(),
            FollowUp.objects.filter(item=item).count(),
            Consultation.objects.filter(item=item).count(),
            ClosingReport.objects.filter(item=item).count(),
        )

    @invariant()
    def closed_items_change_only_by_correction(self):
        for item in Item.objects.filter(state="closed"):
            snapshot, last_event = self._closed_snapshot(item), item.events.order_by("-pk").first().pk
            if item.pk in self.closed:
                before, since = self.closed[item.pk]
                assert snapshot == before
                assert set(item.events.filter(pk__gt=since).values_list("action", flat=True)) <= CORRECTIONS
            self.closed[item.pk] = (snapshot, last_event)

    @invariant()
    def every_items_stored_next_due_date_is_its_earliest_open_obligation(self):
        """What the lists sort on, stored by the services, equals the fact derived from scratch."""
        derived = dict(
            Obligation.objects.filter(fulfilled_at=None, cancelled_at=None)
            .values("item")
            .annotate(first=Min("due_on"))
            .values_list("item", "first")
        )
        for pk, stored in Item.objects.values_list("pk", "next_due_on"):
            assert stored == derived.get(pk), (pk, stored, derived.get(pk))

    @invariant()
    def every_items_stored_list_facts_equal_the_facts_derived_from_scratch(self):
        """What the lists read (next due date, also as each assignment keeps it for its unit's list, what
        it waits for and on whom, which reply sits at which approval step), stored by the services and
        the calendar's recomputation, equals `progress.waits` and the open obligations evaluated now."""
        ids = list(Item.objects.values_list("pk", flat=True))
        stored, derived = stored_list_facts(ids), derive_list_facts(ids)
        for pk in ids:
            assert stored[pk] == derived[pk], (pk, stored[pk], derived[pk])

    @invariant()
    def every_reader_reads_what_the_replies_they_see_say(self):
        """The stored facts mapped for each reader (`progress.as_read`) equal the one definition evaluated
        over the replies that reader may see: a co-unit, another split lead and a proposer are not told a
        draft's approval step, the office and the unit whose reply it is are."""
        today = self.now.date()
        for name, user in self.actors.items():
            if user is None:
                continue
            rows = {r.pk: (r.waits_for, r.waiting_on) for r in visible_items(user, today=today)}
            conditions = waits(visible_replies(user))
            scratch = (
                Item.objects.filter(pk__in=rows)
                .annotate(w=first_match(conditions, 1), o=first_match(conditions, 2))
                .values_list("pk", "w", "o")
            )
            assert rows == {pk: (w, o) for pk, w, o in scratch}, name

    @invariant()
    def every_open_obligation_belongs_to_the_current_stage(self):
        for o in Obligation.objects.filter(fulfilled_at=None, cancelled_at=None).select_related("item", "assignment"):
            item, a = o.item, o.assignment
            assert item.state not in ("closed", "rejected", "merged", "received", "registered"), o
            if o.kind == "acceptance":
                assert a.state == "pending", o
            elif o.kind in ("consultation", "reply", "rehandling_reply", "extended_reply"):
                assert item.state == "handling" and o.round == item.round and a.state in ("pending", "accepted"), o
            elif o.kind == "co_opinion":
                assert item.state == "handling" and a.role == "co" and a.state in ("pending", "accepted"), o
            elif o.kind == "feedback":
                assert item.state == "replied" and o.round == item.round, o
            elif o.kind == "follow_up":
                assert item.state in ("replied", "following_up") and a.state == "accepted", o


@pytest.mark.django_db
def test_random_sequences_keep_the_invariants(settings_for_machine):
    run_state_machine_as_test(Workflow, settings=settings_for_machine)


@pytest.fixture
def settings_for_machine():
    # Every step checks eight invariants, one of them per reader over the list query: 10 sequences of
    # 40 steps keep the suite's run in minutes; raise them locally when changing the workflow.
    return settings(
        max_examples=10,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
