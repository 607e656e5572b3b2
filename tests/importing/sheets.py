"""Build import files in memory: .xlsx with openpyxl, .csv in a chosen encoding."""

import csv
import io

import openpyxl

HEADER_ZH = ["案号", "标题", "类型", "件别", "年度", "届次", "提出人", "类别", "主办单位", "会办单位", "交办日期",
             "答复日期", "办理结果", "计划完成日期", "是否办结", "评价", "是否公开", "领导督办", "表扬"]  # fmt: skip
HEADER_EN = ["number", "title", "body", "kind", "year", "session", "proposers", "category", "lead_units", "co_units",
             "assigned_on", "replied_on", "outcome", "planned_on", "closed", "rating", "disclosed", "key_item",
             "praised"]  # fmt: skip


def xlsx_bytes(header, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(header, rows, encoding="utf-8-sig"):
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode(encoding)


def row(**cells):
    """A row in HEADER_EN order from keyword cells; missing cells are empty."""
    return [cells.get(name) for name in HEADER_EN]
