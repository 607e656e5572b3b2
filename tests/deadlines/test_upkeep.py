"""Calendar upkeep: the load_holidays command and the admin, both moving open due dates."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from deadlines import calendar
from deadlines.models import CalendarYear, Holiday, ObligationKind
from tests.factories import UserFactory
from workflow.models import Event, Obligation
from workflow.obligations import open_obligation

from .conftest import local

D = dt.date


@pytest.fixture
def reply_due_in_2027(item, assign):
    """A reply due 15 January 2027, provisional because 2027 has no official schedule yet."""
    now = local(2026, 10, 15)
    return open_obligation(item=item, kind=ObligationKind.REPLY, now=now, assignment=assign(now))


@pytest.fixture
def schedule_2027(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-15,holiday,测试假日\n2027-01-16,workday,测试调休\n",
        encoding="utf-8-sig",
    )
    return path


def test_a_new_year_from_a_file_ends_the_fallback_and_moves_due_dates(reply_due_in_2027, schedule_2027, capsys):
    assert reply_due_in_2027.provisional
    with time_machine.travel(local(2026, 11, 20), tick=False):
        call_command("load_holidays", file=schedule_2027)
    reply = Obligation.objects.get(pk=reply_due_in_2027.pk)
    assert calendar.has_data(2027) and calendar.missing_calendar_years(D(2026, 11, 20)) == []
    assert (reply.due_on, reply.provisional) == (D(2027, 1, 16), False)  # the make-up Saturday
    assert Event.objects.get(action="deadline.moved").at == local(2026, 11, 20)
    assert CalendarYear.objects.get(year=2027).source == "file 2027.csv"
    assert "Loaded 3 dates for 2027 from file 2027.csv; 1 open due dates moved." in capsys.readouterr().out


def test_loading_the_same_file_twice_moves_nothing_the_second_time(reply_due_in_2027, schedule_2027):
    call_command("load_holidays", file=schedule_2027)
    call_command("load_holidays", file=schedule_2027)
    assert Holiday.objects.filter(date__year=2027).count() == 3
    assert Event.objects.filter(action="deadline.moved").count() == 1


def test_a_bad_file_imports_nothing(reply_due_in_2027, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,holiday,元旦\n2027-01-04,workday,周一\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_holidays", file=path)
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert not calendar.has_data(2027)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Can't read"):
        call_command("load_holidays", file=tmp_path / "nope.csv")


def test_reloading_a_year_from_the_package_restores_an_edited_calendar():
    Holiday.objects.filter(date=D(2025, 10, 1)).delete()
    assert calendar.is_workday(D(2025, 10, 1))
    call_command("load_holidays", from_package=True, year=2025)
    assert not calendar.is_workday(D(2025, 10, 1))
    assert CalendarYear.objects.get(year=2025).source.startswith("chinesecalendar ")


def test_the_package_has_no_year_2030():
    with pytest.raises(CommandError, match="no data for 2030"):
        call_command("load_holidays", from_package=True, year=2030)


@pytest.fixture
def admin_client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions read the English msgids
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_adding_a_holiday_in_the_admin_moves_open_due_dates_after_commit(
    admin_client, item, assign, django_capture_on_commit_callbacks
):
    now = local(2026, 9, 30)
    reply = open_obligation(item=item, kind=ObligationKind.REPLY, now=now, assignment=assign(now))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            reverse("admin:deadlines_holiday_add"),
            {"date": "2026-12-30", "name": "测试假日", "is_workday": ""},
            secure=True,
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Obligation.objects.get(pk=reply.pk).due_on == D(2026, 12, 31)
    assert Event.objects.get(action="deadline.moved").actor.username == "root"


def test_deleting_a_holiday_in_the_admin_moves_them_back(
    admin_client, item, assign, django_capture_on_commit_callbacks
):
    holiday = Holiday.objects.create(date=D(2026, 12, 30), name="测试假日")
    now = local(2026, 9, 30)
    reply = open_obligation(item=item, kind=ObligationKind.REPLY, now=now, assignment=assign(now))
    assert reply.due_on == D(2026, 12, 31)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:deadlines_holiday_delete", args=[holiday.pk]), {"post": "yes"}, secure=True)
    assert Obligation.objects.get(pk=reply.pk).due_on == D(2026, 12, 30)


def test_the_holiday_list_warns_about_next_year_from_1_november(admin_client):
    pages = []
    for today in (local(2026, 10, 31), local(2026, 11, 1)):
        with time_machine.travel(today, tick=False):
            admin_client.force_login(UserFactory(username="root"))  # a session started that day
            pages.append(admin_client.get(reverse("admin:deadlines_holiday_changelist"), secure=True).content.decode())
    assert "No official holiday schedule" not in pages[0]
    assert "No official holiday schedule for 2027" in pages[1]


def test_the_admin_is_told_with_a_link_to_load_it_the_office_what_it_means_a_handler_nothing(
    admin_client, client, office, handler
):
    with time_machine.travel(local(2026, 11, 25), tick=False):
        admin_client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        admin_page = admin_client.get(reverse("admin:deadlines_calendaryear_changelist"), secure=True).text
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(office)
        office_page = client.get(reverse("home"), follow=True).text
        client.force_login(handler)
        handler_page = client.get(reverse("home"), follow=True).text
    load = reverse("admin:deadlines_calendaryear_load")
    assert "No official holiday schedule for 2027" in admin_page
    assert f'href="{load}"' in admin_page
    assert "holiday schedule for 2027 is not loaded yet" in office_page
    assert "city administrator loads it" in office_page
    assert "manage.py" not in office_page and load not in office_page
    assert "2027" not in handler_page


def test_the_admin_loads_next_year_from_a_file_and_due_dates_move(
    admin_client, reply_due_in_2027, schedule_2027, django_capture_on_commit_callbacks
):
    with schedule_2027.open("rb") as upload:
        response = admin_client.post(reverse("admin:deadlines_calendaryear_load"), {"file": upload}, secure=True)
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "file 2027.csv"
    assert not calendar.is_workday(D(2027, 1, 15))
    moved = Obligation.objects.get(pk=reply_due_in_2027.pk)
    assert (moved.due_on, moved.provisional) == (D(2027, 1, 16), False)  # the make-up Saturday
    assert Event.objects.get(action="deadline.moved").actor.username == "root"
    page = admin_client.get(response.url, secure=True).text
    assert "Loaded 3 dates for 2027; 1 open due dates moved." in page


def test_a_bad_schedule_file_names_its_lines_and_loads_nothing(admin_client, reply_due_in_2027, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("2027-01-15,holiday,测试\n2027-13-01,holiday,坏日期\n2027-01-18,workday,周一\n", encoding="utf-8")
    with path.open("rb") as upload:
        response = admin_client.post(reverse("admin:deadlines_calendaryear_load"), {"file": upload}, secure=True)
    assert response.status_code == 400
    assert "line 2: “2027-13-01” is not a date (YYYY-MM-DD)" in response.text
    assert "line 3: 2027-01-18 is a weekday already" in response.text
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert Obligation.objects.get(pk=reply_due_in_2027.pk).due_on == reply_due_in_2027.due_on


def test_a_year_the_package_lacks_says_to_load_a_file(admin_client):
    response = admin_client.post(reverse("admin:deadlines_calendaryear_load"), {"year": 2030}, secure=True)
    assert response.status_code == 400
    assert "The chinesecalendar package has no 2030 data yet" in response.text


def test_only_an_administrator_may_load_a_schedule(client, office):
    client.force_login(office)
    response = client.post(reverse("admin:deadlines_calendaryear_load"), {"year": 2025}, secure=True)
    assert response.status_code == 302 and "/login/" in response.url
    staff = UserFactory(username="clerk", is_staff=True)
    client.force_login(staff)
    assert client.post(reverse("admin:deadlines_calendaryear_load"), {"year": 2025}, secure=True).status_code == 403


def test_the_obligation_admin_shows_the_explanation_read_only(admin_client, item, assign):
    now = local(2026, 9, 30)
    reply = open_obligation(item=item, kind=ObligationKind.REPLY, now=now, assignment=assign(now))
    page = admin_client.get(reverse("admin:workflow_obligation_change", args=[reply.pk]), secure=True)
    assert "2026-09-30 + 3" in page.content.decode()
    assert (
        admin_client.post(reverse("admin:workflow_obligation_change", args=[reply.pk]), {}, secure=True).status_code
        == 403
    )
