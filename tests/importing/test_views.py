"""The browser import: upload, preview, confirm; office staff and admins only."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Item

from .sheets import HEADER_ZH, row, xlsx_bytes

UPLOAD = reverse("imports:import")
CONFIRM = reverse("imports:import_confirm")


def sheet(*rows):
    default = row(
        number="1",
        title="关于公交线路的提案",
        body="提案",
        year=2017,
        lead_units="区交通委",
        replied_on="2017-05-02",
        outcome="A",
    )
    data = xlsx_bytes(HEADER_ZH, rows or [default])
    return SimpleUploadedFile("2017.xlsx", data)


def upload(client, user, district, file=None):
    client.force_login(user)
    return client.post(UPLOAD, {"district": district.pk, "file": file or sheet()})


def confirm(client, token, submit_token=None):
    """Press the preview's confirm button: its form carries the import token and a one-time submit token."""
    return client.post(CONFIRM, {"token": token, "submit_token": submit_token or str(uuid.uuid4())})


def test_office_staff_preview_then_confirm(client, district, office, settings):
    response = upload(client, office, district)
    assert response.status_code == 200
    assert "区交通委" in response.content.decode()
    assert not Item.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    assert len(list((settings.PRIVATE_MEDIA_ROOT / "imports").iterdir())) == 1
    click = str(uuid.uuid4())
    response = confirm(client, token, click)
    assert response.status_code == 302  # post/redirect/get: reloading the summary imports nothing
    page = client.get(response["Location"]).content.decode()
    assert "2017.xlsx：已向闵行区导入 1 件（历史办理 1 件，本次交办 0 件）" in page
    assert '<a href="/items/?year=2017">2017 年度 1 件</a>' in page  # the list opens on the imported year
    assert Item.objects.get(district=district).is_imported
    assert not list((settings.PRIVATE_MEDIA_ROOT / "imports").iterdir())
    again = confirm(client, token, click)  # a double click answers like the first and imports nothing twice
    assert (again.status_code, again["Location"]) == (302, response["Location"])
    assert Item.objects.count() == 1
    assert confirm(client, token).status_code == 404  # the preview is used once


def test_an_abandoned_preview_is_not_kept(client, district, office, settings):
    import os
    import time

    first = upload(client, office, district).context["confirm_form"].initial["token"]
    second = upload(client, office, district).context["confirm_form"].initial["token"]
    folder = settings.PRIVATE_MEDIA_ROOT / "imports"
    assert [p.stem for p in folder.iterdir()] == [second]  # a new preview replaces the session's earlier one
    assert confirm(client, first).status_code == 404
    # Someone else's preview, left longer than a session lives, goes with the next upload.
    old = folder / "left-behind.xlsx"
    old.write_bytes(b"names and phone numbers")
    long_ago = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(old, (long_ago, long_ago))
    upload(client, office, district)
    assert not old.exists()


def test_a_bad_file_shows_every_error_and_keeps_nothing(client, district, office, settings):
    file = sheet(row(number="1", title="甲", body="提案", year=2017, replied_on="2017-02-30", outcome="A"),
                 row(number="2", title=None, body="提案", year=2017))  # fmt: skip
    response = upload(client, office, district, file)
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "答复日期"), (3, "标题"), (3, "主办单位")]
    assert not (settings.PRIVATE_MEDIA_ROOT / "imports").exists()


def test_the_form_is_shown_to_a_city_admin(client, district, city_admin):
    client.force_login(city_admin)
    assert client.get(UPLOAD).status_code == 200


def test_office_staff_of_another_district_cannot_import_into_it(client, district, outsider):
    assert upload(client, outsider, district).status_code == 400
    assert not Item.objects.exists()


def test_another_users_token_is_not_found(client, district, office, city_admin):
    token = upload(client, office, district).context["confirm_form"].initial["token"]
    client.force_login(city_admin)
    assert confirm(client, token).status_code == 404
    assert not Item.objects.exists()


def test_unit_users_and_proposers_get_403(client, district, handler, proposer_user):
    for user in (handler, proposer_user):
        client.force_login(user)
        assert client.get(UPLOAD).status_code == 403


def test_a_get_cannot_confirm(client, district, office):
    client.force_login(office)
    assert client.get(CONFIRM).status_code == 405


def test_office_staff_download_a_template_that_imports_once_filled(client, district, office):
    import io

    import openpyxl

    client.force_login(office)
    response = client.get(reverse("imports:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="import-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    items, notes = workbook.worksheets
    header = [c.value for c in items[1]]
    assert header[:5] == ["案号*", "标题*", "类型*", "件别", "年度*"]  # required columns marked
    assert items.column_dimensions["A"].number_format == "@"  # 案号 as text keeps 001
    assert [r[0].value for r in notes.iter_rows(min_row=2)] == [h.rstrip("*") for h in header]
    items.append(["1", "关于公交线路的提案", "提案", None, 2017] + [None] * 6 + ["2017-05-02", "A"])
    filled = io.BytesIO()
    workbook.save(filled)
    response = upload(client, office, district, SimpleUploadedFile("filled.xlsx", filled.getvalue()))
    assert response.status_code == 200 and len(response.context["plan"].rows) == 1


def test_only_office_staff_and_admins_get_the_template(client, handler):
    client.force_login(handler)
    assert client.get(reverse("imports:import_template")).status_code == 403
