"""Refusals and missing pages are friendly pages in the site's layout."""

import datetime

from django.urls import reverse

from tests.records.helpers import hand_record


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


def test_a_file_gone_from_storage_says_so(users, client_for):
    record = hand_record(users["office"], issued_on=datetime.date(2024, 2, 1))
    record.file.storage.delete(record.file.name)

    response = client_for(users["office"]).get(
        reverse("records:file", args=[record.pk])
    )

    assert response.status_code == 404
    assert "missing from storage" in response.content.decode()
    assert "navbar" in response.content.decode()
