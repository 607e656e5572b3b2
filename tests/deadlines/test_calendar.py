"""The working-day calendar: official holidays, make-up days, fallback years, upkeep notices."""

import datetime as dt
import logging

import chinese_calendar
import pytest

from deadlines import calendar
from deadlines.calendar import ScheduleError, read_schedule_csv
from deadlines.models import CalendarYear, Holiday

D = dt.date


def test_national_day_2025_is_not_worked_and_the_make_up_saturday_is():
    assert [calendar.is_workday(D(2025, 10, day)) for day in range(1, 9)] == [False] * 8
    assert calendar.is_workday(D(2025, 9, 28))  # Sunday, worked (调休)
    assert calendar.is_workday(D(2025, 10, 11))  # Saturday, worked
    assert not calendar.is_workday(D(2025, 10, 12))  # an ordinary Sunday


def test_the_first_working_day_after_national_day_2026_is_8_october():
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert calendar.next_workday(D(2026, 9, 30)) == D(2026, 9, 30)
    # 8, 9 October, the make-up Saturday 10 October, 12 and 13 October.
    assert calendar.add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_spring_festival_2026_and_its_make_up_saturdays():
    assert not any(calendar.is_workday(D(2026, 2, day)) for day in range(15, 24))
    assert calendar.is_workday(D(2026, 2, 14)) and calendar.is_workday(D(2026, 2, 28))
    assert calendar.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_working_days_between_counts_after_start_up_to_end_and_is_negative_backwards():
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert calendar.workdays_between(D(2026, 10, 13), D(2026, 9, 30)) == -5
    assert calendar.workdays_between(D(2026, 10, 13), D(2026, 10, 13)) == 0


def test_adding_negative_working_days_goes_back_over_holidays():
    assert calendar.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert calendar.add_workdays(D(2026, 10, 13), -5) == D(2026, 9, 30)
    assert calendar.add_workdays(D(2026, 10, 13), 0) == D(2026, 10, 13)


def test_a_year_without_data_counts_monday_to_friday_and_warns_once(caplog):
    caplog.set_level(logging.WARNING, logger="deadlines.calendar")
    assert not calendar.has_data(2027)
    # 1 October 2027 is a Friday: with no schedule it is simply a working day.
    assert calendar.is_workday(D(2027, 10, 1))
    assert not calendar.is_workday(D(2027, 10, 2))
    assert calendar.add_workdays(D(2027, 10, 1), 1) == D(2027, 10, 4)
    assert calendar.workdays_between(D(2027, 1, 1), D(2027, 12, 31)) == 260
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1


def test_no_date_from_2004_to_2100_raises():
    for year in range(2004, 2101):
        for day in (D(year, 1, 1), D(year, 6, 30), D(year, 12, 31)):
            calendar.is_workday(day)
            calendar.next_workday(day)
            calendar.add_workdays(day, 15)
            calendar.add_workdays(day, -15)
            calendar.workdays_between(day, day + dt.timedelta(days=90))
    assert calendar.add_workdays(D(2100, 12, 31), 15) == D(2101, 1, 21)


def test_dates_beyond_the_index_are_still_counted():
    assert calendar.add_workdays(D(2110, 12, 31), 3) == D(2111, 1, 5)
    assert calendar.add_workdays(D(2111, 1, 5), 1) == D(2111, 1, 6)
    assert calendar.workdays_between(D(2110, 12, 31), D(2111, 1, 5)) == 3
    assert calendar.add_workdays(D(1990, 1, 2), -2) == D(1989, 12, 29)


def test_the_calendar_agrees_with_chinese_calendar_on_every_date_from_2004_to_2026():
    day, last = D(2004, 1, 1), D(2026, 12, 31)
    disagreements = []
    while day <= last:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []
    assert all(calendar.has_data(year) for year in range(2004, 2027))


def test_fifteen_working_days_agree_with_the_package_find_workday():
    # find_workday counts from the next working day; ours counts working days after the day itself.
    day = D(2004, 1, 1)
    while day <= D(2026, 11, 30):
        assert calendar.add_workdays(calendar.next_workday(day), 15) == chinese_calendar.find_workday(15, day), day
        day += dt.timedelta(days=11)  # the package is slow; every weekday and month comes up


def test_working_days_after_a_holiday_start_count_the_first_working_day():
    # Accepted during National Day 2026: 8 October is the first of the working days after it.
    assert calendar.add_workdays(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_a_saved_holiday_changes_the_calendar_and_its_version():
    before = calendar.calendar_version()
    assert calendar.is_workday(D(2026, 12, 30))
    Holiday.objects.create(date=D(2026, 12, 30), name="测试假日")
    assert not calendar.is_workday(D(2026, 12, 30))
    assert calendar.calendar_version() != before
    Holiday.objects.filter(date=D(2026, 12, 30)).get().delete()
    assert calendar.calendar_version() == before


def test_another_process_sees_a_change_after_the_recheck_interval(monkeypatch):
    assert calendar.is_workday(D(2026, 12, 30))
    Holiday.objects.bulk_create([Holiday(date=D(2026, 12, 30), name="测试")])  # no signal: as if another process
    assert calendar.is_workday(D(2026, 12, 30))
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0)
    assert not calendar.is_workday(D(2026, 12, 30))


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (D(2026, 10, 31), []),
        (D(2026, 11, 1), [2027]),
        (D(2027, 3, 1), [2027]),
        (D(2027, 11, 2), [2027, 2028]),
    ],
)
def test_missing_calendar_years_warn_from_1_november_of_the_year_before(today, missing):
    assert calendar.missing_calendar_years(today) == missing


