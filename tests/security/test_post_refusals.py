"""The access matrix's POST cells: every browser act refuses a role or scope that may not act, and changes nothing.

For each act URL of the table (`matrix_table.TABLE`), each role, and each scope of the matrix's
world, where the role may not act: one POST as the page's form sends it (a valid CSRF token and a
fresh one-time token, the form's fields empty), which must be refused as the rule says (403 for a
role that may not do it on an object it sees, 404 outside its scope, `login` for the anonymous)
and leave every table of the product as it was (its row counts, one query before and after:
every act writes an event or a history row, and a refused act keeps no one-time token).

An act with its own page (GET shows the form) refuses a POST as it refuses the GET: the expected
answer is the table's GET answer. An act that takes only POST (GET is 405) has its answers here
(`POST_ONLY`), `-` where the role may act. The world is the matrix's, built once for the module.
"""

import uuid

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from .matrix_cells import client_for, outcome, url_of
from .matrix_patterns import site_patterns
from .matrix_table import COLUMNS, TABLE
from .matrix_world import ROLES, SCOPES

pytestmark = [pytest.mark.django_db, pytest.mark.services]

OWN, _ADMIN = site_patterns()
REFUSED = ("403", "404", "login")

# Browser patterns whose POST is no act of the product: the login's and the language's own forms (Django's views).
NOT_ACTS = {"login", "logout", "set_language"}


def _by_role(text):
    return dict(zip(COLUMNS, (cell.strip() for cell in text.split("|")), strict=True))


