"""The security audit log: each audited act writes exactly one row naming who, from where, what and how it ended;
nobody changes a row (a trigger on PostgreSQL); old months leave only by dropping whole partitions past the retention;
history rows written by the services name their actor, whichever door the act came through."""

import datetime as dt
import io
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import empty
from knox.models import AuthToken

from audit import partitions
from audit.context import acting_as
from audit.models import Action, AuditEntry, Outcome
from deadlines.models import Holiday
from districts.models import Membership
from proposals.attachments import store_attachment
from proposals.models import Attachment, private_storage
from tests.factories import UserFactory
from tests.importing.test_views import confirm, upload
from workflow.models import Assignment
from workflow.services import assignment as assign
from workflow.services import staffing, submissions

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"
HERE = "127.0.0.1"  # the test client's REMOTE_ADDR
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions and trigger: PostgreSQL")


class Log:
    """The rows written since the test's fixtures were built (they create people and roles: logged too)."""

    def __init__(self):
        self.after = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    def rows(self, action=None):
        entries = AuditEntry.objects.filter(id__gt=self.after).order_by("id")
        return list(entries.filter(action=action) if action else entries)

    def only(self, action):
        """The one row of `action`, failing when there is none or more than one."""
        found = self.rows(action)
        assert len(found) == 1, [(e.action, e.username, e.details) for e in self.rows()]
        return found[0]


@pytest.fixture
def log(request):
    """Built after every other fixture the test asks for."""
    params = getattr(request.node, "callspec", None)
    for name in request.fixturenames:
        if name not in ("log", "request") and name not in (params.params if params else {}):
            request.getfixturevalue(name)
    return Log()


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- logins, failures, lockouts, logouts, idle ends ----------------------------------------------


def test_a_login_writes_one_row_with_the_user_and_address(client, office, log):
    assert log_in(client, "office").status_code == 302
    entry = log.only(Action.LOGIN)
    assert (entry.user, entry.username, entry.address, entry.outcome) == (office, "office", HERE, Outcome.OK)
    assert len(log.rows()) == 1  # the last-login save is not a change of the user


