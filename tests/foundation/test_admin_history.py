"""Every admin page of every registered model answers 200 for a superuser.

Guards the 500 of `/admin/` on the history of an event, a closing report and a follow-up
("'Options' object has no attribute 'simple_history_manager_attribute'"): their admins are
simple-history admins but the models keep no `HistoricalRecords`, so their history page
must be Django's plain object history. The models come from `admin.site._registry`: a
model registered later is checked too, and fails here until `world` builds one of it.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import AccountState, DistrictSecurity
from deadlines.models import DeadlinePolicy, ObligationKind, PeriodStart, PeriodUnit
from notifications.models import Channel, Notification, NotificationKind, NotificationPreference
from tests.factories import CategoryFactory, MembershipFactory, SessionFactory, UnitFactory, UserFactory
from tests.workflow.conftest import NOW, category
from tests.workflow.flow import consult, receive
from tests.workflow.flow import reply as send
from workflow.admin.readonly import keeps_history
from workflow.models import ClosingReport, Event, FollowUp
from workflow.services import assignment as assign
from workflow.services import closing, extensions, feedback, followup, intake, messages, opinions, submissions

DAY = dt.timedelta(days=1)
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
PAGES = ["changelist", "change", "history"]


@pytest.fixture
def world(district, office, unit, handler, head, leader, proposer, proposer_user):
    """One row at least of every registered model, the workflow's written by its services, start to close."""
    co_unit = UnitFactory(district=district, name="区民政局", short_name="民政局")
    co_handler = UserFactory(username="co_handler", full_name="民政局承办人")
    MembershipFactory(user=co_handler, role="handler", district=district, unit=co_unit)
    session, topic = SessionFactory(district=district), CategoryFactory(district=district)

    item = receive(office, proposer, now=NOW, number="0001", title="关于完善社区养老的提案", session=session)
    item.category = topic
    item.save(update_fields=["category"])
    intake.register_item(actor=office, now=NOW, item=item)
    lead, co = assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])
    assign.accept_assignment(actor=handler, now=NOW + DAY, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW + DAY, assignment=co)
    opinions.submit_opinion(actor=co_handler, now=NOW + 2 * DAY, assignment=co, text="民政局会办意见")
    consult(lead, handler, NOW + 3 * DAY)
    ext = extensions.request_extension(
        actor=handler, now=NOW + 4 * DAY, assignment=lead, until=dt.date(2026, 7, 1), reason="需市级部门协调"
    )
    extensions.decide_extension(actor=office, now=NOW + 5 * DAY, extension=ext, grant=True)
    messages.send_message(actor=handler, now=NOW + 6 * DAY, item=item, unit=unit, text="请问何时方便面谈？")
    send(lead, handler=handler, head=head, office=office, category=category("cppcc", "B"), now=NOW + 30 * DAY)
    feedback.record_feedback(actor=proposer_user, now=NOW + 35 * DAY, item=item, agrees=True)
    followup.report_progress(
        actor=handler, now=NOW + 80 * DAY, assignment=lead, progress="已建成", convert_to=category("cppcc", "A")
    )
    closing.submit_closing_report(actor=handler, now=NOW + 90 * DAY, assignment=lead, text="项目已建成")

    DeadlinePolicy.objects.create(
        district=district,
        kind=ObligationKind.REPLY,
        amount=3,
        unit=PeriodUnit.MONTHS,
        start=PeriodStart.ASSIGNMENT,
    )
    Notification.objects.create(
        recipient=handler,
        channel=Channel.IN_APP,
        kind=NotificationKind.choices[0][0],
        item=item,
        due_on=NOW.date(),
        scheduled_for=NOW,
        created_at=NOW,
    )
    NotificationPreference.objects.create(user=handler)
    group = Group.objects.create(name="办公室")
    LogEntry.objects.create(
        user=office,
        content_type=ContentType.objects.get_for_model(Group),
        object_id=str(group.pk),
        object_repr=group.name,
        action_flag=ADDITION,
    )
    access = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "handler", "http_accept": "*/*"}
    AccessAttempt.objects.create(**access, path_info="/login/", get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**access, path_info="/login/")
    AccessLog.objects.create(**access, path_info="/login/")
    submissions.create_draft(actor=proposer_user, now=NOW, lead=proposer, kind=item.kind, title="网上提交的提案")
    AuthToken.objects.create(user=handler)
    AccountState.objects.create(user=handler, must_change_password=True)
    DistrictSecurity.objects.create(district=district, office_requires_otp=True)
    TOTPDevice.objects.create(user=handler, name="phone")
    return item


def test_the_models_of_the_issue_are_among_those_checked():
    assert {Event, ClosingReport, FollowUp} <= set(REGISTERED)


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_every_admin_page_of_every_registered_model_answers_200(admin_client, world, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to show: build one in `world`"
    opts = model._meta
    for page in PAGES:
        args = [] if page == "changelist" else [obj.pk]
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)
        response = admin_client.get(url)
        assert response.status_code == 200, f"{opts.label} {page}: {url}"
    # The history page: simple-history's recorded versions, or Django's admin log for a model without them.
    uses_simple_history = keeps_history(model) and isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    template = "simple_history/object_history.html" if uses_simple_history else "admin/object_history.html"
    assert template in [t.name for t in response.templates], opts.label
