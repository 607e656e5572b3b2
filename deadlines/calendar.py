"""Mainland China's working-day calendar, read from the Holiday table through an in-memory index.

The table holds only the dates that differ from Monday–Friday (holidays and make-up working
days, 调休) and, in CalendarYear, which years have an official schedule. Years without one
fall back to Monday–Friday: never an exception, a warning logged once per year, and the
due dates computed over them are marked provisional by `workflow.deadlines`.

Every call reads one index: a dict of exceptions plus a cumulative count of working days per
date over `FIRST_DAY..LAST_DAY`, so "N working days after" is a bisection and "working days
between" a subtraction. The index is dropped when a Holiday or CalendarYear row is saved or
deleted in this process, and re-checked against the database every `RECHECK_SECONDS` so other
processes (workers, the admin) see a newly imported year without a restart.
"""

import bisect
import csv
import datetime as dt
import logging
import threading
import time
import zlib
from array import array
from importlib.metadata import version as package_version

import chinese_calendar
from chinese_calendar.constants import Holiday as PackageHoliday
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from .models import CalendarYear, Holiday

logger = logging.getLogger(__name__)

FIRST_DAY = dt.date(1990, 1, 1)
LAST_DAY = dt.date(2110, 12, 31)
RECHECK_SECONDS = 60
ONE_DAY = dt.timedelta(days=1)


class _Index:
    """A snapshot of the table: exceptions, years with data, and cumulative working-day counts."""

    def __init__(self, exceptions, years):
        self.exceptions = exceptions
        self.years = frozenset(years)
        rows = sorted(exceptions.items())
        text = repr((rows, sorted(self.years))).encode()
        # Same content, same version in every process: obligations record which calendar they used.
        self.version = zlib.crc32(text) & 0x7FFFFFFF
        self.checked_at = time.monotonic()
        base = FIRST_DAY.toordinal()
        counts = array("l")
        total = 0
        for offset in range(LAST_DAY.toordinal() - base + 1):
            day = dt.date.fromordinal(base + offset)
            working = exceptions.get(day)
            if working is None:
                working = day.weekday() < 5
            total += working
            counts.append(total)
        # counts[i] = working days in FIRST_DAY .. FIRST_DAY + i, both included.
        self.counts = counts
        self.base = base

    def is_workday(self, day):
        working = self.exceptions.get(day)
        if working is None:
            return day.weekday() < 5
        return working

    def position(self, day):
        offset = day.toordinal() - self.base
        if 0 <= offset < len(self.counts):
            return offset
        return None


_lock = threading.Lock()
_index = None
_warned_years = set()


def _load():
    exceptions = dict(Holiday.objects.values_list("date", "is_workday"))
    years = CalendarYear.objects.values_list("year", flat=True)
    return exceptions, list(years)


def _current():
    global _index
    index = _index
    if index is not None and time.monotonic() - index.checked_at < RECHECK_SECONDS:
        return index
    with _lock:
        exceptions, years = _load()
        if _index is not None and _index.exceptions == exceptions and _index.years == frozenset(years):
            _index.checked_at = time.monotonic()
        else:
            _index = _Index(exceptions, years)
        return _index


def invalidate(**kwargs):
    """Drop the index; the next call rebuilds it from the table. Connected to the table's signals."""
    global _index
    _index = None


post_save.connect(invalidate, sender=Holiday, dispatch_uid="calendar_holiday_saved")
post_delete.connect(invalidate, sender=Holiday, dispatch_uid="calendar_holiday_deleted")
post_save.connect(invalidate, sender=CalendarYear, dispatch_uid="calendar_year_saved")
post_delete.connect(invalidate, sender=CalendarYear, dispatch_uid="calendar_year_deleted")


def _note_years(index, first, last):
    """Log once per year and process that a year without official data was counted as Mon–Fri."""
    if first == last and first in index.years:
        return
    for year in range(min(first, last), max(first, last) + 1):
        if year not in index.years and year not in _warned_years:
            _warned_years.add(year)
            logger.warning("No official holiday schedule for %s: counting Monday to Friday as working days.", year)


def calendar_version() -> int:
    """Identifies the table's current content (equal in every process holding the same data)."""
    return _current().version


def has_data(year: int) -> bool:
    """Whether the official schedule of `year` is loaded."""
    return year in _current().years


def has_data_between(start: dt.date, end: dt.date) -> bool:
    """Whether every year from `start` to `end` has its official schedule loaded."""
    years = _current().years
    return all(year in years for year in range(min(start, end).year, max(start, end).year + 1))


