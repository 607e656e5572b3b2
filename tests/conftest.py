"""Shared fixtures: a district with its units and one user per role, an item assigned to two units, built per test.

Tests that need the real PostgreSQL or Redis are marked `services`; they skip on a
laptop without them, and fail in CI where REQUIRE_SERVICES=1.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from districts.models import Role
from workflow.models import Assignment
from workflow.services import assignment as assign
from workflow.services import intake

from .factories import DistrictFactory, MembershipFactory, ProposerFactory, UnitFactory, UserFactory
from .workflow.flow import receive

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday: when `item` is received


def _services_missing():
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL=postgres://...)")
    if not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL=redis://...)")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            missing.append(f"Redis at {settings.REDIS_URL} ({exc})")
    return missing


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests run with DEBUG off like production, but over plain HTTP and without collectstatic."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # The admin's pages are tested without an authenticator; tests/security/test_accounts.py asks for it.
    settings.ADMIN_REQUIRES_OTP = False
    settings.WHITENOISE_AUTOREFRESH = True  # no collected STATIC_ROOT to scan
    # Each test counts its own rate limits: the shared Redis cache would carry them from test to test.
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": str(uuid.uuid4())}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session", autouse=True)
def _database_features_known(django_db_setup, django_db_blocker):
    """Ask the database what it supports before any test counts queries.

    SQLite answers `supports_json_field` with a query (in a savepoint) the first time a connection
    is asked: a test counting around that first time saw three queries more than the same request later.
    """
    from django.db import connections

    with django_db_blocker.unblock():
        for each in connections.all():
            _known = each.features.supports_json_field


def pytest_collection_modifyitems(items):
    """Transactional tests restore the database by serialized rollback, all of them.

    A plain flush lets Django re-create the content types, which the next serialized test then
    inserts again (IntegrityError at its setup, depending on the order the tests ran in).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return (marker is not None and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames


@pytest.fixture(autouse=True)
def _migrations_data(request):
    """A transactional test may start after another one flushed the tables: put the data migrations' rows back."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from deadlines import calendar
    from deadlines.models import CalendarYear
    from workflow.defaults import install_defaults
    from workflow.models import OutcomeCategory, OutcomeScheme, RatingScale, RatingValue

    install_defaults(OutcomeScheme, OutcomeCategory, RatingScale, RatingValue)
    if not CalendarYear.objects.exists():
        calendar.store_schedule(calendar.package_schedule(), source=calendar.package_source())
        calendar.invalidate()


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("services") is None:
        return
    missing = _services_missing()
    if missing:
        message = "needs " + ", ".join(missing)
        if settings.REQUIRE_SERVICES:
            pytest.fail(message + " (REQUIRE_SERVICES=1)")
        pytest.skip(message)


class BrowserClient(Client):
    """Posts forms as the browser posts the pages' forms: with the one-time token every action form carries.

    A form posted with its own `submit_token` (a double click, a replay) keeps it; tests of a
    missing token use Django's plain `Client`. JSON bodies (the API) are left alone.
    """

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, **extra):
        if content_type == MULTIPART_CONTENT and (data is None or isinstance(data, dict)):
            data = {"submit_token": str(uuid.uuid4()), **(data or {})}
        return super().post(path, data, content_type, **extra)


@pytest.fixture
def client():
    return BrowserClient()


@pytest.fixture
def district(db):
    return DistrictFactory(code="minhang", name="闵行区")


@pytest.fixture
def other_district(db):
    return DistrictFactory(code="jinshan", name="金山区")


@pytest.fixture
def unit(district):
    return UnitFactory(district=district, name="区经委", short_name="经委")


@pytest.fixture
def other_unit(district):
    return UnitFactory(district=district, name="区科委", short_name="科委")


@pytest.fixture
def leader(district, unit, other_unit):
    user = UserFactory(username="leader", full_name="分管副区长")
    MembershipFactory(user=user, role=Role.LEADER, district=district)
    unit.responsible_leader = user
    unit.save(update_fields=["responsible_leader"])
    other_unit.responsible_leader = user
    other_unit.save(update_fields=["responsible_leader"])
    return user


@pytest.fixture
def office(district):
    user = UserFactory(username="office", full_name="区府办")
    MembershipFactory(user=user, role=Role.OFFICE, district=district)
    return user


@pytest.fixture
def handler(district, unit):
    user = UserFactory(username="handler", full_name="经委承办人")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=unit)
    return user


@pytest.fixture
def head(district, unit):
    user = UserFactory(username="head", full_name="经委主任")
    MembershipFactory(user=user, role=Role.UNIT_HEAD, district=district, unit=unit)
    return user


@pytest.fixture
def other_handler(district, other_unit):
    user = UserFactory(username="other_handler", full_name="科委承办人")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=other_unit)
    return user


@pytest.fixture
def co_unit(district):
    return UnitFactory(district=district, name="区民政局", short_name="民政局")


@pytest.fixture
def co_handler(district, co_unit):
    user = UserFactory(username="co_handler", full_name="民政局承办人")
    MembershipFactory(user=user, role=Role.HANDLER, district=district, unit=co_unit)
    return user


@pytest.fixture
def proposer(district):
    return ProposerFactory(district=district, name="张委员")


@pytest.fixture
def proposer_user(district, proposer):
    user = UserFactory(username="member", full_name="张委员")
    MembershipFactory(user=user, role=Role.PROPOSER, district=district, proposer=proposer)
    return user


@pytest.fixture
def outsider(other_district):
    user = UserFactory(username="outsider", full_name="金山区府办")
    MembershipFactory(user=user, role=Role.OFFICE, district=other_district)
    return user


@pytest.fixture
def city_admin(db):
    user = UserFactory(username="admin", full_name="市管理员")
    MembershipFactory(user=user, role=Role.CITY_ADMIN, district=None)
    return user


@pytest.fixture
def item(office, proposer):
    """The proposer's item, received and registered by the office on NOW; not assigned yet."""
    received = receive(office, proposer, now=NOW, number="0001", title="关于加强社区养老服务的建议")
    return intake.register_item(actor=office, now=NOW, item=received)


@pytest.fixture
def assigned(item, office, unit, co_unit, leader):
    """`unit` leads, `co_unit` co-handles; neither has accepted yet."""
    return assign.assign_units(actor=office, now=NOW, item=item, lead_units=[unit], co_units=[co_unit])


@pytest.fixture
def accepted(assigned, handler, co_handler):
    """Both units accepted (read again from the database); no consultation, no opinion yet."""
    lead, co = assigned
    assign.accept_assignment(actor=handler, now=NOW, assignment=lead)
    assign.accept_assignment(actor=co_handler, now=NOW, assignment=co)
    return Assignment.objects.get(pk=lead.pk), Assignment.objects.get(pk=co.pk)


@pytest.fixture(autouse=True)
def calendar_kept(monkeypatch):
    """The working-day calendar stays in memory for the whole test: no re-check against the table.

    A running site re-reads it every minute (`deadlines.calendar.RECHECK_SECONDS`); a test counting
    queries would count that re-read whenever its minute happened to end between two requests
    (the API's item list once counted 5 and then 7). A test that saves or deletes a holiday or a
    calendar year leaves the index dropped, so the next test reads the table without its rows.
    """
    from django.db.models.signals import post_delete, post_save

    from deadlines import calendar
    from deadlines.models import CalendarYear, Holiday

    monkeypatch.setattr(calendar, "RECHECK_SECONDS", float("inf"))
    changed = []

    def note(**kwargs):
        changed.append(True)

    hooks = [(signal, model) for signal in (post_save, post_delete) for model in (Holiday, CalendarYear)]
    for signal, model in hooks:
        signal.connect(note, sender=model, weak=False, dispatch_uid="calendar_kept")
    yield
    for signal, model in hooks:
        signal.disconnect(sender=model, dispatch_uid="calendar_kept")
    if changed:
        calendar.invalidate()