# The acts that take only POST: per role, the answer per scope (own same other), "-" where the role may act.
# fmt: off
POST_ONLY = {
    "approvals:approve": _by_role(
        "login login login | 403 403 404 | 403 404 404 | - 404 404 | 403 403 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "approvals:head_send_back": _by_role(
        "login login login | 403 403 404 | 403 404 404 | - 404 404 | 403 403 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "approvals:leader_send_back": _by_role(
        "login login login | 403 403 404 | 403 404 404 | 403 404 404 | - - 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "approvals:sign_off": _by_role(
        "login login login | 403 403 404 | 403 404 404 | 403 404 404 | - - 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "casefiles:bundle_new": _by_role(
        "login | - | 403 | 403 | - | 403 | "
        "- | 403 | 403 | 403"),
    "decisions:reply_send": _by_role(
        "login login login | - - 404 | 403 404 404 | 403 404 404 | 403 403 404 | 404 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "decisions:reply_send_back": _by_role(
        "login login login | - - 404 | 403 404 404 | 403 404 404 | 403 403 404 | 404 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "disclosure:resend": _by_role(
        "login login login | - - 404 | 404 404 404 | 404 404 404 | 403 403 404 | 403 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "handling:city_approve": _by_role(
        "login login login | 403 403 404 | 403 404 404 | - 404 404 | 403 403 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "handling:city_record_sent": _by_role(
        "login login login | 403 403 404 | - 404 404 | - 404 404 | 403 403 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "handling:city_send_back": _by_role(
        "login login login | 403 403 404 | - 404 404 | - 404 404 | 403 403 404 | 404 403 404 | "
        "403 403 403 | 404 404 404 | 404 404 404 | 404 404 404"),
    "imports:import_confirm": _by_role(
        "login | - | 403 | 403 | 403 | 403 | "
        "- | 403 | 403 | 403"),
    "intake:merge": _by_role(
        "login login login | - - 404 | 404 404 404 | 404 404 404 | 403 403 404 | 403 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "intake:record": _by_role(
        "login | - | 403 | 403 | 403 | 403 | "
        "- | 403 | 403 | 403"),
    "intake:register": _by_role(
        "login login login | - - 404 | 404 404 404 | 404 404 404 | 403 403 404 | 403 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "intake:reject": _by_role(
        "login login login | - - 404 | 404 404 404 | 404 404 404 | 403 403 404 | 403 403 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "items:assign_ticked": _by_role(
        "login | - | 403 | 403 | 403 | 403 | "
        "- | 403 | 403 | 403"),
    "items:message": _by_role(
        "login login login | - - 404 | - 404 404 | - 404 404 | - - 404 | - 404 404 | "
        "- - - | 404 404 404 | 404 404 404 | 404 404 404"),
    "notifications:read": _by_role(
        "login | - | - | - | - | - | "
        "- | - | - | -"),
    "office_submissions:confirm_for": _by_role(
        "login login login | 404 404 404 | 403 403 403 | 403 403 403 | 403 403 403 | 403 403 403 | "
        "404 404 404 | 403 403 403 | 403 403 403 | 403 403 403"),
    "office_submissions:register": _by_role(
        "login login login | 404 404 404 | 403 403 403 | 403 403 403 | 403 403 403 | 403 403 403 | "
        "404 404 404 | 403 403 403 | 403 403 403 | 403 403 403"),
    "outreach:answer": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "outreach:dismiss": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "outreach:hide": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "outreach:issue": _by_role(
        "login login login | 403 403 403 | 403 403 403 | 403 403 403 | 403 403 403 | - 404 404 | "
        "403 403 403 | 403 403 403 | 403 403 403 | 403 403 403"),
    "outreach:members": _by_role(
        "login login login | - - 404 | 403 403 403 | 403 403 403 | 403 403 403 | 403 403 403 | "
        "- - - | 403 403 403 | 403 403 403 | 403 403 403"),
    "outreach:revoke": _by_role(
        "login login login | 403 403 403 | 403 403 403 | 403 403 403 | 403 403 403 | - 404 404 | "
        "403 403 403 | 403 403 403 | 403 403 403 | 403 403 403"),
    "outreach:suggest": _by_role(
        "login | 403 | 403 | 403 | 403 | - | "
        "403 | 403 | 403 | 403"),
    "people:deactivate": _by_role(
        "login login login | - 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | "
        "- 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "people:move": _by_role(
        "login login login | - 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | "
        "- 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "people:reactivate": _by_role(
        "login login login | - 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | "
        "- 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "people:reset_password": _by_role(
        "login login login | - 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | "
        "- 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:add_file": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:confirm": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:create": _by_role(
        "login | 403 | 403 | 403 | 403 | - | "
        "403 | 403 | 403 | 403"),
    "submissions:decline": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:edit": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:hand_in": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:invite": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
    "submissions:withdraw": _by_role(
        "login login login | 404 404 404 | 404 404 404 | 404 404 404 | 404 404 404 | - 404 404 | "
        "404 404 404 | 404 404 404 | 404 404 404 | 404 404 404"),
}
# fmt: on

# Tables whose rows an act may write though it is refused: the refusal's own audit row, the session, the lockout.
NOT_COUNTED = {"audit", "sessions", "axes", "admin"}


def _counted_tables():
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in NOT_COUNTED and not model._meta.proxy and model._meta.managed:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def row_counts(tables):
    """Every table's row count, in one query."""
    quoted = connection.ops.quote_name  # the names are the models' own tables, quoted
    sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {quoted(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def browser_acts():
    """The table's browser patterns that take a POST (not the API's, the portal's pages or Django's own)."""
    for key, row in TABLE.items():
        route = OWN.get(key)
        if route is None or route.startswith("api/") or row.public or key in NOT_ACTS:
            continue
        yield key


def expected_post(key, role):
    """The refusals a POST must get, per scope; "-" where the role may act or the act is no POST at all."""
    row = TABLE[key]
    if key in POST_ONLY:
        return POST_ONLY[key][role].split()
    return [answer if answer in REFUSED else "-" for answer in row.get[role].split()]


def csrf_client(world, role, route):
    """A client that checks CSRF as a browser meets it: the cookie and the form's token."""
    plain, _headers = client_for(world, role, route)
    client = Client(enforce_csrf_checks=True)
    client.cookies.update(plain.cookies)
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return client, {"csrfmiddlewaretoken": secret}


@pytest.mark.parametrize("key", sorted(browser_acts()))
def test_a_refused_post_is_refused_and_changes_nothing(world, key):
    route, row = OWN[key], TABLE[key]
    tables = _counted_tables()
    found, answers = [], set()
    for role in ROLES:
        expected = expected_post(key, role)
        if all(answer == "-" for answer in expected):
            continue
        client, form = csrf_client(world, role, route)
        for i, scope in enumerate(SCOPES if row.args else ("own",)):
            if expected[i] == "-":
                continue
            kwargs = row.args(world, scope, role) if row.args else {}
            before = row_counts(tables)
            got = outcome(client.post(url_of(key, route, kwargs), {**form, "submit_token": str(uuid.uuid4())}))
            changed = {t: (n, after) for t, after in row_counts(tables).items() if (n := before[t]) != after}
            answers.add(got)
            if got != expected[i]:
                found.append(f"POST {role}/{scope}: expected {expected[i]}, got {got}")
            if changed:
                found.append(f"POST {role}/{scope} changed rows (before, after): {changed}")
    if "405" in answers and answers <= {"405", "login"} and key not in POST_ONLY:
        return  # a page that takes no POST at all (require_GET): nothing to act on
    assert not found, f"{key} ({'/' + route}):\n  " + "\n  ".join(found)


def test_the_post_only_acts_are_exactly_the_rows_whose_get_is_405():
    """An act that takes only POST answers a GET with 405 for every role, before it reads or does anything
    (the city opinion's acts once approved on a GET); a new one must be given its refusals here."""
    logged_in = [role for role in ROLES if role != "anonymous"]
    get_405 = {key for key in browser_acts() if all(set(TABLE[key].get[r].split()) == {"405"} for r in logged_in)}
    assert sorted(set(POST_ONLY) - get_405) == [], "POST-only acts whose GET is not 405 for every role"
    assert sorted(get_405 - set(POST_ONLY)) == [], "acts that take only POST without their refusals in POST_ONLY"


@pytest.mark.parametrize("key", sorted(POST_ONLY))
def test_a_get_on_a_post_only_act_is_405_and_does_nothing(world, key):
    route, row = OWN[key], TABLE[key]
    tables = _counted_tables()
    for role in ("office", "head", "leader", "proposer"):
        client, _headers = client_for(world, role, route)
        kwargs = row.args(world, "own", role) if row.args else {}
        before = row_counts(tables)
        assert client.get(url_of(key, route, kwargs)).status_code == 405, role
        assert row_counts(tables) == before, role
