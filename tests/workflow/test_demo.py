import datetime as dt

from demo.drive import drive_demo
from proposals.models import Item
from tests.factories import UnitFactory
from workflow.models import Event
from workflow.services import intake


def test_the_demo_drive_reaches_many_stages_and_runs_once(district, office, handler, head, leader, proposer):
    for _unit in range(4):
        UnitFactory(district=district, responsible_leader=leader)
    for n in range(40):
        # As the seed does: received and registered through intake, so every item already has events.
        year = 2026 if n % 2 else 2025
        opened = dt.datetime(year, 1, 10, 9, tzinfo=dt.UTC)
        item = intake.receive_item(
            actor=office,
            now=opened,
            district=district,
            year=year,
            body="cppcc",
            kind="proposal",
            number=f"D{n:03d}",
            title=f"关于改善第{n}号事项的建议",
            lead_proposer=proposer,
            disclosure=Item.Disclosure.PUBLIC,
            submitted_on=opened.date(),
        )
        intake.register_item(actor=office, now=opened, item=item)
    drive_demo(today=dt.date(2026, 11, 25))
    states = set(Item.objects.values_list("state", flat=True))
    assert {Item.State.HANDLING, Item.State.CLOSED} <= states
    assert len(states) >= 4
    events = Event.objects.count()
    assert drive_demo(today=dt.date(2026, 11, 25)) == 0
    assert Event.objects.count() == events
