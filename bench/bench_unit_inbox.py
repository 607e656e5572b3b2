"""A handler's inbox (/units/) at 1,000,000 items against 800 (50 in the district), PostgreSQL.

    .venv/bin/python bench/bench_unit_inbox.py [--repeat 9] [--warmup 3] [--rebuild]

Two databases of the yearly report benchmark's shape (`bench_annual_report.build`: imported
proposals over 16 districts × 5 years × 50 units, one lead unit each, a co-unit for one in five):

    jianyi_bench_inbox_small  800 items: 50 in the measured district (bench00)
    jianyi_bench_inbox_1m     1,000,000 items: 62,500 in bench00, about 1,500 assignments of its unit 单位00

Then, once per database: every lead assignment of bench00 gets its history of fulfilled
obligations (acceptance, consultation, reply: 190,000 rows at 1M), the measured unit's imported
items still followed up are closed (so that both databases give the unit the same open work),
and the unit gets the same 32 live items through the workflow services: 8 awaiting acceptance,
8 accepted (consult and reply owed), 8 with a reply sent back by the head, 8 awaiting the head;
their dates spread over the last weeks so that some are overdue. Then VACUUM ANALYZE.

One child process per database (Django set up for it, DEBUG off; `bench_dashboard.serve`) logs in
the unit's head (also its handler) and answers "run" with the time of one GET /units/ (the test
client, in-process: the view, its queries and the template). `--warmup` runs each, then `--repeat` interleaved rounds
(at least 5), small then large or large then small by turns. It prints the median of each, the
ratio of the medians (with the range of the per-round ratios), and each query of one run with its time.
"""

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from statistics import median

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import bench_dashboard  # noqa: E402
from bench_dashboard import ask, child_env  # noqa: E402

ROOT = BENCH.parent
DISTRICT, UNIT, USERNAME = "bench00", "单位00", "bench_inbox_head"
PATH = "/units/"
# name: (database, items, None: no other benchmark's database to copy, as `bench_dashboard.ensure_databases` takes it)
DATABASES = {
    "50 items": ("jianyi_bench_inbox_small", 800, None),
    "1M items": ("jianyi_bench_inbox_1m", 1_000_000, None),
}
MARKER = "bench inbox work"
LIVE = 32

HISTORY = """
INSERT INTO workflow_obligation (item_id, assignment_id, kind, round, owner, unit_id, starts_on, rule, due_on,
    provisional, fulfilled_at, on_time, cancelled_at, next_remind_at, calendar_version, created_at)
SELECT a.item_id, a.id, k.kind, 1, 'unit', a.unit_id, a.assigned_at::date, jsonb_build_object('note', %(marker)s::text),
    a.assigned_at::date + k.days, false, a.assigned_at + make_interval(days => k.days - 1), true, NULL, NULL, 0, now()
FROM workflow_assignment a JOIN districts_handlingunit u ON u.id = a.unit_id
JOIN districts_district d ON d.id = u.district_id AND d.code = %(district)s
CROSS JOIN (VALUES ('acceptance', 7), ('consultation', 21), ('reply', 90)) k(kind, days)
WHERE a.role = 'lead';

UPDATE proposals_item SET state = 'closed', closed_at = now()
WHERE state = 'following_up' AND id IN (
    SELECT a.item_id FROM workflow_assignment a JOIN districts_handlingunit u ON u.id = a.unit_id
    JOIN districts_district d ON d.id = u.district_id WHERE d.code = %(district)s AND u.name = %(unit)s);
"""


# --- In a child process, one per database ---------------------------------------------------------


def _setup():
    import bench_annual_report  # sets Django up for DATABASE_URL

    return bench_annual_report


def _live_work(district, unit, head):
    """The unit's open work through the services, as the office, the handler and the head would do it."""
    from django.utils import timezone

    from districts.models import Membership, Proposer, Role, User
    from workflow.models import BodySetting
    from workflow.services import assignment, consultation, intake, replies

    office, _ = User.objects.get_or_create(username="bench_inbox_office")
    Membership.objects.get_or_create(user=office, role=Role.OFFICE, district=district)
    proposer = Proposer.objects.filter(district=district).first()
    solved = BodySetting.objects.get(district=district, body="cppcc").scheme.categories.order_by("sort_order")[0]
    for i in range(LIVE):
        now = timezone.now() - dt.timedelta(days=2 * i)
        item = intake.receive_item(
            actor=office, now=now, district=district, year=2026, body="cppcc", kind="proposal",
            number=f"inbox{i:03d}", title=f"基准收件 {i}", lead_proposer=proposer,
        )  # fmt: skip
        intake.register_item(actor=office, now=now, item=item)
        lead = assignment.assign_units(actor=office, now=now, item=item, lead_units=[unit])[0]
        if i % 4 == 0:
            continue
        assignment.accept_assignment(actor=head, now=now, assignment=lead)
        if i % 4 == 1:
            continue
        consultation.record_consultation(
            actor=head, now=now, assignment=lead, method="meeting", held_on=now.date(), participants="委员"
        )
        draft = replies.draft_reply(
            actor=head, now=now, assignment=lead, text="答复", category=solved, signer="主任"
        )  # fmt: skip
        replies.submit_reply(actor=head, now=now, reply=draft)
        if i % 4 == 2:
            replies.send_back_reply(actor=head, now=now, reply=draft, reason="答复类型不当")


