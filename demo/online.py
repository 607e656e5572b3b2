"""Online work for the demo logins: what the demo member hands in from a phone, and what the public asks for.

The demo member has a draft with a co-signer still to answer, and a proposal handed in online that
waits in the office's queue of items handed in online (its co-signer confirmed by the office, as
for a deputy who never logs in); the office has a member of the public's request for a reply marked
依申请公开; the demo member's 码上约 inbox holds residents' messages, one answered. Everything goes
through the services; a second seed run adds nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from districts.models import District, Proposer, Role
from outreach.models import Code
from proposals.models import Kind
from submissions.models import Submission
from workflow.models import DisclosureRequest
from workflow.services import disclosure, outreach, submissions

from .worklist import _login


def stage_online_work(*, today) -> int:
    """Add the demo member's submissions and one disclosure request in Minhang; returns how many were added."""
    district = District.objects.filter(code="minhang").first()
    office, member = _login(Role.OFFICE, district), _login(Role.PROPOSER, district)
    if office is None or member is None:
        return 0
    now = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(9), tzinfo=timezone.get_default_timezone())
    added = 0
    with transaction.atomic():
        if not Submission.objects.filter(lead=member.proposer).exists():
            _submissions(office.user, member, now)
            added += 2
        item = disclosure.requestable_items().filter(district=district).order_by("pk").first()
        if item is not None and not DisclosureRequest.objects.filter(item__district=district).exists():
            reason = "研究社区养老服务政策，申请查阅答复。"
            disclosure.request_disclosure(now=now, item=item, name="李明", contact="liming@example.cn", reason=reason)
            added += 1
        if not Code.objects.filter(proposer=member.proposer).exists():
            added += _outreach(office.user, member, now)
    return added


RESIDENTS = (  # (message, neighbourhood, phone): what residents wrote through the demo member's QR code
    ("小区北门的路灯坏了一个多月，晚上出入很不安全，能否督促尽快修复？", "莘庄镇 康城社区", "13800138000"),
    ("公交站没有遮雨棚，老人下雨天等车很辛苦。", "莘庄镇 春申社区", ""),
    ("同一个公交站的站台太窄，早高峰很多人只能站在非机动车道上候车。", "", "13900139000"),
    ("社区卫生服务中心周末不开门，上班族看病不方便，建议周末开半天。", "古美路街道", ""),
)


def _outreach(office, member, now):
    """码上约: Minhang lets its CPPCC members have codes; the demo member's code, four messages, one answered."""
    outreach.set_members_enabled(actor=office, now=now, district=member.proposer.district, enabled=True)
    code = outreach.issue_code(actor=member.user, now=now, proposer=member.proposer)
    sent = [
        outreach.receive(
            now=now + dt.timedelta(minutes=10 * n),
            code=code,
            text=text,
            neighbourhood=place,
            phone=phone,
            may_contact=bool(phone),
        )
        for n, (text, place, phone) in enumerate(RESIDENTS)
    ]
    outreach.answer(
        actor=member.user,
        now=now + dt.timedelta(hours=2),
        message=sent[0],
        text="已联系莘庄镇市政所，路灯本周内修复。感谢您的反映。",
    )
    return len(sent)


def _submissions(office, member, now):
    lead = member.proposer
    others = Proposer.objects.filter(district=lead.district, body=lead.body, kind=Proposer.Kind.PERSON, is_active=True)
    first, second = others.exclude(pk=lead.pk).order_by("pk")[:2]
    kind = Kind.PROPOSAL if lead.body == "cppcc" else Kind.SUGGESTION

    draft = submissions.create_draft(
        actor=member.user,
        now=now,
        lead=lead,
        kind=kind,
        title="关于增加社区篮球场夜间照明的建议",
        text="部分社区篮球场夜间无照明，居民健身不便，建议增设节能照明设施并明确管理时段。",
    )
    submissions.invite(actor=member.user, now=now, submission=draft, proposer=first)

    handed_in = submissions.create_draft(
        actor=member.user,
        now=now,
        lead=lead,
        kind=kind,
        title="关于在地铁站增设无障碍电梯的建议",
        text="部分地铁站出入口无无障碍电梯，老年人和残障人士出行困难，建议分批增设。",
    )
    invitation = submissions.invite(actor=member.user, now=now, submission=handed_in, proposer=second)
    submissions.submit(actor=member.user, now=now + dt.timedelta(hours=1), submission=handed_in)
    submissions.confirm_for(actor=office, now=now + dt.timedelta(hours=2), invitation=invitation)
