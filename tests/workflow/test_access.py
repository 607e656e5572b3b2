"""The access rules every app asks (`workflow.access`): admins, report and office districts, reply holders."""

from districts.models import Role
from tests.factories import DistrictFactory, MembershipFactory, UserFactory
from workflow import access
from workflow.models import Reply
from workflow.services import replies

from .conftest import NOW, category
from .flow import consult


def codes(districts):
    return [d.code for d in districts]


def test_a_city_admin_is_an_admin_and_neither_a_superuser_nor_office_staff_are(city_admin, office):
    assert access.is_admin(city_admin)
    assert not access.is_admin(UserFactory(username="root", is_superuser=True))  # 三员分立: no reading by superuser
    assert not access.is_admin(office)


def test_an_admin_reads_and_imports_every_active_district(city_admin, district, other_district):
    DistrictFactory(code="closed", name="撤并区", is_active=False)
    assert codes(access.report_districts(city_admin)) == codes(access.office_districts(city_admin))
    assert set(codes(access.report_districts(city_admin))) == {"minhang", "jinshan"}


def test_office_staff_and_leaders_read_their_districts_reports_and_only_the_office_imports(
    district, office, leader, handler, proposer_user
):
    assert codes(access.report_districts(office)) == codes(access.report_districts(leader)) == ["minhang"]
    assert access.reads_reports(leader) and not access.acts_as_office(leader)
    assert codes(access.office_districts(office)) == ["minhang"] and not access.office_districts(leader).exists()
    for user in (handler, proposer_user):
        assert not access.reads_reports(user) and not access.acts_as_office(user)


def test_office_staff_are_the_office_of_their_district_only(district, other_district, office, city_admin):
    assert access.is_office(office, district.pk) and not access.is_office(office, other_district.pk)
    assert access.is_office(city_admin, other_district.pk) and access.is_office(None, other_district.pk)


def test_each_approval_step_has_one_holder_and_a_reply_is_held_by_its_steps_holder(
    accepted, handler, head, office, leader, other_handler
):
    assert list(access.REPLY_HOLDERS.values()) == [Role.UNIT_HEAD, Role.LEADER, Role.OFFICE]
    consult(accepted, handler, NOW)
    # 留作参考 (cppcc C) needs the responsible leader's sign-off.
    noted = category("cppcc", "C")
    reply = replies.draft_reply(actor=handler, now=NOW, assignment=accepted, text="答复", category=noted)
    replies.submit_reply(actor=handler, now=NOW, reply=reply, version=reply.version)

    def holders():
        users = {"head": head, "handler": handler, "leader": leader, "office": office, "other": other_handler}
        return sorted(name for name, user in users.items() if reply in (access.held_replies(user) or []))

    assert holders() == ["handler", "head"]  # what waits on the unit's head waits on the unit
    replies.approve_reply(actor=head, now=NOW, reply=reply)
    assert Reply.objects.get().state == Reply.State.AWAITING_LEADER
    assert holders() == ["leader"]
    replies.sign_off_reply(actor=leader, now=NOW, reply=reply)
    assert holders() == ["office"]


def test_no_reply_step_is_held_by_a_proposer_or_an_admin(proposer_user, city_admin):
    assert access.held_replies(proposer_user) is None
    assert access.held_replies(city_admin) is None


def test_a_unit_is_told_through_its_handlers_or_else_its_head(district, unit, other_unit, handler, head, office):
    other_head = UserFactory(username="other_head")
    MembershipFactory(user=other_head, role=Role.UNIT_HEAD, district=district, unit=other_unit)
    found = access.people(unit_ids={unit.pk, other_unit.pk}, district_ids={district.pk})
    assert access.unit_people(found, unit.pk) == [handler.pk]
    assert access.unit_people(found, other_unit.pk) == [other_head.pk]
    assert access.office_people(found, district.pk) == [office.pk]
