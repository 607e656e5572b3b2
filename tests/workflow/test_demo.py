import datetime as dt

from demo.drive import drive_demo
from proposals.models import Item
from tests.factories import ItemFactory, UnitFactory
from workflow.models import Event


def test_the_demo_drive_reaches_many_stages_and_runs_once(district, office, handler, head, leader, proposer):
    for _unit in range(4):
        UnitFactory(district=district, responsible_leader=leader)
    for n in range(40):
        ItemFactory(
            district=district,
            year=2026 if n % 2 else 2025,
            number=f"D{n:03d}",
            submitted_on=dt.date(2026 if n % 2 else 2025, 1, 10),
            state=Item.State.REGISTERED,
            review=Item.Review.REGISTERED,
            lead_proposer=proposer,
            disclosure=Item.Disclosure.PUBLIC,
        )
    drive_demo(today=dt.date(2026, 11, 25))
    states = set(Item.objects.values_list("state", flat=True))
    assert {Item.State.HANDLING, Item.State.CLOSED} <= states
    assert len(states) >= 4
    events = Event.objects.count()
    drive_demo(today=dt.date(2026, 11, 25))
    assert Event.objects.count() == events
