"""One item's whole life by API alone for each outcome scheme (CPPCC, NPC, A–D), a disagreement and
re-handling included, then the yearly report endpoint counts it."""

import datetime as dt

import pytest

from districts.models import Role
from tests.factories import MembershipFactory, ProposerFactory, UserFactory
from workflow.models import BodySetting, OutcomeScheme

from .conftest import NOW

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


class Walk:
    """The acts a walk repeats, each asserted to succeed; `clock` moves to the day each is done."""

    def __init__(self, api, clock):
        self.api, self.clock = api, clock

    def on(self, days):
        self.clock.move_to(NOW + days * DAY)
        return (NOW + days * DAY).date().isoformat()

    def do(self, user, url, data=None, *, status=200, files=False):
        response = self.api(user).post(f"/api/v1/{url}", data, files=files)
        assert response.status_code == status, (url, response.content)
        return response.json()

    def consult(self, handler, assignment, day, **data):
        held_on = self.on(day)
        self.do(
            handler,
            f"assignments/{assignment}/consultations/",
            {"method": "meeting", "held_on": held_on, **data},
            status=201,
        )

    def reply(self, assignment, *, handler, head, office, leader=None, kind="replies", **fields):
        """Draft, submit, approve, sign off when the outcome needs it, send: the reply as sent."""
        draft = self.do(
            handler, f"assignments/{assignment}/{kind}/", {"text": "经研究，答复如下", **fields}, status=201
        )
        self.do(handler, f"replies/{draft['id']}/submit/", {"version": draft["version"]})
        approved = self.do(head, f"replies/{draft['id']}/approve/")
        if approved["state"] == "awaiting_leader":
            self.do(leader, f"replies/{draft['id']}/sign-off/")
        return self.do(office, f"replies/{draft['id']}/send/")

    def report(self, office, body):
        response = self.api(office).get("/api/v1/reports/annual/", {"district": "minhang", "year": 2026, "body": body})
        assert response.status_code == 200, response.content
        return response.json()


def received(walk, office, proposer, **fields):
    data = {"district": "minhang", "year": 2026, "lead_proposer": proposer.pk, **fields}
    item = walk.do(office, "items/", data, status=201)
    assert walk.do(office, f"items/{item['id']}/register/")["state"] == "registered"
    return item["id"]


def outcome_counts(report):
    return {row["code"]: row["count"] for row in report["by_outcome"]}


def test_cppcc_disagreement_rehandling_second_reply_and_closing(
    api, clock, office, proposer, proposer_user, unit, handler, head, leader, co_unit, co_handler
):
    walk = Walk(api, clock)
    item = received(
        walk,
        office,
        proposer,
        body="cppcc",
        kind="proposal",
        number="0042",
        title="关于完善社区养老的提案",
        disclosure="public",
    )
    lead, co = walk.do(office, f"items/{item}/assign/", {"lead_units": [unit.pk], "co_units": [co_unit.pk]}, status=201)
    walk.do(office, f"items/{item}/key/", {"leader": leader.pk})
    walk.on(1)
    walk.do(handler, f"assignments/{lead['id']}/accept/")
    walk.do(co_handler, f"assignments/{co['id']}/accept/")
    walk.on(10)
    walk.do(co_handler, f"assignments/{co['id']}/opinion/", {"text": "民政局会办意见"}, status=201)
    walk.consult(handler, lead["id"], 12)
    walk.on(30)
    people = {"handler": handler, "head": head, "office": office}
    first = walk.reply(lead["id"], **people, category="B", planned_on="2026-12-31")
    assert first["state"] == "sent"

    walk.on(35)
    walk.do(
        proposer_user,
        f"items/{item}/feedback/",
        {"agrees": False, "rating": "average", "comment": "尚未解决"},
        status=201,
    )
    walk.consult(handler, lead["id"], 41)
    second = walk.reply(lead["id"], **people, category="B", planned_on="2026-12-31")
    assert second["round"] == 2

    walk.on(50)
    walk.do(proposer_user, f"items/{item}/feedback/", {"agrees": True, "rating": "good"}, status=201)
    walk.on(80)
    walk.do(handler, f"assignments/{lead['id']}/follow-ups/", {"progress": "已完成选址"}, status=201)
    walk.on(200)
    walk.reply(lead["id"], **people, kind="second-reply", category="A")
    walk.on(210)
    walk.do(handler, f"assignments/{lead['id']}/closing-report/", {"text": "项目已建成"}, status=201)
    walk.do(office, f"replies/{second['id']}/publish/")

    report = walk.report(office, "cppcc")
    assert (report["total"], report["replied"], report["closed"]) == (1, 1, 1)
    assert outcome_counts(report) == {"A": 1, "B": 0, "C": 0}
    assert (report["key_items"], report["key_items_closed"], report["disclosed"]) == (1, 1, 1)


