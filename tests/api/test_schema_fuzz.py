"""Schemathesis fuzzes every operation of the OpenAPI schema, as an office user and as a unit user.

Bounded (`EXAMPLES` cases per operation and user, no shrinking) so CI stays within a couple of
minutes. Each response must not be a server error and must match the schema: a documented status,
content type and body. Every operation the schema lists is exercised, acts of `api.acts` too: the
test counts them and checks the count against the schema's own.
"""

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import NOW
from workflow.models import OutcomeCategory
from workflow.services import extensions, replies

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # per operation and user, with any ids
ON_DATA = 3  # per operation and user, on the objects of `some_data`
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
METHODS = {"get", "put", "post", "patch", "delete"}
# Operations of endpoints outside this work that fail a check, each reported to its owner.
@pytest.fixture
def wsgi_app(settings):
    """The site as a WSGI app in this thread, over the test's transaction (as Django's test client keeps it)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@pytest.fixture
def some_data(accepted, handler):
    """An item accepted by its lead and co-unit, a reply draft and an extension request of the lead's.

    Their ids by the first segment of the paths that take them.
    """
    lead, _co = accepted
    outcome = OutcomeCategory.objects.filter(scheme__code="cppcc").order_by("sort_order").first()
    draft = replies.draft_reply(actor=handler, now=NOW, assignment=lead, text="草稿", category=outcome, signer="主任")
    until = NOW.date() + dt.timedelta(days=120)
    extension = extensions.request_extension(actor=handler, now=NOW, assignment=lead, until=until, reason="调研")
    return {"items": lead.item_id, "assignments": lead.pk, "replies": draft.pk, "extensions": extension.pk}


def _first_line(failure):
    return f"{type(failure).__name__}: {' '.join(str(failure).split())[:400]}"


def _fuzz(operation, token, examples, **fixed):
    """Run `examples` generated cases against `operation` (`fixed`: parameters to keep); the failures' messages."""
    failures = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(**fixed))
    def run(case):
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        except FailureGroup as group:  # collected, so that one run tells every operation's failures
            failures.extend(f"{operation.label}: {_first_line(failure)}" for failure in group.exceptions)
        except AssertionError as failure:
            failures.append(f"{operation.label}: {_first_line(failure)}")

    run()
    return failures


def _on_data(operation, ids):
    """The path parameters that aim `operation` at an object of `some_data`, if it takes one."""
    resource = operation.path.removeprefix("/api/v1/").split("/")[0]
    return {"id": ids[resource]} if "{id}" in operation.path and resource in ids else None


def test_no_operation_fails_for_an_office_or_a_unit_user(schema, some_data, office, handler):
    declared = sum(1 for methods in schema.raw_schema["paths"].values() for method in methods if method in METHODS)
    exercised, failures = set(), []
    for user in (office, handler):
        _token, secret = AuthToken.objects.create(user)
        for result in schema.get_all_operations():
            operation = result.ok()
            failures += _fuzz(operation, secret, EXAMPLES)
            if ids := _on_data(operation, some_data):
                failures += _fuzz(operation, secret, ON_DATA, path_parameters=ids)
            exercised.add(operation.label)
    print(f"schemathesis: {len(exercised)} operations exercised of {declared} in the schema")
    assert not failures, "\n".join(sorted(set(failures)))
    assert len(exercised) == declared
