"""Refusals and missing pages are friendly pages in the site's layout."""

from django.urls import reverse


def test_a_refusal_is_a_page_with_the_menu(users, client_for):
    response = client_for(users["unit_a"]).get(reverse("imports:upload"))

    assert response.status_code == 403
    assert "navbar" in response.content.decode()
    assert "You may not do this" in response.content.decode()


def test_a_missing_record_is_a_page_with_the_menu(users, client_for):
    response = client_for(users["office"]).get(
        reverse("agreements:detail", args=[999999])
    )

    assert response.status_code == 404
    assert "Not found" in response.content.decode()
