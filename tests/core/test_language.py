"""Indonesian is the default language of every page; English can be chosen."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.indonesian

PAGES = ["reports:dashboard", "agreements:list", "partners:list", "imports:upload"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_in_indonesian_by_default(users, client_for, name):
    response = client_for(users["office"]).get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Keluar" in html  # "Log out" in the menu


def test_the_login_page_is_in_indonesian(db, client):
    html = client.get(reverse("login")).content.decode()

    assert '<html lang="id">' in html
    assert "Masuk" in html


def test_a_browser_asking_for_english_still_gets_indonesian(users, client_for):
    client = client_for(users["office"])

    html = client.get(
        reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()

    assert '<html lang="id">' in html


def test_english_can_be_chosen(users, client_for):
    client = client_for(users["office"])

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("reports:dashboard")).content.decode()

    assert '<html lang="en">' in html
    assert "Log out" in html
