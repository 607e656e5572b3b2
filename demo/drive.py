"""Demo data: move items through the workflow with the services, as the people of each role would.

`next_step` does the next plausible act on one item (with a little randomness: returns,
waivers, extensions, send-backs, disagreements, conversions), so `seed_demo` can stop each
item at a different point and every stage appears. Nothing here bypasses a rule.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from districts.models import District, HandlingUnit, Membership, Role
from proposals.models import Item
from workflow.errors import WorkflowError
from workflow.models import Assignment, Consultation, CoUnitOpinion, Extension, OutcomeCategory, Reply
from workflow.services import assignment as assign
from workflow.services import closing, consultation, extensions, feedback, followup, intake, opinions, replies
from workflow.services.closing import current_reply, leads_needing_closing_report
from workflow.services.outcomes import body_setting


@dataclass
class Cast:
    """The people who act in one district; a missing person is replaced by the system (None)."""

    office: object = None
    handlers: dict = field(default_factory=dict)
    heads: dict = field(default_factory=dict)
    proposer_users: dict = field(default_factory=dict)
    units: list = field(default_factory=list)

    @classmethod
    def of(cls, district):
        cast = cls(units=list(HandlingUnit.objects.filter(district=district, is_active=True)))
        for m in (
            Membership.objects.filter(is_active=True)
            .filter(Q(district=district) | Q(role=Role.CITY_ADMIN))
            .select_related("user")
        ):
            if m.role == Role.OFFICE and cast.office is None:
                cast.office = m.user
            elif m.role == Role.HANDLER:
                cast.handlers.setdefault(m.unit_id, m.user)
            elif m.role == Role.UNIT_HEAD:
                cast.heads.setdefault(m.unit_id, m.user)
            elif m.role == Role.PROPOSER:
                cast.proposer_users.setdefault(m.proposer_id, m.user)
        return cast


def _try(fn, **kwargs):
    try:
        fn(**kwargs)
    except WorkflowError:
        return False
    return True


def _pick_category(item, rng):
    categories = list(OutcomeCategory.objects.filter(scheme=body_setting(item).scheme).order_by("sort_order"))
    weights = [8 if c.counts_as_resolved else 1 for c in categories]
    return rng.choices(categories, weights)[0]


def _reply_fields(category, now):
    return {
        "text": "经认真研究，现将办理情况答复如下……",
        "category": category,
        "planned_on": now.date() + dt.timedelta(days=180) if category.needs_planned_date else None,
        "reason": "受资金和规划条件限制，需以后解决" if category.needs_reason else "",
        "signer": "单位主要负责人",
    }


def _move_reply(reply, *, now, rng, cast):
    unit = reply.assignment.unit
    handler, head = cast.handlers.get(unit.pk), cast.heads.get(unit.pk)
    if reply.state == Reply.State.DRAFT:
        return _try(replies.submit_reply, actor=handler, now=now, reply=reply)
    if reply.state == Reply.State.AWAITING_HEAD:
        if rng.random() < 0.08:
            return _try(replies.send_back_reply, actor=head, now=now, reply=reply, reason="请补充办理措施")
        return _try(replies.approve_reply, actor=head, now=now, reply=reply)
    if reply.state == Reply.State.AWAITING_LEADER:
        return _try(replies.sign_off_reply, actor=unit.responsible_leader, now=now, reply=reply)
    if reply.state == Reply.State.AWAITING_OFFICE:
        if rng.random() < 0.05:
            return _try(replies.send_back_reply, actor=cast.office, now=now, reply=reply, reason="答复类型不当")
        return _try(replies.send_reply, actor=cast.office, now=now, reply=reply)
    return False


def _unit_step(item, a, *, now, rng, cast):
    """The next act on one assignment, or False when it has nothing to do now."""
    handler = cast.handlers.get(a.unit_id)
    office = cast.office
    if a.state == Assignment.State.RETURNED:
        if a.replaced_by.exists():
            return False
        taken = set(item.assignments.exclude(state=Assignment.State.RETURNED).values_list("unit_id", flat=True))
        free = [u for u in cast.units if u.pk not in taken and u.pk != a.unit_id]
        return bool(free) and _try(assign.reassign, actor=office, now=now, assignment=a, unit=rng.choice(free))
    if a.state == Assignment.State.PENDING:
        if rng.random() < 0.06 and _try(
            assign.return_assignment, actor=handler, now=now, assignment=a, reason="该事项不属于本单位职责范围"
        ):
            return True
        return _try(assign.accept_assignment, actor=handler, now=now, assignment=a)
    if a.role == Assignment.Role.CO:
        if a.state == Assignment.State.ACCEPTED and not CoUnitOpinion.objects.filter(assignment=a).exists():
            return _try(
                opinions.submit_opinion, actor=handler, now=now, assignment=a, text="会办意见：同意主办单位方案。"
            )
        return False
    if a.state != Assignment.State.ACCEPTED or item.state != Item.State.HANDLING:
        return False
    if not Consultation.objects.filter(assignment=a, round=item.round).exists():
        waiver = rng.random() < 0.1
        return _try(
            consultation.record_consultation,
            actor=handler,
            now=now,
            assignment=a,
            method=Consultation.Method.WAIVER if waiver else rng.choice(["meeting", "call", "visit"]),
            held_on=now.date(),
            notes="委员本人提出不需要走访" if waiver else "与提出人当面沟通办理思路",
        )
    pending = Extension.objects.filter(assignment=a, state=Extension.State.PENDING).first()
    if pending:
        grant = rng.random() < 0.8
        return _try(
            extensions.decide_extension,
            actor=office,
            now=now,
            extension=pending,
            grant=grant,
            note="" if grant else "理由不充分",
        )
    reply = (
        Reply.objects.filter(assignment=a, round=item.round, kind=Reply.Kind.REPLY)
        .exclude(state=Reply.State.SENT)
        .first()
    )
    if reply is not None:
        return _move_reply(reply, now=now, rng=rng, cast=cast)
    if Reply.objects.filter(assignment=a, round=item.round, state=Reply.State.SENT).exists():
        return False
    if item.round == 1 and not a.extensions.exists() and rng.random() < 0.08:
        until = now.date() + dt.timedelta(days=45)
        if _try(
            extensions.request_extension, actor=handler, now=now, assignment=a, until=until, reason="需市级部门协调"
        ):
            return True
    return _try(
        replies.draft_reply, actor=handler, now=now, assignment=a, **_reply_fields(_pick_category(item, rng), now)
    )


def _feedback_step(item, *, now, rng, cast):
    for reply in Reply.objects.filter(assignment__item=item, state=Reply.State.SENT, published_at=None):
        if item.disclosure == Item.Disclosure.PUBLIC and rng.random() < 0.5:
            return _try(replies.publish_reply, actor=cast.office, now=now, reply=reply)
    link = item.item_proposers.order_by("-is_lead", "sort_order").first()
    if link is None or rng.random() < 0.05:
        return False  # silence: the window will end without feedback
    scale = list(body_setting(item).rating_scale.values.order_by("sort_order"))
    agrees = rng.random() > 0.08
    rating = rng.choices(scale, [12, 5, 2, 1][: len(scale)])[0] if agrees else scale[-1]
    user = cast.proposer_users.get(link.proposer_id)
    return _try(
        feedback.record_feedback,
        actor=user,
        now=now,
        item=item,
        agrees=agrees,
        rating=rating,
        praised=agrees and rng.random() < 0.25,
        comment="" if agrees else "答复未解决实际问题",
        proposer=None if user else link.proposer,
    )


def _follow_up_step(item, *, now, rng, cast):
    for a in leads_needing_closing_report(item):
        handler = cast.handlers.get(a.unit_id)
        second = Reply.objects.filter(assignment=a, kind=Reply.Kind.SECOND).exclude(state=Reply.State.SENT).first()
        if second is not None:
            return _move_reply(second, now=now, rng=rng, cast=cast)
        reply = current_reply(a)
        second_sent = Reply.objects.filter(assignment=a, kind=Reply.Kind.SECOND, state=Reply.State.SENT).exists()
        if reply.category.counts_as_resolved or second_sent:
            return _try(
                closing.submit_closing_report, actor=handler, now=now, assignment=a, text="已按计划完成，特此结案。"
            )
        if rng.random() < 0.5:
            return _try(followup.report_progress, actor=handler, now=now, assignment=a, progress="项目按计划推进中。")
        resolved = OutcomeCategory.objects.filter(scheme=reply.category.scheme, counts_as_resolved=True).first()
        return _try(
            replies.draft_reply,
            actor=handler,
            now=now,
            assignment=a,
            kind=Reply.Kind.SECOND,
            **_reply_fields(resolved, now),
        )
    return False


def next_step(item, *, now, rng, cast) -> bool:
    """Do the next plausible act on `item` at `now`; False when nothing can be done yet."""
    item.refresh_from_db()
    office = cast.office
    if item.state == Item.State.RECEIVED:
        if rng.random() < 0.03:
            return _try(intake.reject_item, actor=office, now=now, item=item, reason="属于个人诉求，不予立案")
        return _try(intake.register_item, actor=office, now=now, item=item)
    if item.state == Item.State.REGISTERED:
        units = rng.sample(cast.units, k=min(3, len(cast.units)))
        if not units:
            return False
        split = len(units) > 2 and rng.random() < 0.05
        leads = units[:2] if split else units[:1]
        cos = units[2:] if split else units[1:2] if rng.random() < 0.3 else []
        done = _try(assign.assign_units, actor=office, now=now, item=item, lead_units=leads, co_units=cos, split=split)
        if done and rng.random() < 0.05 and leads[0].responsible_leader is not None:
            _try(assign.mark_key_item, actor=office, now=now, item=item, leader=leads[0].responsible_leader)
        return done
    if item.state == Item.State.HANDLING:
        assignments = list(item.assignments.order_by("role", "pk"))  # "co" sorts first: the lead waits for it
        return any(_unit_step(item, a, now=now, rng=rng, cast=cast) for a in assignments)
    if item.state == Item.State.REPLIED:
        return _feedback_step(item, now=now, rng=rng, cast=cast)
    if item.state == Item.State.FOLLOWING_UP:
        return _follow_up_step(item, now=now, rng=rng, cast=cast)
    return False


def drive(items, *, start, end, rng, cast, max_steps=40, exact=False):
    """Move each item up to `max_steps` steps (exactly that many with `exact`) from `start`, a few days apart.

    Items stop at different points and never past `end`, so lists show every stage.
    """
    for item in items:
        now = start
        for _ in range(max_steps if exact else rng.randint(0, max_steps)):
            # A few days later, in office hours (09:00–17:00): the timeline reads like a real one.
            day = now.date() + dt.timedelta(days=rng.randint(1, 14))
            now = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 8)), tzinfo=now.tzinfo)
            if now > end or not next_step(item, now=now, rng=rng, cast=cast):
                break


def drive_demo(*, today, max_steps=30, leave=()) -> int:
    """Drive every registered demo item not yet assigned, from a few weeks after it came in up to `today`.

    Intake (receipt and registration) is the seed's; the drive starts at the assignment. Each
    item's randomness is seeded by its natural key, so an item that stopped at zero steps stops
    there again and a second seed run changes nothing. Items numbered in `leave` stay where they are
    (`demo.worklist` stops them for the demo logins). Returns how many items moved.
    """
    moved = 0
    end = dt.datetime.combine(today, dt.time(18), tzinfo=timezone.get_default_timezone())
    for district in District.objects.filter(is_active=True):
        cast = Cast.of(district)
        fresh = (
            Item.objects.filter(district=district, state=Item.State.REGISTERED, assignments__isnull=True)
            .order_by("year", "body", "number")
            .exclude(number__in=leave)
        )
        for item in fresh:
            rng = random.Random(f"{district.code}-{item.body}-{item.year}-{item.number}")  # noqa: S311 - demo data
            opened = dt.datetime.combine(item.submitted_on or dt.date(item.year, 1, 10), dt.time(9), tzinfo=end.tzinfo)
            # Last year's items were assigned after the session and have mostly run their course; this
            # year's start anywhere up to now (items keep coming between sessions), so every stage shows.
            latest = 30 if item.year < today.year else max((end - opened).days - 5, 11)
            days = rng.randint(10, latest)
            start = opened + dt.timedelta(days=days)
            steps = rng.randint(0, max_steps) if rng.random() < 0.1 else max_steps  # a tenth stall: overdue
            # One transaction an item: one commit instead of one a step, and an interrupted seed leaves
            # the item unassigned, so the next run drives it again from the start.
            with transaction.atomic():
                drive([item], start=start, end=end, rng=rng, cast=cast, max_steps=steps, exact=True)
            moved += item.assignments.exists()
    closing.expire_feedback_windows(now=end)
    return moved
