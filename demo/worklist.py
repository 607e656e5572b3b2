"""Work waiting for every demo login: a new user tries their part at once after `make run`.

The drive (`demo.drive`) moves most items along at random, so what waits on the office, the
demo unit's handler and head, the demo leader and the demo member is luck. Here a dozen of this
year's Minhang proposals are stopped, through the services, exactly where each login acts next:
to review, to assign, a returned assignment to reassign, an extension to decide, assignments to
accept, a reply to draft, replies at the head's, the leader's and the office's step, a reply
awaiting the member's feedback, a co-unit's opinion owed, a reply the head sent back to revise,
a key item the demo leader supervises, and a city item's opinion at the head's step. Numbers 0901
onwards; an existing number is left as it is, so a second seed run adds nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from districts.models import Body, District, HandlingUnit, Membership, Proposer, Role
from proposals.models import Category, Item, Kind, Session
from workflow import obligations
from workflow.models import Consultation, OutcomeCategory
from workflow.services import assignment as assign
from workflow.services import consultation, extensions, intake, opinions, replies
from workflow.services.outcomes import body_setting

from .drive import _reply_fields

FIRST_NUMBER = 901


def staged_numbers():
    """The numbers this module stops items at; the drive leaves them alone."""
    return [f"{n:04d}" for n in range(FIRST_NUMBER, FIRST_NUMBER + len(WORK))]


@dataclass
class Stage:
    """Who acts in the demo district: the demo logins, and a second unit for returns and co-handling."""

    office: object
    handler: object
    head: object
    leader: object  # the demo leader: supervises the key item
    unit: HandlingUnit  # the demo handler's and head's unit
    other: HandlingUnit  # a unit with no demo login: it returns an assignment

    def at(self, now, hours):
        return now + dt.timedelta(hours=hours)


def _login(role, district):
    m = Membership.objects.filter(role=role, district=district, is_active=True, user__username__in=DEMO_USERS)
    return m.select_related("user", "unit").first()


DEMO_USERS = ("office", "handler", "unit_head", "leader", "proposer")


def _accepted(stage, item, now):
    (a,) = assign.assign_units(actor=stage.office, now=now, item=item, lead_units=[stage.unit])
    assign.accept_assignment(actor=stage.handler, now=stage.at(now, 1), assignment=a)
    consultation.record_consultation(
        actor=stage.handler,
        now=stage.at(now, 2),
        assignment=a,
        method=Consultation.Method.CALL,
        held_on=now.date(),
        notes="电话沟通办理思路",
    )
    return a


def _reply(stage, item, now, *, leader_signoff=False):
    a = _accepted(stage, item, now)
    scheme = body_setting(item).scheme
    categories = OutcomeCategory.objects.filter(scheme=scheme, needs_leader_signoff=leader_signoff)
    category = categories.filter(counts_as_resolved=not leader_signoff).order_by("sort_order").first()
    category = category or categories.order_by("sort_order").first()
    reply = replies.draft_reply(actor=stage.handler, now=stage.at(now, 3), assignment=a, **_reply_fields(category, now))
    return replies.submit_reply(actor=stage.handler, now=stage.at(now, 4), reply=reply)


def _at_head(stage, item, now):
    _reply(stage, item, now)


def _at_leader(stage, item, now):
    reply = _reply(stage, item, now, leader_signoff=True)
    replies.approve_reply(actor=stage.head, now=stage.at(now, 5), reply=reply)


def _at_office(stage, item, now):
    reply = _reply(stage, item, now)
    replies.approve_reply(actor=stage.head, now=stage.at(now, 5), reply=reply)


def _sent(stage, item, now):
    reply = _reply(stage, item, now)
    reply = replies.approve_reply(actor=stage.head, now=stage.at(now, 5), reply=reply)
    replies.send_reply(actor=stage.office, now=stage.at(now, 6), reply=reply)


def _extension(stage, item, now):
    a = _accepted(stage, item, now)
    until = obligations.max_extended_due(a)  # as long as the policy allows
    extensions.request_extension(
        actor=stage.handler, now=stage.at(now, 3), assignment=a, until=until, reason="需会同市级部门研究"
    )


def _returned(stage, item, now):
    (a,) = assign.assign_units(actor=stage.office, now=now, item=item, lead_units=[stage.other])
    assign.return_assignment(actor=None, now=stage.at(now, 1), assignment=a, reason="该事项不属于本单位职责范围")


def _co_opinion(stage, item, now):
    """Another unit leads; the demo unit co-handles and owes its opinion."""
    lead, co = assign.assign_units(
        actor=stage.office, now=now, item=item, lead_units=[stage.other], co_units=[stage.unit]
    )
    assign.accept_assignment(actor=None, now=stage.at(now, 1), assignment=lead)
    assign.accept_assignment(actor=stage.handler, now=stage.at(now, 1), assignment=co)


def _sent_back(stage, item, now):
    reply = _reply(stage, item, now)
    replies.send_back_reply(
        actor=stage.head, now=stage.at(now, 5), reply=reply, reason="请补充具体实施时间表和责任科室"
    )


def _key(stage, item, now):
    _accepted(stage, item, now)
    assign.mark_key_item(actor=stage.office, now=stage.at(now, 2), item=item, leader=stage.leader)


def _pending(stage, item, now):
    assign.assign_units(actor=stage.office, now=now, item=item, lead_units=[stage.unit])


def _registered(stage, item, now):
    """Registered at intake and left there: it waits for the office to assign it."""


def _city_opinion_at_head(stage, item, now):
    """A city item the district co-handles: the demo unit's opinion for the city waits for the head."""
    (co,) = assign.assign_units(actor=stage.office, now=now, item=item, lead_units=[], co_units=[stage.unit])
    assign.accept_assignment(actor=stage.handler, now=stage.at(now, 1), assignment=co)
    opinions.submit_opinion(
        actor=stage.handler, now=stage.at(now, 2), assignment=co, text="经研究，我单位同意市级主办单位的办理方案。"
    )


