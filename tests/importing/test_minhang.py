"""The Minhang 2017 CPPCC report (domain §6), imported from spreadsheets and reported by the command."""

import json

import pytest
from django.core.management import call_command

from proposals.models import Item
from workflow.models import Event, Obligation

from .minhang import rows_2016, rows_2017
from .sheets import HEADER_EN, HEADER_ZH, csv_bytes, xlsx_bytes


@pytest.fixture
def minhang_imported(district, tmp_path):
    old = tmp_path / "2016.csv"
    old.write_bytes(csv_bytes(HEADER_EN, rows_2016(), encoding="gb18030"))
    new = tmp_path / "2017.xlsx"
    new.write_bytes(xlsx_bytes(HEADER_ZH, rows_2017()))
    call_command("import_items", str(old), "--district", "minhang")
    call_command("import_items", str(new), "--district", "minhang")
    return district


def annual_json(capsys, *args):
    capsys.readouterr()
    call_command("annual_report", *args)
    return json.loads(capsys.readouterr().out)


def test_the_command_gives_the_figures_of_the_report(minhang_imported, capsys):
    r = annual_json(capsys, "--district", "minhang", "--year", "2017", "--body", "cppcc", "--precision", "0")
    assert (r["district"], r["year"], r["body"], r["as_of"]) == ("minhang", 2017, "cppcc", "2017-12-31")
    assert (r["total"], r["replied"], r["not_replied"], r["units_involved"]) == (210, 210, 0, 53)
    heaviest = r["units"][:4]
    assert {u["unit"] for u in heaviest} == {"区经委", "区科委", "区交通委", "区教育局"}
    assert sum(u["lead"] for u in heaviest) * 2 == r["total"]  # about 50%
    assert [(c["label"], c["count"], c["percent"]) for c in r["by_category"]] == [
        ("经济", 37, 17),
        ("城市建设和管理", 88, 42),
        ("教科文卫体", 31, 15),
        ("综合", 54, 26),
    ]
    assert [(o["code"], o["count"], o["percent"]) for o in r["by_outcome"]] == [
        ("A", 170, 81),
        ("B", 15, 7),
        ("C", 25, 12),
    ]
    assert r["resolution_rate"] == r["resolution_rate_at_reply"] == 81
    assert (r["closed"], r["completion_rate"]) == (201, 96)
    assert r["rated"] == 195
    assert [(x["label"], x["count"], x["percent"]) for x in r["ratings"]] == [
        ("好", 166, 85),
        ("较好", 26, 13),
        ("一般", 3, 2),
        ("差", 0, 0),
    ]
    assert (r["praised"], r["praised_change"]) == (51, 12)
    assert (r["key_items"], r["key_items_closed"]) == (10, 9)
    assert r["disclosed"] == 3
    assert r["previous_year"]["praised"] == 39
    assert r["resolution_rate_change"] == 81 - 100


def test_precision_one_is_the_default(minhang_imported, capsys):
    r = annual_json(capsys, "--district", "minhang", "--year", "2017", "--body", "cppcc")
    assert r["resolution_rate"] == 81.0
    assert r["completion_rate"] == 95.7
    assert sum(c["percent"] * 10 for c in r["by_category"]) == pytest.approx(1000)


def test_imported_history_is_marked_and_never_reminds(minhang_imported):
    items = Item.objects.filter(district=minhang_imported, year=2017)
    assert items.count() == 210
    assert items.filter(is_imported=True).count() == 210
    assert Event.objects.filter(item__in=items, action="item.imported").count() == 210
    assert not Obligation.objects.filter(item__in=items).exists()
    assert Item.history.filter(district_id=minhang_imported.pk, year=2017).count() == 210
    open_b = items.get(number="181")
    assert (open_b.state, open_b.is_key, open_b.closed_at) == ("following_up", True, None)
    assert items.get(number="186").state == "closed"


def test_the_json_report_can_be_written_to_a_file(minhang_imported, tmp_path):
    out = tmp_path / "r.json"
    call_command("annual_report", "--district", "minhang", "--year", "2017", "--body", "cppcc", "--output", str(out))
    assert json.loads(out.read_text())["total"] == 210