def test_npc_extension_disagreement_window_ended_second_reply(api, clock, district, office, unit, handler, head):
    deputy = ProposerFactory(district=district, body="npc", name="陈代表")
    deputy_user = UserFactory(username="deputy")
    MembershipFactory(user=deputy_user, role=Role.PROPOSER, district=district, proposer=deputy)
    walk = Walk(api, clock)
    item = received(walk, office, deputy, body="npc", kind="suggestion", number="A001", title="关于增设公交线路的建议")
    (lead,) = walk.do(office, f"items/{item}/assign/", {"lead_units": [unit.pk]}, status=201)
    walk.do(handler, f"assignments/{lead['id']}/accept/")
    walk.on(60)
    extension = walk.do(
        handler, f"assignments/{lead['id']}/extension/", {"until": "2026-08-31", "reason": "需市交通委批复"}, status=201
    )
    assert walk.do(office, f"extensions/{extension['id']}/decide/", {"grant": True})["state"] == "granted"
    walk.consult(handler, lead["id"], 100)
    people = {"handler": handler, "head": head, "office": office}
    walk.reply(lead["id"], **people, category="3", planned_on="2026-12-31")

    walk.on(110)
    walk.do(
        deputy_user,
        f"items/{item}/feedback/",
        {"agrees": False, "rating": "dissatisfied", "comment": "线路仍未开通"},
        status=201,
    )
    walk.consult(handler, lead["id"], 112)
    walk.reply(lead["id"], **people, category="3", planned_on="2026-11-30")
    walk.on(170)  # no feedback this time: once the window ended, the office settles it
    assert walk.do(office, f"items/{item}/close/")["state"] == "following_up"
    walk.on(200)
    walk.reply(lead["id"], **people, kind="second-reply", category="1")
    walk.do(handler, f"assignments/{lead['id']}/closing-report/", {"text": "线路已开通"}, status=201)

    report = walk.report(office, "npc")
    assert (report["total"], report["replied"], report["closed"], report["rated"]) == (1, 1, 1, 1)
    assert outcome_counts(report) == {"1": 1, "2": 0, "3": 0, "4": 0}


def test_abcd_return_reassignment_leader_sign_off_send_back_and_rehandling(
    api, clock, district, office, proposer, proposer_user, unit, other_unit, handler, other_handler, leader
):
    BodySetting.objects.filter(district=district, body="cppcc").update(scheme=OutcomeScheme.objects.get(code="abcd"))
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    walk = Walk(api, clock)
    item = received(walk, office, proposer, body="cppcc", kind="proposal", number="C001", title="关于河道治理的提案")
    (lead,) = walk.do(office, f"items/{item}/assign/", {"lead_units": [unit.pk]}, status=201)
    walk.on(1)
    walk.do(handler, f"assignments/{lead['id']}/return/", {"reason": "属水务局职责"})
    new = walk.do(office, f"assignments/{lead['id']}/reassign/", {"unit": other_unit.pk}, status=201)
    walk.on(3)
    walk.do(other_handler, f"assignments/{new['id']}/accept/")
    walk.consult(other_handler, new["id"], 3, method="waiver", notes="代表表示无需面商")
    walk.on(30)
    people = {"handler": other_handler, "head": other_head, "office": office, "leader": leader}
    walk.reply(new["id"], **people, category="D")

    walk.on(35)
    walk.do(
        proposer_user,
        f"items/{item}/feedback/",
        {"agrees": False, "rating": "poor", "comment": "未作实质答复"},
        status=201,
    )
    walk.consult(other_handler, new["id"], 36)
    draft = walk.do(
        other_handler, f"assignments/{new['id']}/replies/", {"text": "重新办理", "category": "C"}, status=201
    )
    refused = walk.api(other_handler).post(f"/api/v1/replies/{draft['id']}/submit/")
    assert (refused.status_code, refused.json()["field"]) == (400, "reason")  # outcome C needs its reason
    edit = f"/api/v1/replies/{draft['id']}/"
    edited = walk.api(other_handler).patch(edit, {"version": draft["version"], "reason": "资金暂不具备"}).json()
    walk.do(other_handler, f"replies/{draft['id']}/submit/", {"version": edited["version"]})
    assert walk.do(office, f"replies/{draft['id']}/send-back/", {"reason": "x"}, status=403)["code"] == "not_allowed"
    back = walk.do(other_head, f"replies/{draft['id']}/send-back/", {"reason": "答复表述不清"})
    edited = walk.api(other_handler).patch(edit, {"version": back["version"], "text": "重新办理，答复如下"}).json()
    assert (edited["state"], edited["reason"]) == ("draft", "资金暂不具备")
    walk.do(other_handler, f"replies/{draft['id']}/submit/", {"version": edited["version"]})
    walk.do(other_head, f"replies/{draft['id']}/approve/")
    assert walk.do(office, f"replies/{draft['id']}/send/")["state"] == "sent"
    walk.on(40)
    walk.do(proposer_user, f"items/{item}/feedback/", {"agrees": True, "rating": "fair"}, status=201)

    report = walk.report(office, "cppcc")
    assert (report["total"], report["replied"], report["closed"]) == (1, 1, 1)
    assert outcome_counts(report) == {"A": 0, "B": 0, "C": 1, "D": 0}
