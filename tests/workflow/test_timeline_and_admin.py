import re
from pathlib import Path

import pytest
from django.utils import translation

from workflow import timeline
from workflow.models import Event
from workflow.services import assignment as assign

from .conftest import NOW

SERVICES = Path(timeline.__file__).parent / "services"


def test_every_action_code_the_services_write_has_words():
    codes = set()
    for path in SERVICES.glob("*.py"):
        codes |= set(re.findall(r'action="([a-z_.]+)"', path.read_text()))
        for pair in re.findall(r'"([a-z_]+\.[a-z_]+)" if [^"]+ else "([a-z_]+\.[a-z_]+)"', path.read_text()):
            codes |= set(pair)
    assert codes - set(timeline.ACTIONS) == set()


def test_the_text_is_made_when_shown(lead, handler):
    assign.return_assignment(actor=handler, now=NOW, assignment=lead, reason="不属于本单位职责")
    event = Event.objects.select_related("assignment__unit").get(action="assignment.returned")
    assert "text" not in event.data
    with translation.override("en"):
        assert timeline.describe(event) == "经委 returned the assignment: 不属于本单位职责"
    with translation.override("zh-hans"):
        assert timeline.describe(event) != "经委 returned the assignment: 不属于本单位职责"  # the same row, in Chinese


def test_an_unknown_code_shows_itself(received):
    event = Event(item=received, action="import.row", at=NOW, data={})
    with translation.override("en"):
        assert timeline.describe(event) == "import.row"


@pytest.mark.parametrize("model", ["assignment", "reply", "event", "outcomescheme", "bodysetting"])
def test_the_admin_lists_render(admin_client, lead, model):
    response = admin_client.get(f"/admin/workflow/{model}/")
    assert response.status_code == 200


def test_handling_records_are_read_only_in_the_admin(admin_client, lead):
    assert admin_client.get(f"/admin/workflow/assignment/{lead.pk}/delete/").status_code == 403
