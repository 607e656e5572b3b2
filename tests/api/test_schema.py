"""The OpenAPI schema is valid and documents every endpoint's errors; its docs need nothing from outside."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# The read endpoints and tokens of this package, with the error statuses each documents.
DOCUMENTED = {
    ("/api/v1/auth/token/", "post"): {"201", "400", "403", "429"},
    ("/api/v1/auth/tokens/", "get"): {"200", "401"},
    ("/api/v1/auth/tokens/{token_id}/", "delete"): {"204", "401", "404"},
    ("/api/v1/items/", "get"): {"200", "400", "401", "404"},
    ("/api/v1/items/{id}/", "get"): {"200", "401", "404"},
    **{(f"/api/v1/{name}/", "get"): {"200", "400", "401", "404"} for name in
       ("districts", "units", "sessions", "categories", "proposers", "notifications")},
}  # fmt: skip


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_each_endpoint_documents_its_errors_in_the_one_shape(schema):
    for (path, method), statuses in DOCUMENTED.items():
        responses = schema["paths"][path][method]["responses"]
        assert set(responses) == statuses, (path, method)
        for status in statuses - {"200", "201", "204"}:
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ApiError"}, (path, status)
    error = schema["components"]["schemas"]["ApiError"]
    assert set(error["required"]) == {"code", "detail", "field"}


def test_lists_document_their_filters_and_pages(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/items/"]["get"]["parameters"]}
    assert {"year", "body", "kind", "stage", "session", "category", "unit", "mine", "overdue", "key"} <= parameters
    assert {"search", "ordering", "page", "page_size"} <= parameters
    page = schema["components"]["schemas"]["PaginatedItemListList"]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


def test_tokens_and_sessions_are_the_documented_ways_in(schema):
    assert set(schema["components"]["securitySchemes"]) == {"knoxApiToken", "cookieAuth"}
    assert "security" not in schema  # none required unless an operation says so
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]  # the login needs no token
    assert schema["paths"]["/api/v1/items/"]["get"]["security"] == [{"knoxApiToken": []}, {"cookieAuth": []}]


def test_the_docs_page_loads_every_asset_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "https://" not in html and "http://" not in html
    assert "<script>" not in html  # its start-up script is a file of its own
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
