"""The partner's questionnaire: language, required answers, optional items."""

import pytest

from mitra.core import clock
from mitra.surveys.models import Answer, Invitation, Response
from tests.surveys.helpers import (
    OPENS,
    answer_data,
    make_contacts,
    make_round,
    tokens_sent_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_link(users):
    contacts = make_contacts(1, language="en")
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    return round, tokens_sent_to(contacts[0].email)[-1]


def test_the_form_is_in_the_contact_s_language_with_a_switch(client, english_link):
    round, token = english_link
    with clock.frozen(OPENS):
        english = client.get(f"/surveys/s/{token}/")
        indonesian = client.get(f"/surveys/s/{token}/?lang=id")

    page = english.content.decode()
    assert english.status_code == 200
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in page
    assert "Ideas for new cooperation" in page
    assert "Very suitable" in page
    assert 'href="?lang=id"' in page
    assert "Gagasan untuk kerja sama baru" in indonesian.content.decode()
    assert indonesian["Content-Language"] == "id"
    # nothing about who the link belongs to, and nothing cached or indexed
    assert round.invitations.get().name not in page
    assert "no-store" in english["Cache-Control"]
    assert english["Referrer-Policy"] == "same-origin"
    assert "noindex" in english["X-Robots-Tag"]


def test_a_missing_required_answer_is_asked_for_and_nothing_saved(client, english_link):
    round, token = english_link
    data = answer_data(round.instrument, {"U4": None})

    with clock.frozen(OPENS):
        response = client.post(f"/surveys/s/{token}/", data)

    assert response.status_code == 400
    assert "Please answer this question." in response.content.decode()
    assert not Response.objects.exists()


def test_optional_items_may_be_left_not_applicable(client, english_link):
    round, token = english_link
    data = answer_data(round.instrument, {"K5": None, "K6": "", "K9": None})
    data["lang"] = "en"

    with clock.frozen(OPENS):
        response = client.post(f"/surveys/s/{token}/", data)

    assert response.status_code == 302
    assert response.url == "/surveys/answered/?lang=en"
    codes = set(Answer.objects.values_list("item__code", flat=True))
    assert {"K5", "K6", "K9"}.isdisjoint(codes)
    assert "U9" in codes
    assert client.get(response.url).status_code == 200
    response = Response.objects.get()
    assert response.language == "en"
    assert response.invitation == Invitation.objects.get()


def test_answers_are_stored_as_given(client, english_link):
    round, token = english_link
    data = answer_data(
        round.instrument, {"U1": 1, "U9": 4}, open_text="Program magang bersama"
    )

    with clock.frozen(OPENS):
        client.post(f"/surveys/s/{token}/", data)

    answers = {a.item.code: a for a in Answer.objects.select_related("item")}
    assert answers["U1"].value == 1
    assert answers["U9"].value == 4
    assert answers["K12"].text == "Program magang bersama"
    assert answers["K12"].value is None


@pytest.mark.parametrize("value", ["0", "5", "-1", "3.5", "x", "'; DROP TABLE"])
def test_any_value_off_the_scale_is_refused(client, english_link, value):
    round, token = english_link
    data = answer_data(round.instrument, {})
    item = round.instrument.items.get(code="K3")
    data[f"item_{item.pk}"] = value

    with clock.frozen(OPENS):
        response = client.post(f"/surveys/s/{token}/", data)

    assert response.status_code == 400
    assert "Choose one of the answers from 1 to 4." in response.content.decode()
    assert not Answer.objects.exists()


def test_an_overlong_open_answer_is_refused(client, english_link):
    round, token = english_link
    data = answer_data(round.instrument, {}, open_text="x" * 2001)

    with clock.frozen(OPENS):
        response = client.post(f"/surveys/s/{token}/", data)

    assert response.status_code == 400
    assert not Response.objects.exists()


def test_odd_tokens_answer_404(client):
    for token in ("x", "A" * 101, "%00", "..%2F..%2Fadmin"):
        assert client.get(f"/surveys/s/{token}/").status_code == 404


def test_guessing_many_links_from_one_address_is_slowed_down(client):
    statuses = [client.get(f"/surveys/s/guess{n}/").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_keep_exactly_one(users):
    import threading

    from django.db import connection

    from mitra.surveys import services

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given one invitation and its link
    contacts = make_contacts(1)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    link = services.link_find(tokens_sent_to(contacts[0].email)[-1])
    item = round.instrument.items.get(code="U1")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(value):
        try:
            barrier.wait(timeout=10)
            with clock.frozen(OPENS):
                services.response_submit(link=link, answers={item: value})
            outcomes.append("kept")
        except services.SurveyGone:
            outcomes.append("gone")
        finally:
            connection.close()

    # when it is submitted twice at once, on two connections
    threads = [threading.Thread(target=submit, args=(value,)) for value in (2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then exactly one is kept and the other refused
    assert sorted(outcomes) == ["gone", "kept"]
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1