def is_workday(day: dt.date) -> bool:
    index = _current()
    _note_years(index, day.year, day.year)
    return index.is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    index = _current()
    _note_years(index, day.year, day.year)
    if index.is_workday(day):
        return day
    return add_workdays(day, 1)


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The working day `n` working days after `day` (not counting `day`); before it for negative `n`."""
    if n == 0:
        return day
    index = _current()
    result = _add_indexed(index, day, n)
    if result is None:
        result = _add_stepping(index, day, n)
    _note_years(index, day.year, result.year)
    return result


def _add_indexed(index, day, n):
    counts = index.counts
    pos = index.position(day)
    if pos is None:
        return None
    if n > 0:
        target = counts[pos] + n
        found = bisect.bisect_left(counts, target, pos + 1)
    else:
        before = counts[pos - 1] if pos else 0
        target = before + n + 1
        if target < 1:
            return None
        found = bisect.bisect_left(counts, target, 0, pos)
    if found >= len(counts):
        return None
    return dt.date.fromordinal(index.base + found)


def _add_stepping(index, day, n):
    # Outside the indexed centuries: slow, but still correct and never raising.
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if index.is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
    index = _current()
    _note_years(index, start.year, end.year)
    first, last = index.position(start), index.position(end)
    if first is not None and last is not None:
        return index.counts[last] - index.counts[first]
    low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
    count = 0
    day = low + ONE_DAY
    while day <= high:
        count += index.is_workday(day)
        day += ONE_DAY
    return sign * count


def overdue_workdays(due_on: dt.date, today: dt.date) -> int:
    """Days overdue, the one definition: the working days after `due_on` up to and including `today`.

    The due date itself never counts (work done on it is on time); each working day after it
    does, today included; weekends and holidays don't, a make-up working day (调休) does.
    0 when `today` is the due date or before it. So, due on Friday:
    - read on Saturday or Sunday: past its date but 0 working days overdue;
    - read on Monday: 1 working day overdue;
    due Wednesday 30 September 2026, read Friday 9 October: 2 (8 and 9 October; 1–7 October
    is National Day), and 3 on Saturday 10 October, a make-up working day.

    Not stored anywhere: it changes every day, so every page, report and message computes it
    from the stored due date and the day it is read for.
    """
    if today <= due_on:
        return 0
    return workdays_between(due_on, today)


def missing_calendar_years(today: dt.date) -> list[int]:
    """Years an admin must load: this year if it has no data, and next year from 1 November."""
    years = _current().years
    missing = []
    if today.year not in years:
        missing.append(today.year)
    if today >= dt.date(today.year, 11, 1) and today.year + 1 not in years:
        missing.append(today.year + 1)
    return missing


def package_schedule(years=None):
    """The `chinese_calendar` package's rows, as {year: [(date, is_workday, name), ...]}.

    `years` narrows it; a year the package has no data for is left out.
    """
    names = {holiday.value: holiday.chinese for holiday in PackageHoliday}
    schedule = {}
    for source, working in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in source.items():
            if years is None or day.year in years:
                schedule.setdefault(day.year, []).append((day, working, names.get(name, name)[:50]))
    return schedule


def package_source():
    return f"chinesecalendar {package_version('chinesecalendar')}"


def store_schedule(schedule, *, source, holiday_model=None, year_model=None):
    """Replace the rows of each year in `schedule` ({year: [(date, is_workday, name)]}) and mark it loaded.

    Takes the models as arguments so the seeding migration can pass its historical ones.
    Returns the number of rows written.
    """
    holiday_model = holiday_model or Holiday
    year_model = year_model or CalendarYear
    written = 0
    for year, rows in sorted(schedule.items()):
        holiday_model.objects.filter(date__year=year).delete()
        objs = [holiday_model(date=day, is_workday=working, name=name) for day, working, name in sorted(rows)]
        if holiday_model is Holiday:
            bulk_create_with_history(objs, Holiday)
        else:  # the migration's historical model has no history to write
            holiday_model.objects.bulk_create(objs)
        year_model.objects.update_or_create(year=year, defaults={"source": source})
        written += len(rows)
    invalidate()
    return written


class ScheduleError(ValueError):
    """A schedule file that can't be imported; `errors` lists (line number, message) pairs."""

    def __init__(self, errors):
        super().__init__(
            "; ".join(
                gettext("line %(line)s: %(message)s") % {"line": line, "message": message} for line, message in errors
            )
        )
        self.errors = errors


SCHEDULE_KINDS = {"holiday": False, "workday": True}


def read_schedule_csv(lines):
    """Parse the State Council's schedule as CSV rows `date,kind,name` (kind: holiday or workday).

    A header row is allowed. Returns {year: [(date, is_workday, name)]}; raises ScheduleError
    listing every bad line, so nothing is imported from a half-valid file.
    """
    schedule, errors, seen = {}, [], set()
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() == "date":
            continue
        cells = [cell.strip() for cell in row] + ["", ""]
        raw_date, kind, name = cells[:3]
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            errors.append((number, gettext("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": raw_date}))
            continue
        if kind not in SCHEDULE_KINDS:
            errors.append((number, gettext("kind “%(value)s” must be “holiday” or “workday”") % {"value": kind}))
            continue
        if SCHEDULE_KINDS[kind] and day.weekday() < 5:
            errors.append(
                (number, gettext("%(day)s is a weekday already, it can't be a make-up working day") % {"day": day})
            )
            continue
        if day in seen:
            errors.append((number, gettext("%(day)s is listed twice") % {"day": day}))
            continue
        seen.add(day)
        schedule.setdefault(day.year, []).append((day, SCHEDULE_KINDS[kind], name[:50]))
    if errors:
        raise ScheduleError(errors)
    return schedule
