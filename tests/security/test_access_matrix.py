"""The access matrix: every URL pattern × every role × three scopes, asked of one world, against the table.

The table (`matrix_table.TABLE`) says what each role gets on each pattern for an object of its own
scope, of another unit or proposer of the same district, and of another district; Django's admin
site is one rule (`ADMIN_RULE`). A pattern the table does not list fails `test_every_pattern_is_listed`,
so a new view cannot ship without its row. Every answer to a logged-in user outside the public
portal must say `Cache-Control: no-store` (a shared computer's back button shows nothing private).
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from .matrix_cells import API_PREFIX, ask, client_for, outcome
from .matrix_patterns import site_patterns, unlisted
from .matrix_table import ADMIN_RULE, TABLE
from .matrix_world import ADMIN_ROLES, ROLES, SCOPES

pytestmark = [pytest.mark.django_db, pytest.mark.services]

OWN, ADMIN = site_patterns()


def cells(row):
    return len(ROLES) * (len(SCOPES) if row.args else 1) * (2 if row.post else 1)


def test_every_pattern_is_listed():
    missing, gone = unlisted(TABLE)
    assert missing == [], f"URL patterns the access matrix does not list: {missing}"
    assert gone == [], f"the access matrix lists patterns that no longer exist: {gone}"
    count = sum(cells(row) for row in TABLE.values()) + len(ADMIN) * len(ROLES)
    patterns = len(OWN) + len(ADMIN)
    print(
        f"\naccess matrix: {patterns} URL patterns × {len(ROLES)} roles × {len(SCOPES)} scopes = {count} cells "
        f"(a pattern naming no object asked once per role), {100 * (len(TABLE) + len(ADMIN)) // patterns} % of patterns"
    )


@override_settings(ROOT_URLCONF="tests.security.matrix_unlisted_urls")
def test_the_meta_check_names_an_unlisted_view_and_a_gone_row():
    missing, gone = unlisted({**TABLE, "gone:row": None})
    assert missing == ["unlisted-view"]
    assert gone == ["gone:row"]


def _mismatches(world, key, route, row):
    found = []
    for role in ROLES:
        client = client_for(world, role, route)
        expected_get = row.get[role].split()
        expected_post = row.post[role].split() if row.post else []
        for i, scope in enumerate(SCOPES if row.args else ("own",)):
            kwargs = row.args(world, scope, role) if row.args else {}
            response = ask(world, key, route, kwargs, role, client=client)
            got = outcome(response)
            if got != expected_get[i]:
                found.append(f"GET {role}/{scope}: expected {expected_get[i]}, got {got}")
            private = role != "anonymous" and not row.public
            if private and "no-store" not in response.get("Cache-Control", ""):
                found.append(f"GET {role}/{scope}: no Cache-Control: no-store ({response.get('Cache-Control')!r})")
            if expected_post and expected_post[i] != "-":  # "-": the role may act here; only refusals are asked
                got = outcome(ask(world, key, route, kwargs, role, method="post"))
                if got != expected_post[i]:
                    found.append(f"POST {role}/{scope}: expected {expected_post[i]}, got {got}")
    return found


@pytest.mark.parametrize("key", sorted(TABLE))
def test_access(world, key):
    route = OWN[key]
    found = _mismatches(world, key, route, TABLE[key])
    assert not found, f"{key} ({'/' + route}):\n  " + "\n  ".join(found)


MISSING_ADMIN_OBJECT = "999999999"  # no world holds it, whatever tests ran before in the database


def test_the_admin_site_admits_no_role_of_the_product(world):
    """Django's admin is for staff accounts: every product role is sent to the admin's login, whatever it asks."""
    found = []
    for role in ROLES:
        client = client_for(world, role, "admin/")
        for route in ADMIN:
            path = "/" + route.replace("<path:content_type_id>", "1").replace("<path:object_id>", MISSING_ADMIN_OBJECT)
            expected = ADMIN_RULE.get((role, route), ADMIN_RULE.get(route, "login"))
            got = outcome(client[0].get(path))
            if got != expected:
                found.append(f"{role} {path}: expected {expected}, got {got}")
    assert not found, "\n".join(found)


def test_api_patterns_are_asked_with_a_token(world):
    """The API's cells carry the role's token, not a session: the matrix checks what a script would get."""
    client, headers = client_for(world, "office", API_PREFIX + "items/")
    assert headers["HTTP_AUTHORIZATION"].startswith("Token ")
    assert client.get("/api/v1/items/", **headers).status_code == 200
    assert client.get("/api/v1/items/").status_code == 401


def test_the_administrators_item_lists_are_empty(world):
    """Separated duties: the item list answers an administrator (200 in the table) but lists nothing, in the
    browser and over the API; the city admin's, asked the same way, lists items."""
    for role in (*ADMIN_ROLES, "city_admin"):
        client, _ = client_for(world, role, "items/")
        rows = client.get(reverse("items:list")).context["rows"]
        client, headers = client_for(world, role, API_PREFIX + "items/")
        count = client.get("/api/v1/items/", **headers).json()["count"]
        if role == "city_admin":
            assert rows and count, "the city admin reads every district's items"
        else:
            assert (len(rows), count) == (0, 0), f"{role} reads items"
