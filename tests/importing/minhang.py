"""Rows matching the Minhang 2017 CPPCC report (seeds/minhang-2017-cppcc-proposals-report.txt, domain §6).

210 registered proposals, 53 units (the four heaviest lead 105 = 50%), categories
37/88/31/54, outcomes A 170 / B 15 / C 25, 201 closed (170 A, 25 C, 6 of the 15 B), 195
rated 好 166 / 较好 26 / 一般 3 / 差 0, 51 praised (39 in 2016), 10 key items with 9 closed,
3 published.
"""

import datetime as dt

from .sheets import row

CATEGORIES = ["经济"] * 37 + ["城市建设和管理"] * 88 + ["教科文卫体"] * 31 + ["综合"] * 54
HEAVY = ["区经委"] * 27 + ["区科委"] * 26 + ["区交通委"] * 26 + ["区教育局"] * 26
OTHERS = [f"区第{n}单位" for n in range(1, 50)]  # 49 more units: 53 in all


def _spread(values, n):
    """`values` reordered round-robin over their groups, so every prefix mixes them (and categories appear in order)."""
    groups = {}
    for v in values:
        groups.setdefault(v, []).append(v)
    out, queues = [], list(groups.values())
    while len(out) < n:
        for q in queues:
            if q:
                out.append(q.pop())
    return out


def rows_2017():
    categories = _spread(CATEGORIES, 210)
    outcomes = ["A"] * 170 + ["B"] * 15 + ["C"] * 25
    closed = [True] * 170 + [True] * 6 + [False] * 9 + [True] * 25
    ratings = ["好"] * 166 + ["较好"] * 26 + ["一般"] * 3 + [None] * 15
    leads = HEAVY + [OTHERS[i % 49] for i in range(105)]
    rows = []
    for i in range(210):
        co = OTHERS[(i * 7) % 49] if i % 5 == 0 and OTHERS[(i * 7) % 49] != leads[i] else None
        rows.append(
            row(
                number=f"{i + 1:03d}",
                title=f"关于第{i + 1}件事项的提案",
                body="提案",
                year=2017,
                session="六届一次",
                proposers=f"委员{i % 120}、委员{(i + 1) % 120}",
                category=categories[i],
                lead_units=leads[i],
                co_units=co,
                assigned_on=dt.datetime(2017, 2, 20),
                replied_on=f"2017-05-{1 + i % 28:02d}",
                outcome=outcomes[i],
                planned_on="2018-06-30" if outcomes[i] == "B" else None,
                closed="是" if closed[i] else "否",
                rating=ratings[i],
                disclosed="是" if i in (3, 4, 5) else "否",
                key_item="是" if i in (0, 10, 20, 30, 40, 50, 60, 70, 80, 180) else "否",  # 180 is an open B
                praised="是" if i % 4 == 0 and i < 204 else "否",
            )
        )
    return rows


def rows_2016():
    return [
        row(
            number=f"{i + 1:03d}",
            title=f"关于2016年第{i + 1}件事项的提案",
            body="政协",
            year=2016,
            session="五届五次",
            proposers=f"委员{i}",
            category="经济",
            lead_units="区经委",
            replied_on="2016-06-01",
            outcome="解决或采纳",
            closed="是",
            rating="好",
            praised="是" if i < 39 else "否",
        )
        for i in range(180)
    ]
