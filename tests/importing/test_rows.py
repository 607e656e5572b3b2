import datetime as dt

from django.utils import timezone

from imports.service import UNRECORDED_UNIT, plan_import, run_import, session_numbers
from proposals.models import Item
from workflow.models import Assignment, Obligation, Reply

from .sheets import HEADER_ZH, row, xlsx_bytes

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9))


def test_a_row_without_reply_enters_the_workflow_at_assignment(district, unit, other_unit):
    data = xlsx_bytes(
        HEADER_ZH,
        [row(number=7, title="关于学校周边交通的提案", body="政协", year=2026, proposers="张委员",
             lead_units="区经委", co_units="区科委", assigned_on=dt.datetime(2026, 2, 27), key_item="是")],
    )  # fmt: skip
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    item = Item.objects.get(district=district, number="7")  # a number cell reads as its digits
    assert (item.state, item.review, item.is_imported, item.is_key) == ("handling", "registered", False, True)
    roles = dict(item.assignments.values_list("unit__name", "role"))
    assert roles == {"区经委": "lead", "区科委": "co"}
    assert item.assignments.get(role="lead").assigned_at.date() == dt.date(2026, 2, 27)
    assert Obligation.objects.filter(item=item, kind="reply", fulfilled_at__isnull=True).exists()


def test_the_preview_lists_what_will_be_created_and_writes_nothing(district, unit):
    data = xlsx_bytes(
        HEADER_ZH,
        [
            row(number="1", title="甲", body="提案", year=2017, category="经济", lead_units="区经委、区新局",
                replied_on=dt.datetime(2017, 5, 1), outcome="列入计划拟解决", session="六届一次", proposers="王委员"),
            row(number="2", title="乙", body="提案", year=2017, replied_on="2017/5/2", outcome="C"),
        ],
    )  # fmt: skip
    plan = plan_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    assert plan.new_units == ["区新局", UNRECORDED_UNIT]
    assert plan.new_categories == ["经济"]
    assert plan.new_proposers == [("cppcc", "王委员")]
    assert plan.new_sessions == [("cppcc", "district", 2017, "六届一次")]
    assert (plan.historical, plan.live) == (2, 0)
    assert not Item.objects.exists()


def test_split_leads_and_a_missing_lead_unit_in_history(district, unit):
    data = xlsx_bytes(
        HEADER_ZH,
        [
            row(number="1", title="甲", body="提案", year=2017, lead_units="区经委、区新局",
                replied_on="2017-05-01", outcome="B", planned_on="2018-01-31"),
            row(number="2", title="乙", body="提案", year=2017, replied_on="2017-05-02", outcome="C"),
        ],
    )  # fmt: skip
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    split = Assignment.objects.filter(item__number="1")
    assert set(split.values_list("role", flat=True)) == {"split_lead"}
    assert Reply.objects.filter(assignment__in=split, state="sent").count() == 2
    assert Assignment.objects.get(item__number="2").unit.name == UNRECORDED_UNIT
    assert Item.objects.get(number="1").state == "following_up"
    assert Item.objects.get(number="2").state == "replied"


def test_session_labels_give_term_and_number():
    assert session_numbers("六届一次") == (6, 1)
    assert session_numbers("第十二届第三次会议") == (12, 3)
    assert session_numbers("六届闭会期间") == (6, 0)
    assert session_numbers("其他") == (0, 0)


def test_an_imported_closed_item_with_a_co_unit_waits_for_nothing(district, office):
    from workflow.selectors import visible_items

    data = xlsx_bytes(
        HEADER_ZH,
        [row(number="1", title="甲", body="提案", year=2017, lead_units="区经委", co_units="区科委",
             replied_on="2017-05-02", outcome="A", closed="是")],
    )  # fmt: skip
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    item = visible_items(office, today=NOW.date()).get(district=district, number="1")
    # The co-unit's part is history: no opinion row was imported, and none is owed.
    assert (item.stage, item.waits_for, item.waiting_on) == ("closed", "", "")


def test_an_imported_co_unit_owes_no_opinion_when_the_item_is_handled_again(district, office):
    from districts.models import Proposer
    from workflow.selectors import visible_items
    from workflow.services.feedback import record_feedback
    from workflow.services.opinions import missing_opinions

    data = xlsx_bytes(
        HEADER_ZH,
        [row(number="1", title="甲", body="提案", year=2026, proposers="张委员", lead_units="区经委",
             co_units="区科委", replied_on="2026-02-02", outcome="C", closed="否")],
    )  # fmt: skip
    run_import(actor=None, now=NOW, district=district, filename="a.xlsx", data=data)
    item = Item.objects.get(district=district, number="1")
    proposer = Proposer.objects.get(district=district, name="张委员")
    record_feedback(actor=None, now=NOW, item=item, agrees=False, proposer=proposer)
    item.refresh_from_db()
    assert (item.state, item.round) == ("handling", 2)
    # The co-unit's part is imported history: the lead's new reply does not wait for it.
    assert not missing_opinions(item).exists()
    assert visible_items(office, today=NOW.date()).get(pk=item.pk).waits_for == "consultation"