def test_a_loaded_year_is_no_longer_missing():
    CalendarYear.objects.create(year=2027, source="test")
    assert calendar.missing_calendar_years(D(2026, 11, 1)) == []
    assert calendar.has_data(2027)


def test_a_schedule_file_is_read_by_year_with_an_optional_header():
    lines = ["date,kind,name", "2027-01-01,holiday,元旦", "2027-02-20,workday,春节", ""]
    assert read_schedule_csv(lines) == {2027: [(D(2027, 1, 1), False, "元旦"), (D(2027, 2, 20), True, "春节")]}


def test_a_bad_schedule_file_reports_every_bad_line():
    lines = [
        "2027-13-01,holiday,x",
        "2027-01-01,rest,x",
        "2027-01-04,workday,x",
        "2027-01-01,holiday,a",
        "2027-01-01,holiday,b",
    ]
    with pytest.raises(ScheduleError) as raised:
        read_schedule_csv(lines)
    assert [line for line, _ in raised.value.errors] == [1, 2, 3, 5]


# --- days overdue: the one definition (deadlines.calendar.overdue_workdays) ------------------


def test_nothing_is_overdue_on_the_due_date_or_before_it():
    assert calendar.overdue_workdays(D(2026, 6, 10), D(2026, 6, 10)) == 0
    assert calendar.overdue_workdays(D(2026, 6, 10), D(2026, 6, 1)) == 0  # never negative


def test_due_yesterday_a_working_day_is_one_working_day_overdue():
    assert calendar.overdue_workdays(D(2026, 6, 9), D(2026, 6, 10)) == 1  # Tuesday, read Wednesday


def test_due_before_a_weekend_counts_no_weekend_day():
    friday = D(2026, 3, 13)
    assert calendar.overdue_workdays(friday, D(2026, 3, 14)) == 0  # Saturday: past its date, 0 working days
    assert calendar.overdue_workdays(friday, D(2026, 3, 15)) == 0  # Sunday
    assert calendar.overdue_workdays(friday, D(2026, 3, 16)) == 1  # Monday
    assert calendar.overdue_workdays(friday, D(2026, 3, 20)) == 5  # the next Friday


def test_a_holiday_does_not_count():
    # Due Wednesday 30 September 2026; 1–7 October is National Day.
    due = D(2026, 9, 30)
    assert [calendar.overdue_workdays(due, D(2026, 10, day)) for day in range(1, 8)] == [0] * 7
    assert calendar.overdue_workdays(due, D(2026, 10, 8)) == 1
    assert calendar.overdue_workdays(due, D(2026, 10, 9)) == 2
    # Spring Festival 2026: due Friday 13 February, off 15–23 February, back on Tuesday 24.
    assert calendar.overdue_workdays(D(2026, 2, 13), D(2026, 2, 24)) == 2  # the make-up Saturday 14 and the 24th


def test_a_make_up_working_day_counts():
    # Saturday 10 October 2026 is worked (调休), Sunday 11 is not.
    assert calendar.overdue_workdays(D(2026, 10, 9), D(2026, 10, 10)) == 1
    assert calendar.overdue_workdays(D(2026, 10, 9), D(2026, 10, 11)) == 1
    assert calendar.overdue_workdays(D(2026, 9, 30), D(2026, 10, 12)) == 4  # 8, 9, 10 (Saturday) and 12 October
    # Sunday 20 September 2026 is worked: due Friday 18, read Monday 21 = 2.
    assert calendar.overdue_workdays(D(2026, 9, 18), D(2026, 9, 21)) == 2


def test_a_due_date_on_a_day_off_counts_from_the_next_working_day():
    # An extension kept as given may fall on a Sunday: Monday is the first working day overdue.
    assert calendar.overdue_workdays(D(2026, 6, 14), D(2026, 6, 15)) == 1


def test_days_overdue_agree_with_working_days_between_after_the_due_date():
    due = D(2026, 9, 30)
    for offset in range(1, 60):
        today = due + dt.timedelta(days=offset)
        counted = sum(calendar.is_workday(due + dt.timedelta(days=d)) for d in range(1, offset + 1))
        assert calendar.overdue_workdays(due, today) == counted
        assert calendar.add_workdays(due, calendar.overdue_workdays(due, today)) <= today