def test_the_address_is_read_through_the_trusted_proxies(client, office, settings, log):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    client.post(
        reverse("login"),
        {"username": "office", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
        REMOTE_ADDR="10.0.0.2",
    )
    assert log.only(Action.LOGIN).address == "203.0.113.9"  # what our one proxy saw, not what the client claimed


def test_a_failed_login_keeps_the_name_as_typed_and_no_user(client, office, log):
    assert log_in(client, "office", "wrong").status_code == 200
    assert log_in(client, "nobody-such", "wrong").status_code == 200
    first, second = log.rows()
    assert (first.action, first.outcome, first.user, first.username) == (
        Action.LOGIN_FAILED,
        Outcome.FAILED,
        None,
        "office",
    )
    assert (second.username, second.address) == ("nobody-such", HERE)


def test_the_failure_that_locks_and_each_try_while_locked_write_a_lockout(client, office, log):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "office", "wrong")
    assert len(log.rows(Action.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT - 1
    lockout = log.only(Action.LOCKED_OUT)
    assert (lockout.username, lockout.outcome, lockout.address) == ("office", Outcome.REFUSED, HERE)
    log_in(client, "office")  # the right password, while locked
    assert len(log.rows(Action.LOCKED_OUT)) == 2 and not log.rows(Action.LOGIN)


def test_a_logout_writes_one_row(client, office, log):
    client.force_login(office)
    assert client.post(reverse("logout")).status_code in (200, 302)
    entry = log.only(Action.LOGOUT)
    assert (entry.user, entry.address) == (office, HERE)


def test_an_idle_session_ends_with_one_row_and_no_logout_row(client, office, settings, log):
    client.force_login(office)
    session = client.session
    session["last_seen"] = time.time() - settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    client.get(reverse("home"))
    entry = log.only(Action.SESSION_EXPIRED)
    assert (entry.user, entry.address) == (office, HERE)
    assert not log.rows(Action.LOGOUT)
    assert "_auth_user_id" not in client.session


# --- passwords and tokens -------------------------------------------------------------------------


def test_changing_ones_own_password_and_resetting_anothers_are_told_apart(office, handler, log):
    with acting_as(office):
        office.set_password("a-new-Passw0rd")
        office.save()
        handler.set_password("reset-by-Office1")
        handler.save()
    changed, reset = log.only(Action.PASSWORD_CHANGED), log.only(Action.PASSWORD_RESET)
    assert (changed.user, changed.object_id) == (office, str(office.pk))
    assert (reset.user, reset.object_id, reset.object_repr) == (office, str(handler.pk), str(handler))
    assert not log.rows(Action.CHANGED)


def test_a_token_login_its_failure_and_a_revocation_each_write_one_row(office, log):
    api = Client()
    assert api.post("/api/v1/auth/token/", {"username": "office", "password": "wrong"}).status_code == 400
    failed = log.only(Action.LOGIN_FAILED)
    assert (failed.username, failed.address) == ("office", HERE)
    answer = api.post("/api/v1/auth/token/", {"username": "office", "password": PASSWORD}).json()
    created = log.only(Action.TOKEN_CREATED)
    assert (created.user, created.object_id, created.address) == (office, answer["id"], HERE)
    auth = {"HTTP_AUTHORIZATION": f"Token {answer['token']}"}
    assert api.delete(f"/api/v1/auth/tokens/{answer['id']}/", **auth).status_code == 204
    revoked = log.only(Action.TOKEN_REVOKED)
    assert (revoked.user, revoked.object_id) == (office, answer["id"])
    assert not AuthToken.objects.exists()


# --- refusals ------------------------------------------------------------------------------------


def test_a_refusal_by_scope_or_role_is_logged_once_through_either_door(client, assigned, office, outsider, log):
    lead, _co = assigned
    _token, secret = AuthToken.objects.create(outsider)
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.post(f"/api/v1/assignments/{lead.pk}/accept/").status_code == 404
    entry = log.only(Action.REFUSED)
    assert (entry.user, entry.outcome, entry.details["status"]) == (outsider, Outcome.REFUSED, 404)
    assert entry.details["path"] == f"/api/v1/assignments/{lead.pk}/accept/"
    client.force_login(office)  # the office's role does not accept for a unit
    before = len(log.rows(Action.REFUSED))
    client.post(reverse("handling:accept", args=[lead.item.pk]), {"accept-assignment": lead.pk})
    refused = log.rows(Action.REFUSED)
    assert len(refused) == before + 1
    assert (refused[-1].user, refused[-1].details["status"]) == (office, 403)


def test_a_bad_input_is_no_refusal_to_log(office, assigned, log):
    lead, _co = assigned
    _token, secret = AuthToken.objects.create(office)
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.post(f"/api/v1/assignments/{lead.pk}/reassign/", {}).status_code in (400, 409)
    assert not log.rows(Action.REFUSED)


# --- exports and downloads -----------------------------------------------------------------------


@pytest.fixture
def stored(item, office, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    private_storage._wrapped = empty
    upload = SimpleUploadedFile("建议正文.pdf", PDF, content_type="application/pdf")
    return store_attachment(item=item, uploaded_file=upload, purpose=Attachment.Purpose.ITEM, uploaded_by=office)


def test_an_attachment_download_names_the_file(client, office, stored, log):
    client.force_login(office)
    response = client.get(reverse("items:attachment", args=[stored.pk]))
    assert response.status_code == 200
    entry = log.only(Action.DOWNLOADED)
    assert (entry.user, entry.object_type, entry.object_id) == (office, "proposals.attachment", str(stored.pk))
    assert entry.details["file"] == "建议正文.pdf"


def test_the_item_list_export_keeps_its_filters(client, office, item, log):
    client.force_login(office)
    response = client.get(reverse("items:export"), {"year": item.year})
    assert response.status_code == 200
    entry = log.only(Action.EXPORTED)
    assert entry.details["query"] == {"year": [str(item.year)]}
    assert entry.details["file"].endswith(".xlsx")


def test_a_report_export_by_browser_and_the_report_api_each_write_one_row(client, office, item, log):
    client.force_login(office)
    query = {"district": "minhang", "year": item.year, "body": item.body}
    assert client.get(reverse("reports:annual_export", args=["csv"]), query).status_code == 200
    browser = log.only(Action.EXPORTED)
    assert browser.details["file"].endswith(".zip") and browser.details["query"]["district"] == ["minhang"]
    _token, secret = AuthToken.objects.create(office)
    answer = Client().get("/api/v1/reports/annual/", query, HTTP_AUTHORIZATION=f"Token {secret}")
    assert answer.status_code == 200
    api = log.rows(Action.EXPORTED)[-1]
    assert (api.user, api.object_type, api.details["report"]) == (office, "districts.district", "annual")
    assert len(log.rows(Action.EXPORTED)) == 2


def test_a_confirmed_import_names_its_file_and_the_preview_writes_nothing(
    client, district, office, settings, tmp_path, log
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    token = upload(client, office, district).context["confirm_form"].initial["token"]
    assert not log.rows(Action.IMPORTED)
    assert confirm(client, token).status_code == 302
    entry = log.only(Action.IMPORTED)
    assert (entry.user, entry.outcome, entry.object_type) == (office, Outcome.OK, "districts.district")
    assert (entry.details["file"], entry.details["items"]) == ("2017.xlsx", 1)


def test_a_case_file_pdf_download_is_logged(client, office, item, log):
    client.force_login(office)
    response = client.get(reverse("casefiles:item_pdf", args=[item.pk]))
    if response.status_code == 503:
        pytest.skip("no CJK font for the PDF on this machine")
    assert response.status_code == 200
    entry = log.only(Action.DOWNLOADED)
    assert (entry.object_type, entry.object_id, entry.details["file"]) == (
        "proposals.item",
        str(item.pk),
        f"case-file-{item.year}-{item.number}.pdf",
    )


# --- changes of people, roles, units, calendars --------------------------------------------------


def test_the_office_adding_a_unit_and_a_person_is_logged_with_the_office_as_actor(office, district, log):
    now = timezone.now()
    unit = staffing.add_unit(actor=office, now=now, district=district, name="区教育局", short_name="教育局")
    entry = log.only(Action.CREATED)
    assert (entry.user, entry.object_type, entry.object_id) == (office, "districts.handlingunit", str(unit.pk))
    staffing.change_unit(actor=office, now=now, unit=unit, name="区教育委员会")
    assert log.only(Action.CHANGED).user == office


def test_roles_and_holidays_changed_anywhere_are_logged(office, district, handler, log):
    membership = Membership.objects.get(user=handler)
    with acting_as(office):
        membership.delete()
        Holiday.objects.create(date=dt.date(2031, 10, 1), is_workday=False, name="国庆节")
    deleted = log.only(Action.DELETED)
    assert (deleted.user, deleted.object_type) == (office, "districts.membership")
    created = log.only(Action.CREATED)
    assert (created.user, created.object_type) == (office, "deadlines.holiday")


# --- nobody changes the log ----------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET outcome = 'ok'", "DELETE FROM audit_auditentry"])
def test_the_database_refuses_to_change_or_delete_a_row(client, office, statement, log):
    log_in(client, "office", "wrong")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert log.only(Action.LOGIN_FAILED).outcome == Outcome.FAILED


def test_the_admin_shows_the_log_to_its_readers_and_changes_nothing(client, office, log):
    log_in(client, "office", "wrong")
    entry = log.only(Action.LOGIN_FAILED)
    changelist = reverse("admin:audit_auditentry_changelist")
    reader = UserFactory(username="auditor", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    staff = UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    assert client.get(changelist).status_code == 403
    client.force_login(reader)
    assert client.get(changelist).status_code == 200
    page = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


# --- retention: monthly partitions, dropped whole -------------------------------------------------


def _partition_with_a_row(start):
    with connection.cursor() as cursor:
        cursor.execute(partitions.partition_sql(start))
    at = dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC)
    return AuditEntry.objects.create(at=at, action=Action.LOGIN, username="old")


@postgres_only
def test_the_purge_drops_only_months_entirely_older_than_the_retention(log):
    now = timezone.now()
    this_month = partitions.month_start(now.date())
    gone = _partition_with_a_row(partitions.month_start(this_month, -9))
    kept = _partition_with_a_row(partitions.month_start(this_month, -5))
    dropped = partitions.purge(now=now)
    assert dropped == [partitions.month_start(this_month, -9)]
    assert not AuditEntry.objects.filter(pk=gone.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    purged = log.only(Action.PURGED)
    assert purged.details["months"] == [f"{partitions.month_start(this_month, -9):%Y-%m}"]
    assert partitions.purge(now=now) == []  # twice: nothing more, no second row
    assert len(log.rows(Action.PURGED)) == 1


@postgres_only
def test_the_coming_months_are_created_ahead(log):
    later = timezone.now() + dt.timedelta(days=400)
    created = partitions.create_ahead(now=later, months=1)
    assert created == [partitions.month_start(later.date(), n) for n in (0, 1)]
    assert set(created) <= set(partitions.existing())
    assert partitions.create_ahead(now=later, months=1) == []


def test_a_retention_below_six_months_is_refused(settings, log):
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ValueError, match="184"):
        partitions.retention_days()


# --- history rows name their actor ---------------------------------------------------------------


def _accepted_by(lead):
    return Assignment.history.filter(id=lead.pk).order_by("-history_date", "-history_id").first().history_user


def test_history_rows_of_a_service_call_name_the_actor(assigned, handler, log):
    lead, _co = assigned
    assign.accept_assignment(actor=handler, now=timezone.now(), assignment=lead)
    assert _accepted_by(lead) == handler
    assert lead.item.history.order_by("-history_id").first().history_user is not None


def test_history_rows_of_a_browser_act_name_the_actor(client, assigned, handler, log):
    lead, _co = assigned
    client.force_login(handler)
    client.post(reverse("handling:accept", args=[lead.item.pk]), {"accept-assignment": lead.pk})
    assert Assignment.objects.get(pk=lead.pk).state == Assignment.State.ACCEPTED
    assert _accepted_by(lead) == handler


def test_history_rows_of_a_token_api_act_name_the_actor(assigned, handler, log):
    lead, _co = assigned
    _token, secret = AuthToken.objects.create(handler)
    response = Client().post(f"/api/v1/assignments/{lead.pk}/accept/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200, response.content
    assert _accepted_by(lead) == handler


def test_history_rows_of_a_service_outside_the_item_verbs_name_the_actor(proposer_user, proposer, log):
    """A draft made by a command or the demo (no request): its history row still says who."""
    draft = submissions.create_draft(actor=proposer_user, now=timezone.now(), lead=proposer, kind="proposal")
    assert draft.history.get().history_user == proposer_user


@postgres_only
def test_the_command_creates_ahead_and_purges(log):
    old = partitions.month_start(timezone.now().date(), -12)
    _partition_with_a_row(old)
    out = io.StringIO()
    call_command("audit_partitions", "--months-ahead=5", stdout=out)
    assert f"dropped: {old:%Y-%m}" in out.getvalue()
    assert partitions.month_start(timezone.now().date(), 5) in partitions.existing()
    assert log.only(Action.PURGED).details["months"] == [f"{old:%Y-%m}"]