class Work(NamedTuple):
    title: str
    stop: Callable | None  # where the item stops: None for received only
    kind: str = Kind.PROPOSAL


# In number order from 0901.
WORK: list[Work] = [
    Work("关于加强社区老年人助餐服务的建议", None),  # to review: a rewording of a seeded title, a merge hint
    Work("关于加强校园周边交通安全管理的建议", None),  # to review
    Work("关于增设新能源汽车公共充电桩的建议", _registered),  # to assign
    Work("关于推进老旧小区加装电梯的建议", _registered),  # to assign
    Work("关于优化公交线路与地铁接驳的建议", _pending),  # the handler accepts or returns
    Work("关于规范共享单车停放秩序的建议", _returned),  # the office reassigns
    Work("关于扶持中小微企业数字化转型的建议", _extension),  # the office decides
    Work("关于提升社区卫生服务中心服务能力的建议", _accepted),  # the handler drafts the reply
    Work("关于加快口袋公园建设的建议", _at_head),  # the head approves
    Work("关于保护历史风貌街区的建议", _at_leader),  # the leader signs off
    Work("关于完善垃圾分类收运体系的建议", _at_office),  # the office sends or sends back
    Work("关于加强楼宇经济服务的建议", _sent),  # the member gives feedback
    Work("关于加强河道水环境治理的建议", _co_opinion),  # the demo unit sends its co-unit opinion
    Work("关于完善社区嵌入式托育服务的建议", _sent_back),  # the handler revises the reply the head sent back
    Work("关于推进“15分钟社区生活圈”建设的建议", _key),  # the leader's key item: an instruction
    Work("关于加快市域轨道交通建设的建议", _city_opinion_at_head, Kind.CITY_CO),  # the head approves the opinion
]


def stage_waiting_work(*, today) -> int:
    """Add the items of `WORK` that are missing in Minhang this year; returns how many were added."""
    district = District.objects.filter(code="minhang").first()
    office, handler, head, leader = (
        _login(role, district) for role in (Role.OFFICE, Role.HANDLER, Role.UNIT_HEAD, Role.LEADER)
    )
    member = _login(Role.PROPOSER, district)
    if not all((office, handler, head, leader, member)):
        return 0
    unit = handler.unit
    other = HandlingUnit.objects.filter(district=district, is_active=True).exclude(pk=unit.pk).order_by("sort_order")
    stage = Stage(
        office=office.user, handler=handler.user, head=head.user, leader=leader.user, unit=unit, other=other.first()
    )
    body = Body.CPPCC
    session = Session.objects.filter(district=district, body=body, year=today.year).first()
    categories = list(Category.objects.filter(district=district, is_active=True).order_by("sort_order"))
    others = list(Proposer.objects.filter(district=district, body=body, kind=Proposer.Kind.PERSON).order_by("pk"))
    tz = timezone.get_default_timezone()
    added = 0
    for n, (title, stop, kind) in enumerate(WORK, FIRST_NUMBER):
        number = f"{n:04d}"
        if Item.objects.filter(district=district, year=today.year, body=body, kind=kind, number=number).exists():
            continue
        # Handed in a week ago, each step an hour apart: the deadlines run from then.
        now = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(9), tzinfo=tz)
        co = [p for p in others if p.pk != member.proposer_id][n % 5 : n % 5 + 1]
        proposers = [member.proposer, *co] if kind == Kind.PROPOSAL else []  # a city item's are the city's
        with transaction.atomic():
            item = intake.receive_item(
                actor=stage.office,
                now=now,
                district=district,
                year=today.year,
                body=body,
                kind=kind,
                number=number,
                title=title,
                text=f"{title.removeprefix('关于').removesuffix('的建议')}事关群众切身利益，建议有关部门统筹研究解决。",
                session=session,
                category=categories[n % len(categories)] if categories else None,
                proposers=proposers,
                lead_proposer=proposers[0] if proposers else None,
                disclosure=Item.Disclosure.PUBLIC,
                submitted_on=now.date(),
            )
            if stop is not None:
                intake.register_item(actor=stage.office, now=stage.at(now, 1), item=item)
                stop(stage, item, stage.at(now, 24))
        added += 1
    return added