def prepare(n_items):
    """Build (or reuse) the items, add the unit's history and open work once, VACUUM ANALYZE; print the sizes."""
    bench_annual_report = _setup()
    from django.db import connection, transaction

    from districts.models import District, HandlingUnit, Membership, Role, User
    from workflow.models import Assignment, Obligation

    bench_annual_report.build(n_items)
    district = District.objects.get(code=DISTRICT)
    unit = HandlingUnit.objects.get(district=district, name=UNIT)
    head, _ = User.objects.get_or_create(username=USERNAME)
    for role in (Role.UNIT_HEAD, Role.HANDLER):
        Membership.objects.get_or_create(user=head, role=role, district=district, unit=unit)
    if not Obligation.objects.filter(rule__note=MARKER).exists():
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute(HISTORY, {"marker": MARKER, "district": DISTRICT, "unit": UNIT})
            _live_work(district, unit, User.objects.get(pk=head.pk))
        bench_annual_report.vacuum()
    print(
        json.dumps(
            {
                "items": bench_annual_report.Item.objects.count(),
                "assignments": Assignment.objects.filter(unit=unit).count(),
                "obligations": Obligation.objects.filter(unit=unit).count(),
                "open": Obligation.objects.open().filter(unit=unit).count(),
            }
        )
    )


def serve():
    """Answer each "run" line with one GET of the inbox: the dashboard benchmark's server, for this page and user."""
    bench_dashboard.PATH, bench_dashboard.USERNAME = PATH, USERNAME
    bench_dashboard.serve()


# --- In the parent ----------------------------------------------------------------------------------


def _child(database, *args, **kwargs):
    return subprocess.Popen(  # noqa: S603 - our own interpreter and this script, fixed arguments
        [sys.executable, __file__, *args], env=child_env(database), text=True, cwd=ROOT, **kwargs
    )


def timed_rounds(children, repeat):
    """{name: [ms]}: `repeat` rounds asking each child once, forwards then backwards by turns (noise on both alike)."""
    names = list(children)
    times = {name: [] for name in names}
    for round_ in range(repeat):
        for name in names if round_ % 2 == 0 else names[::-1]:
            times[name].append(ask(children[name])["ms"])
    return times


def report(children, times, repeat):
    small, large = times.values()
    ratios = sorted(b / a for a, b in zip(small, large, strict=True))
    print(f"GET {PATH}, medians of {repeat} interleaved rounds")
    explained = {name: ask(child, "explain") for name, child in children.items()}
    for name, answer in explained.items():
        print(f"  {name:10} {median(times[name]):7.1f} ms  {answer['queries']} queries")
    print(f"  ratio {median(large) / median(small):.2f}×  (per round {ratios[0]:.2f}–{ratios[-1]:.2f}×)")
    for name, answer in explained.items():
        print(f"each query at {name} (one run):")
        print("\n".join(f"  {ms:6.1f} ms  {sql}" for ms, sql in answer["each"]))


OPTIONS = {
    "--repeat": {"type": int, "default": 9, "help": "interleaved rounds (at least 5)"},
    "--warmup": {"type": int, "default": 3},
    "--rebuild": {"action": "store_true", "help": "drop the two databases and build them again"},
    "--prepare": {"type": int, "help": argparse.SUPPRESS},  # the children's
    "--serve": {"action": "store_true", "help": argparse.SUPPRESS},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag, options in OPTIONS.items():
        parser.add_argument(flag, **options)
    args = parser.parse_args()
    if args.prepare or args.serve:  # in a child process
        return prepare(args.prepare) if args.prepare else serve()
    if args.repeat < 5:
        parser.error("--repeat: the figures are medians of at least 5 interleaved rounds")
    bench_dashboard.DATABASES = DATABASES  # its `ensure_databases`: no database to copy from, so empty ones
    bench_dashboard.ensure_databases(args.rebuild)
    for name, (database, n_items, _none) in DATABASES.items():
        out, _ = _child(database, "--prepare", str(n_items), stdout=subprocess.PIPE).communicate()
        facts = json.loads(out.strip().splitlines()[-1])
        print(
            f"{name}: {facts['items']:,} items; {UNIT} of {DISTRICT}: {facts['assignments']:,} assignments, "
            f"{facts['obligations']:,} obligations, {facts['open']} open",
            flush=True,
        )
    children = {
        name: _child(db, "--serve", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for name, (db, *_) in DATABASES.items()
    }
    try:
        for child in children.values():
            for _ in range(args.warmup):
                ask(child)
        report(children, timed_rounds(children, args.repeat), args.repeat)
    finally:
        for child in children.values():
            child.stdin.close()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
