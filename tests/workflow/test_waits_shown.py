"""What an item in flight may show of `waits` (`progress.shown_while_handled`): the dashboard finds the office's
work through these stored pairs, so a pair missing here is work the dashboard would not count."""

import pytest

from workflow.models import Reply
from workflow.progress import shown_while_handled, waits


def test_a_reply_at_the_office_may_show_any_step_before_it_but_a_state_outside_handling():
    pairs = shown_while_handled("office_review", Reply.objects.all())
    assert pairs == [
        ("unit", "acceptance"),
        ("unit_head", "head_approval"),
        ("leader", "leader_signoff"),
        ("office", "office_review"),
    ]
    # review, assignment and feedback are a state (received, registered, replied) the work cannot be in
    assert not {"review", "assignment", "feedback"} & {waits_for for _on, waits_for in pairs}


def test_the_states_in_flight_stay_candidates():
    shown = [waits_for for _on, waits_for in shown_while_handled("reply", Reply.objects.all())]
    assert shown[-3:] == ["consultation", "co_opinion", "reply"]
    assert "follow_up" in shown  # following up is a state in flight


def test_every_step_of_waits_is_known_and_an_unknown_one_is_refused():
    for _condition, waits_for, _on in waits(Reply.objects.all()):
        assert shown_while_handled(waits_for, Reply.objects.all()) is not None
    with pytest.raises(ValueError, match="nothing"):
        shown_while_handled("nothing", Reply.objects.all())
