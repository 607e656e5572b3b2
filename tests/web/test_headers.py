"""What is private is never kept by a browser or proxy: pages and downloads say no-store."""

from django.urls import reverse


def test_a_private_page_is_not_stored(client, office):
    client.force_login(office)
    response = client.get(reverse("items:list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_login_page_is_not_stored_either(client, db):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
