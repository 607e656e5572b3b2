"""The columns of the import contract (domain §7) and how each cell is read.

Parsers take a cell value (str, int, float, datetime or None) and return the value or
raise `BadCell` with the reason shown to the user.
"""

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import Body
from proposals.models import Kind

# field: (Chinese header, English header)
COLUMNS = {
    "number": ("案号", "number"),
    "title": ("标题", "title"),
    "body": ("类型", "body"),
    "kind": ("件别", "kind"),
    "year": ("年度", "year"),
    "session": ("届次", "session"),
    "proposers": ("提出人", "proposers"),
    "category": ("类别", "category"),
    "lead_units": ("主办单位", "lead_units"),
    "co_units": ("会办单位", "co_units"),
    "assigned_on": ("交办日期", "assigned_on"),
    "replied_on": ("答复日期", "replied_on"),
    "outcome": ("办理结果", "outcome"),
    "planned_on": ("计划完成日期", "planned_on"),
    "closed": ("是否办结", "closed"),
    "rating": ("评价", "rating"),
    "disclosed": ("是否公开", "disclosed"),
    "key_item": ("领导督办", "key_item"),
    "praised": ("表扬", "praised"),
}
REQUIRED = ("number", "title", "body", "year")
# What each column holds, for the import page and the template's instructions sheet.
COLUMN_HELP = {
    "number": gettext_lazy("Required; unique within the district, year, body and kind."),
    "title": gettext_lazy("Required."),
    "body": gettext_lazy("Required: 建议 or 人大 for the NPC, 提案 or 政协 for the CPPCC."),
    "kind": gettext_lazy(
        "Optional: 代表建议, 书面意见, 政协提案, 社区意见, 市办主办件 or 市办会办件; "
        "by default the body's ordinary kind."
    ),
    "year": gettext_lazy("Required: four digits, such as 2017."),
    "session": gettext_lazy("Optional, such as 六届一次."),
    "proposers": gettext_lazy("Names separated by 、 or commas; the first is the lead proposer."),
    "category": gettext_lazy("Optional; a new category is created."),
    "lead_units": gettext_lazy(
        "Separated by 、 or commas; a new unit is created. Needed on a row not yet replied, "
        "except a city item the district co-handles (市办会办件), which has none."
    ),
    "co_units": gettext_lazy(
        "Separated by 、 or commas; a new unit is created. Needed on a city item the district co-handles."
    ),
    "assigned_on": gettext_lazy("YYYY-MM-DD or a date cell."),
    "replied_on": gettext_lazy(
        "YYYY-MM-DD or a date cell. Filled: the row is past handling; empty: it enters the workflow at assignment."
    ),
    "outcome": gettext_lazy("The label or code of the body's outcome scheme; needed on a replied row."),
    "planned_on": gettext_lazy("Optional: when a planned outcome is to be delivered."),
    "closed": gettext_lazy("是 or 否: the item is closed."),
    "rating": gettext_lazy("Optional: a value of the body's rating scale."),
    "disclosed": gettext_lazy("是 or 否: the reply is published."),
    "key_item": gettext_lazy("是 or 否: a key item led by a district leader."),
    "praised": gettext_lazy("是 or 否: the proposer praised the handling."),
}
HEADER_FIELDS = {h.lower(): field for field, headers in COLUMNS.items() for h in headers}

BODIES = {
    "建议": Body.NPC,
    "人大": Body.NPC,
    "npc": Body.NPC,
    "提案": Body.CPPCC,
    "政协": Body.CPPCC,
    "cppcc": Body.CPPCC,
}
KINDS = {
    "代表建议": Kind.SUGGESTION,
    "书面意见": Kind.WRITTEN_OPINION,
    "政协提案": Kind.PROPOSAL,
    "社区意见": Kind.COMMUNITY_OPINION,
    "市办主办件": Kind.CITY_LEAD,
    "市办会办件": Kind.CITY_CO,
    **{k.value: k for k in Kind},
}
TRUE = {"是", "yes", "y", "true", "1", "√"}
FALSE = {"否", "no", "n", "false", "0", "×", ""}
NAME_SEPARATORS = re.compile(r"[、,，;；]")
DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
# Control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in a record.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Excel counts days from 1899-12-30 (the 1900 leap-year bug folded in); a bare number in a date column is such a day.
EXCEL_EPOCH = dt.date(1899, 12, 30)


class BadCell(ValueError):
    pass


def header_field(text: str) -> str | None:
    """The field a header names, ignoring case, spaces and the asterisk some templates put on required columns."""
    return HEADER_FIELDS.get(re.sub(r"[\s*＊]", "", text or "").lower())


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    result = str(value).strip()
    if control := CONTROL.search(result):
        raise BadCell(
            _("The cell holds a control character (U+%(code)04X) that cannot be stored; remove it.")
            % {"code": ord(control.group())}
        )
    return result


def required_text(value) -> str:
    result = text(value)
    if not result:
        raise BadCell(gettext_lazy("This column is required."))
    return result


def number(value) -> str:
    """The number in its compatibility form (NFKC): ０００１ is 0001, so look-alikes are one number."""
    return unicodedata.normalize("NFKC", required_text(value))


def body(value) -> str:
    result = BODIES.get(text(value).lower())
    if result is None:
        raise BadCell(_("Unknown body %(value)r: use 建议/人大/npc or 提案/政协/cppcc.") % {"value": text(value)})
    return result


def kind(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    result = KINDS.get(raw) or KINDS.get(raw.lower())
    if result is None:
        raise BadCell(
            _("Unknown kind %(value)r: use one of %(kinds)s.") % {"value": raw, "kinds": "、".join(list(KINDS)[:6])}
        )
    return result


def year(value) -> int:
    raw = text(value)
    if not re.fullmatch(r"\d{4}", raw) or not 1980 <= int(raw) <= 2100:
        raise BadCell(_("The year must be four digits, such as 2017, not %(value)r.") % {"value": raw})
    return int(raw)


def date(value) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    match = DATE_TEXT.match(text(value))
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            pass
    raise BadCell(_("Not a date: %(value)r; write YYYY-MM-DD.") % {"value": text(value)})


def flag(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise BadCell(_("Write 是 or 否 (yes or no), not %(value)r.") % {"value": text(value)})


def names(value) -> list[str]:
    """Names separated by 、 or commas, in order, without repeats."""
    return list(dict.fromkeys(n.strip() for n in NAME_SEPARATORS.split(text(value)) if n.strip()))


PARSERS = {
    "number": number,
    "title": required_text,
    "body": body,
    "kind": kind,
    "year": year,
    "session": text,
    "proposers": names,
    "category": text,
    "lead_units": names,
    "co_units": names,
    "assigned_on": date,
    "replied_on": date,
    "outcome": text,
    "planned_on": date,
    "closed": flag,
    "rating": text,
    "disclosed": flag,
    "key_item": flag,
    "praised": flag,
}
