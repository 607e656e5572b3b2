"""The office's item list (/items/) under load on gunicorn: 50 items against 1,000,000 (PostgreSQL).

    .venv/bin/python bench/bench_list_load.py [--rebuild] [--requests 200] [--warmup 20]

Two databases of the yearly report benchmark's shape (bench_annual_report.build: imported
proposals over 16 districts × 5 years), built once with set-based SQL, given open work in the
measured district (bench_item_list.add_open_work: items handled again with replies owed, a third
overdue, replies at each approval step, returned and pending assignments, follow-ups owed),
VACUUM ANALYZEd and kept for the next run (`--rebuild` drops and builds them again; the item
list benchmark uses the same two):

    jianyi_bench_load_small   800 items: 50 in the measured district (bench00)
    jianyi_bench_load_1m      1,000,000 items: 62,500 in bench00

In each, an office clerk of bench00 (Role.OFFICE membership) gets a session created directly
in the database (what `login` would store: user id, the first non-axes backend of
AUTHENTICATION_BACKENDS, the session hash). Then one gunicorn per database (3 sync workers,
DEBUG=0, bound to 127.0.0.1 on a free port; static files collected once into bench/out/) is
started; both run at once. `--clients` threads (4) send GET /items/ (the first page) with the
session cookie: `--warmup` requests per server, not counted, then `--requests` per server in
alternating batches of `--batch` (small, large, small, …) so that noise on a shared machine
weighs on both alike. Each request opens its own connection (gunicorn's sync workers close
it after the response). It prints p50/p95/p99 of the latency and requests/s (requests over the
wall time of that server's batches) side by side, and the ratio of the p50s. Any answer other
than 200 makes it exit with status 1. All traffic stays on the loopback; the servers are
stopped (their process groups killed) at the end, also on error, Ctrl-C or SIGTERM, and the whole
measurement is bounded by `--max-seconds`.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import quantiles

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PG = "postgres://postgres@127.0.0.1:5432/"
SECRET_KEY = "bench-load-only-secret-key-not-for-any-deployment-0123456789"  # noqa: S105 - bench only
DISTRICT = "bench00"
USERNAME = "bench_load_office"
DATABASES = {"50 items": ("jianyi_bench_load_small", 800), "1M items": ("jianyi_bench_load_1m", 1_000_000)}
PATH = "/items/"


def server_env(database):
    """The environment of the data builder and of gunicorn: the same SECRET_KEY signs and checks the session."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=PG + database,
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(OUT / "load_static"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


# --- In a child process, one per database (Django is set up for that database) -------------------


def prepare(n_items):
    """Build (or reuse) the data set, make the office clerk and a session; print them as JSON."""
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(ROOT))
    import bench_annual_report  # sets Django up for DATABASE_URL
    import bench_item_list  # Django is already set up for this database
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from districts.models import District, Membership, Role, User
    from proposals.models import Item

    bench_item_list.defaults_for_raw_inserts()
    bench_annual_report.build(n_items)
    if bench_item_list.add_open_work(DISTRICT) | bench_item_list.store_facts(DISTRICT):
        bench_annual_report.vacuum()
    district = District.objects.get(code=DISTRICT)
    user, _ = User.objects.get_or_create(username=USERNAME)
    Membership.objects.get_or_create(user=user, role=Role.OFFICE, district=district)
    user.last_login = timezone.now()  # as a login would: no session write for the idle clock in the first minute
    user.save(update_fields=["last_login"])
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes."))
    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(
        json.dumps(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
                "items": Item.objects.count(),
                "district_items": Item.objects.filter(district=district).count(),
            }
        )
    )


# --- In the parent: databases, servers, clients ---------------------------------------------------


def ensure_database(cursor, database, *, rebuild, template=None) -> str:
    """Make `database` unless it exists (dropped first with `rebuild`): a copy of `template` when that
    exists and nobody uses it, else empty, to be built. Says which: "kept", "copied" or "created"."""
    import psycopg2.errors

    if rebuild:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
    if cursor.fetchone():
        return "kept"
    if template is not None:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone():
            try:
                cursor.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
                return "copied"
            except psycopg2.errors.ObjectInUse:  # someone is using it: build ours
                pass
    cursor.execute(f'CREATE DATABASE "{database}"')
    return "created"


def ensure_databases(rebuild):
    import psycopg2

    conn = psycopg2.connect(PG + "postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            for database, _ in DATABASES.values():
                ensure_database(c, database, rebuild=rebuild)
    finally:
        conn.close()


def run_prepare(database, n_items, deadline):
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own interpreter and this script, fixed arguments
        [sys.executable, __file__, "--prepare", str(n_items)],
        env=server_env(database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=max(1, deadline - time.monotonic()),
    )
    if result.returncode:
        sys.exit(f"building {database} failed:\n{result.stdout}{result.stderr}")
    for line in result.stdout.splitlines()[:-1]:
        print(f"  {database}: {line}")
    info = json.loads(result.stdout.splitlines()[-1])
    print(
        f"  {database}: {info['items']:,} items, {info['district_items']:,} in {DISTRICT} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return info


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database, workers, name):
    port = free_port()
    log = open(OUT / f"load_gunicorn_{name}.log", "w")  # noqa: SIM115 — closed in stop_server
    process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
        ],
        env=server_env(database),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop_server kills master and workers together
    )
    process.port, process.log = port, log
    return process


