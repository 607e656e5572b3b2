"""The outcome schemes and rating scales of domain §5, installed by a data migration.

They are data a district may change, not code: districts pick one per body, and the
import command gives a new district the CPPCC scheme for proposals and the NPC scheme
for suggestions.
"""

# (code, label, resolved, stays_open, follow_up, planned_date, reason, leader_signoff)
SCHEMES = {
    "cppcc": (
        "政协提案（A/B/C）",
        [
            ("A", "解决或采纳", True, True, "monthly", False, False, False),
            ("B", "列入计划拟解决", False, True, "quarterly", True, False, False),
            ("C", "留作参考", False, False, "none", False, False, True),
        ],
    ),
    "npc": (
        "人大代表建议（1/2/3/4）",
        [
            ("1", "已经解决", True, False, "none", False, False, False),
            ("2", "正在解决", False, True, "monthly", False, False, False),
            ("3", "计划解决", False, True, "quarterly", True, False, False),
            ("4", "留作参考", False, False, "none", False, False, True),
        ],
    ),
    "abcd": (
        "A–D 四类",
        [
            ("A", "已经解决或基本解决", True, False, "none", False, False, False),
            ("B", "正在解决或列入规划逐步解决", False, True, "quarterly", True, False, False),
            ("C", "因条件限制需以后解决", False, False, "none", False, True, False),
            ("D", "留作参考", False, False, "none", False, False, True),
        ],
    ),
}

RATING_SCALES = {
    "satisfaction": (
        "满意 / 基本满意 / 不满意",
        [("satisfied", "满意"), ("mostly", "基本满意"), ("dissatisfied", "不满意")],
    ),
    "quality": ("好 / 较好 / 一般 / 差", [("good", "好"), ("fair", "较好"), ("average", "一般"), ("poor", "差")]),
}

# Which scheme and scale a new district gets for each body.
BODY_DEFAULTS = {"npc": ("npc", "satisfaction"), "cppcc": ("cppcc", "quality")}


def install_defaults(OutcomeScheme, OutcomeCategory, RatingScale, RatingValue):
    """Create the default schemes and scales if missing; takes the model classes so a migration can call it."""
    for code, (name, categories) in SCHEMES.items():
        scheme, _ = OutcomeScheme.objects.get_or_create(code=code, defaults={"name": name})
        for order, (c, label, resolved, stays_open, follow_up, planned, reason, signoff) in enumerate(categories, 1):
            OutcomeCategory.objects.get_or_create(
                scheme=scheme,
                code=c,
                defaults={
                    "label": label,
                    "sort_order": order,
                    "counts_as_resolved": resolved,
                    "stays_open": stays_open,
                    "follow_up": follow_up,
                    "needs_planned_date": planned,
                    "needs_reason": reason,
                    "needs_leader_signoff": signoff,
                },
            )
    for code, (name, values) in RATING_SCALES.items():
        scale, _ = RatingScale.objects.get_or_create(code=code, defaults={"name": name})
        for order, (c, label) in enumerate(values, 1):
            RatingValue.objects.get_or_create(scale=scale, code=c, defaults={"label": label, "sort_order": order})


def ensure_body_settings(district):
    """Give `district` the default scheme and scale for each body it does not have yet."""
    from .models import BodySetting, OutcomeScheme, RatingScale

    for body, (scheme_code, scale_code) in BODY_DEFAULTS.items():
        BodySetting.objects.get_or_create(
            district=district,
            body=body,
            defaults={
                "scheme": OutcomeScheme.objects.get(code=scheme_code),
                "rating_scale": RatingScale.objects.get(code=scale_code),
            },
        )
