"""The Minhang 2017 CPPCC report (seeds/) as the yearly report's JSON contract, domain §7.

The 2017 figures are the seed's; of last year's only the 39 praised items are in the seed,
the other previous-year rates are made up so that every kind of comparison shows.
"""

import copy

import pytest

MINHANG_2017 = {
    "district": "minhang",
    "year": 2017,
    "body": "cppcc",
    "kind": None,
    "as_of": "2017-12-05",
    "precision": 0,
    "total": 210,
    "replied": 210,
    "not_replied": 0,
    "units_involved": 53,
    "by_category": [
        {"code": "1", "label": "经济", "count": 37, "percent": 17},
        {"code": "2", "label": "城市建设和管理", "count": 88, "percent": 42},
        {"code": "3", "label": "教科文卫体", "count": 31, "percent": 15},
        {"code": "4", "label": "综合", "count": 54, "percent": 26},
    ],
    "by_outcome": [
        {"code": "A", "label": "解决或采纳", "count": 170, "percent": 81},
        {"code": "B", "label": "列入计划拟解决", "count": 15, "percent": 7},
        {"code": "C", "label": "留作参考", "count": 25, "percent": 12},
    ],
    "resolution_rate": 81,
    "resolution_rate_at_reply": 81,
    "resolution_rate_change": 3,
    "completion_rate": 96,
    "closed": 201,
    "ratings": [
        {"code": "good", "label": "好", "count": 166, "percent": 85},
        {"code": "fair", "label": "较好", "count": 26, "percent": 13},
        {"code": "average", "label": "一般", "count": 3, "percent": 2},
        {"code": "poor", "label": "差", "count": 0, "percent": 0},
    ],
    "rated": 195,
    "praised": 51,
    "praised_change": 12,
    "key_items": 10,
    "key_items_closed": 9,
    "disclosed": 3,
    "disclosure_rate": 1,
    "disclosure_rate_change": -1,
    "previous_year": {
        "year": 2016,
        "total": 210,
        "resolution_rate": 78,
        "resolution_rate_at_reply": 78,
        "completion_rate": 96,
        "disclosure_rate": 2,
        "praised": 39,
    },
}


@pytest.fixture
def minhang_report():
    return copy.deepcopy(MINHANG_2017)