def stop_server(process):
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    process.log.close()


def get(port, cookie, timeout=60):
    """One GET of the list on a fresh connection: (status, seconds, body)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", PATH, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, time.perf_counter() - started, body


def wait_ready(process, cookie, deadline):
    """Until the server answers the list with 200 (a logged-in page listing bench items)."""
    until = min(deadline, time.monotonic() + 60)
    while time.monotonic() < until:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}; see {process.log.name}")
        try:
            status, _, body = get(process.port, cookie, timeout=30)
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200 or b"bench " not in body:
            sys.exit(f"the list answered {status} (or without bench items) on port {process.port}")
        return
    sys.exit(f"gunicorn on port {process.port} did not answer in time; see {process.log.name}")


def batch(pool, port, cookie, n):
    """`n` requests by the pool's clients; (statuses, latencies, wall seconds)."""
    started = time.perf_counter()
    results = list(pool.map(lambda _: get(port, cookie), range(n)))
    return [r[0] for r in results], [r[1] for r in results], time.perf_counter() - started


def measure(servers, cookies, args, deadline):
    names = list(servers)
    latencies = {name: [] for name in names}
    wall = dict.fromkeys(names, 0.0)
    bad = []
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        for name in names:  # warm-up: workers' connections, caches, plans
            statuses, _, _ = batch(pool, servers[name].port, cookies[name], args.warmup)
            bad += [(name, s) for s in statuses if s != 200]
        done = dict.fromkeys(names, 0)
        while any(done[n] < args.requests for n in names) and not bad:
            for name in names:
                if time.monotonic() > deadline:
                    sys.exit(f"--max-seconds reached after {done} requests")
                n = min(args.batch, args.requests - done[name])
                if n <= 0:
                    continue
                statuses, times, seconds = batch(pool, servers[name].port, cookies[name], n)
                bad += [(name, s) for s in statuses if s != 200]
                latencies[name] += times
                wall[name] += seconds
                done[name] += n
    return latencies, wall, bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and build both databases again")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per server")
    parser.add_argument("--warmup", type=int, default=20, help="requests per server before measuring")
    parser.add_argument("--batch", type=int, default=20, help="requests per batch (servers alternate)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers per server")
    parser.add_argument("--max-seconds", type=int, default=600, help="bound on the whole run, building included")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        return prepare(args.prepare)
    if not 1 <= args.requests <= 5000 or not 0 <= args.warmup <= 500 or args.batch < 1 or args.clients < 1:
        parser.error("bounded runs only: 1-5000 requests and 0-500 warm-up requests per server")
    deadline = time.monotonic() + args.max_seconds
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # through the finally that stops the servers
    OUT.mkdir(exist_ok=True)

    ensure_databases(args.rebuild)
    print("data:")
    infos = {name: run_prepare(database, n, deadline) for name, (database, n) in DATABASES.items()}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=server_env(DATABASES["50 items"][0]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if collected.returncode:
        sys.exit(f"collectstatic failed:\n{collected.stderr}")

    servers = {}
    try:
        for name, (database, _) in DATABASES.items():
            servers[name] = start_server(database, args.workers, database.removeprefix("jianyi_bench_load_"))
        cookies = {name: info["cookie"] for name, info in infos.items()}
        for name, process in servers.items():
            wait_ready(process, cookies[name], deadline)
        latencies, wall, bad = measure(servers, cookies, args, deadline)
    finally:
        for process in servers.values():
            stop_server(process)

    if bad:
        print(f"non-200 answers: {bad[:10]}{' …' if len(bad) > 10 else ''}")
        return 1
    stats = {}
    for name in DATABASES:
        cut = quantiles(latencies[name], n=100, method="inclusive")
        stats[name] = (cut[49] * 1000, cut[94] * 1000, cut[98] * 1000, len(latencies[name]) / wall[name])
    print(
        f"GET {PATH} (first page) as the office of {DISTRICT}: gunicorn {args.workers} sync workers per server, "
        f"{args.clients} clients, {args.requests} requests per server after {args.warmup} warm-up, "
        f"alternating batches of {args.batch}"
    )
    header = {name: f"{name} ({infos[name]['district_items']:,} in district)" for name in DATABASES}
    print(f"{'':8}" + "".join(f"{header[name]:>34}" for name in DATABASES))
    for i, label in enumerate(("p50", "p95", "p99")):
        print(f"{label:8}" + "".join(f"{stats[name][i]:31.0f} ms" for name in DATABASES))
    print(f"{'req/s':8}" + "".join(f"{stats[name][3]:34.1f}" for name in DATABASES))
    small, large = (stats[name][0] for name in DATABASES)
    print(f"p50 ratio 1M / 50: {large / small:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
