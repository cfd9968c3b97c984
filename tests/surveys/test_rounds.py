"""Rounds: choosing contacts, opening, invitations, withdrawing, closing."""

import datetime

import pytest
from django.utils import translation

from mitra.core import clock
from mitra.core.models import OutboxEmail
from mitra.documents.models import IssuedDocument
from mitra.surveys import services
from mitra.surveys.models import Invitation, InvitationLink, Round, RoundStatus
from tests.factories import ContactFactory
from tests.surveys.helpers import (
    CLOSES,
    OPENS,
    answer_data,
    default_instrument,
    make_contacts,
    make_round,
    tokens_sent_to,
)

pytestmark = pytest.mark.django_db


def test_the_office_creates_a_round_and_chooses_the_default_contacts(client_for, users):
    # given contacts of partners with agreements in force, and others
    with_agreement = make_contacts(2)
    without_agreement = make_contacts(1, agreements=False)
    ContactFactory(partner=with_agreement[0].partner, email="")  # no address
    ContactFactory(partner=with_agreement[0].partner, is_active=False)
    office = client_for(users["office"])

    # when the office creates a round
    with clock.frozen(datetime.date(2025, 2, 20)):
        response = office.post(
            "/surveys/rounds/new/",
            {
                "title": "Survei kepuasan 2025",
                "year": 2025,
                "instrument": default_instrument().pk,
                "opens_on": "2025-03-01",
                "closes_on": "2025-03-31",
            },
        )
        round = Round.objects.get()
        assert response.url == f"/surveys/rounds/{round.pk}/contacts/"

        # then the contacts of partners with agreements in force are ticked
        page = office.get(response.url)
        choices = page.context["form"]
        assert sorted(choices.initial["contacts"]) == sorted(
            str(contact.pk) for contact in with_agreement
        )
        assert str(without_agreement[0].pk) not in dict(
            choices.fields["contacts"].choices
        )
        every = office.get(response.url + "?all=1").context["form"]
        assert str(without_agreement[0].pk) in dict(every.fields["contacts"].choices)

        # and posting them invites them, nothing sent before the round opens
        office.post(
            response.url, {"contacts": [str(contact.pk) for contact in with_agreement]}
        )
    assert round.invitations.count() == 2
    assert not OutboxEmail.objects.exists()
    assert round.status == RoundStatus.DRAFT


def test_opening_a_round_sends_each_invitation_in_the_contacts_language(
    client_for, users
):
    contacts = make_contacts(1, language="id") + make_contacts(1, language="en")
    round = make_round(by=users["office"], contacts=contacts)
    office = client_for(users["office"])

    with clock.frozen(OPENS):
        office.post(f"/surveys/rounds/{round.pk}/open/")

    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    indonesian = OutboxEmail.objects.get(recipient=contacts[0].email)
    english = OutboxEmail.objects.get(recipient=contacts[1].email)
    with translation.override("id"):
        expected = translation.gettext("Partner satisfaction survey")
    assert indonesian.subject.startswith(expected)
    assert english.subject.startswith("Partner satisfaction survey")
    assert "/surveys/s/" in english.body
    assert InvitationLink.objects.count() == 2
    assert all(invitation.sent_at for invitation in round.invitations.all())
    # only the hash of the token is stored
    token = tokens_sent_to(contacts[0].email)[0]
    assert len(token) >= 43
    assert not InvitationLink.objects.filter(token_hash__contains=token).exists()


def test_a_round_opened_ahead_sends_its_invitations_on_the_opening_day(users):
    contacts = make_contacts(1)
    round = make_round(
        by=users["office"], contacts=contacts, open_on=OPENS - datetime.timedelta(5)
    )
    assert round.status == RoundStatus.OPEN
    assert not OutboxEmail.objects.exists()

    from mitra.core.daily import run_daily

    with clock.frozen(OPENS):
        run_daily(OPENS)
        run_daily(OPENS)

    assert OutboxEmail.objects.filter(recipient=contacts[0].email).count() == 1


def test_a_round_without_contacts_or_past_its_closing_day_cannot_open(users):
    round = make_round(by=users["office"], contacts=[])
    with pytest.raises(services.ValidationError), clock.frozen(OPENS):
        services.round_open(round=round, by=users["office"])
    services.invitations_add(round=round, contacts=make_contacts(1), by=users["office"])
    after = CLOSES + datetime.timedelta(days=1)
    with pytest.raises(services.ValidationError), clock.frozen(after):
        services.round_open(round=round, by=users["office"])


def test_a_new_link_replaces_the_old_one(client, client_for, users):
    contacts = make_contacts(1)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    invitation = Invitation.objects.get(round=round)
    office = client_for(users["office"])

    with clock.frozen(OPENS):
        office.post(f"/surveys/invitations/{invitation.pk}/resend/")
    old, new = tokens_sent_to(contacts[0].email)

    with clock.frozen(OPENS):
        assert client.get(f"/surveys/s/{old}/").status_code == 410
        assert client.get(f"/surveys/s/{new}/").status_code == 200


def test_withdrawing_and_removing_invitations(client_for, users):
    contacts = make_contacts(2)
    draft = make_round(by=users["office"], contacts=contacts)
    office = client_for(users["office"])

    # a draft's invitation is removed outright
    unsent = Invitation.objects.filter(round=draft).first()
    office.post(f"/surveys/invitations/{unsent.pk}/remove/")
    assert not Invitation.objects.filter(pk=unsent.pk).exists()

    # a sent one is withdrawn, not removed
    with clock.frozen(OPENS):
        services.round_open(round=draft, by=users["office"])
    sent = Invitation.objects.get(round=draft)
    response = office.post(f"/surveys/invitations/{sent.pk}/remove/")
    assert response.status_code == 302
    assert Invitation.objects.filter(pk=sent.pk).exists()
    office.post(f"/surveys/invitations/{sent.pk}/revoke/")
    sent.refresh_from_db()
    assert sent.is_revoked


def test_closing_a_round_issues_its_result(client, client_for, users):
    contacts = make_contacts(2)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    with clock.frozen(OPENS):
        token = tokens_sent_to(contacts[0].email)[-1]
        client.post(f"/surveys/s/{token}/", answer_data(round.instrument, {}))
    office = client_for(users["office"])

    confirm = office.get(f"/surveys/rounds/{round.pk}/close/")
    assert confirm.status_code == 200
    with clock.frozen(CLOSES):
        response = office.post(f"/surveys/rounds/{round.pk}/close/")

    assert response.status_code == 302
    round.refresh_from_db()
    assert round.status == RoundStatus.CLOSED
    assert round.closed_by == users["office"]
    document = IssuedDocument.objects.of(round, "survey_result").get()
    assert document.snapshot["respondents"] == 1
    assert document.snapshot["invited"] == 2
    assert document.snapshot["service_index"] == "75.00"
    assert document.docx_file and document.pdf_file
    # a second close is refused politely
    again = office.post(f"/surveys/rounds/{round.pk}/close/", follow=True)
    assert again.status_code == 200
    assert IssuedDocument.objects.of(round, "survey_result").count() == 1
    # the issued result is read with the round
    assert (
        client_for(users["auditor"]).get(document.get_absolute_url()).status_code == 200
    )
    assert (
        client_for(users["unit_a"]).get(document.get_absolute_url()).status_code == 404
    )


def test_a_round_s_pages_are_for_those_who_read_everything(client_for, users):
    round = make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)
    for name in ("office", "head", "leader", "auditor", "admin"):
        client = client_for(users[name])
        for path in ("", "results/", "responses/"):
            assert client.get(f"/surveys/rounds/{round.pk}/{path}").status_code == 200
    for name in ("leader", "auditor"):
        client = client_for(users[name])
        assert client.post(f"/surveys/rounds/{round.pk}/close/").status_code == 403
        assert client.get(f"/surveys/rounds/{round.pk}/edit/").status_code == 403
    unit = client_for(users["unit_a"])
    assert unit.get("/surveys/").status_code == 403
    assert unit.get(f"/surveys/rounds/{round.pk}/").status_code == 404
    assert unit.get(f"/surveys/rounds/{round.pk}/results/").status_code == 404


def test_the_round_list_and_detail_run_a_fixed_number_of_queries(
    client_for, users, django_assert_max_num_queries
):
    office = client_for(users["office"])
    round = make_round(by=users["office"], contacts=make_contacts(2), open_on=OPENS)
    office.get("/surveys/")
    office.get(round.get_absolute_url())
    with django_assert_max_num_queries(8):
        office.get("/surveys/")
    with django_assert_max_num_queries(12):
        office.get(round.get_absolute_url())

    make_round(by=users["office"], contacts=make_contacts(3), title="Lain")
    services.invitations_add(round=round, contacts=make_contacts(5), by=users["office"])
    with django_assert_max_num_queries(8):
        office.get("/surveys/")
    with django_assert_max_num_queries(12):
        office.get(round.get_absolute_url())


def test_bad_round_input_shows_errors_not_a_500(client_for, users):
    office = client_for(users["office"])
    response = office.post(
        "/surveys/rounds/new/",
        {
            "title": "",
            "year": "dua ribu",
            "instrument": "999",
            "opens_on": "2025-03-31",
            "closes_on": "2025-03-01",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "year", "instrument"} <= set(errors)
    assert office.post("/surveys/rounds/1/contacts/", {}).status_code == 404


def _answered_round(users, count):
    from mitra.surveys.models import Item

    contacts = make_contacts(count)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    scale = list(Item.objects.filter(instrument=round.instrument, kind="scale"))
    with clock.frozen(OPENS):
        for contact in contacts:
            link = services.link_find(tokens_sent_to(contact.email)[-1])
            services.response_submit(link=link, answers=dict.fromkeys(scale, 3))
    return round


@pytest.mark.parametrize("count", [2, 12])
def test_results_and_responses_run_a_fixed_number_of_queries(
    client_for, users, count, django_assert_num_queries
):
    round = _answered_round(users, count)
    office = client_for(users["office"])
    office.get(f"/surveys/rounds/{round.pk}/results/")  # warm the session

    with django_assert_num_queries(10):
        results = office.get(f"/surveys/rounds/{round.pk}/results/")
    with django_assert_num_queries(6):
        responses = office.get(f"/surveys/rounds/{round.pk}/responses/")

    assert results.status_code == responses.status_code == 200
    assert results.context["results"].respondents == count


def test_every_round_page_opens(client_for, users):
    round = make_round(by=users["office"], contacts=make_contacts(1))
    office = client_for(users["office"])
    for page in ("/surveys/", "/surveys/rounds/new/"):
        assert office.get(page).status_code == 200
    for path in ("", "edit/", "contacts/", "contacts/?all=1", "results/", "close/"):
        assert office.get(f"/surveys/rounds/{round.pk}/{path}").status_code == 200
    assert office.get(f"/surveys/rounds/{round.pk}/results/?export=xlsx")[
        "Content-Type"
    ].startswith("application/vnd.openxmlformats")


# --- The year, deleting a draft, the contact columns --------------------------


def _round_data(year):
    return {
        "title": "Survei",
        "year": year,
        "instrument": default_instrument().pk,
        "opens_on": "2025-03-01",
        "closes_on": "2025-03-31",
    }


@pytest.mark.parametrize("year", ["0", "1999", "2101", "99999"])
def test_a_round_s_year_is_bounded_like_a_monitoring_round_s(client_for, users, year):
    response = client_for(users["office"]).post(
        "/surveys/rounds/new/", _round_data(year)
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["year"]
    assert not Round.objects.exists()


@pytest.mark.parametrize("year", [0, 99999])
def test_the_service_refuses_a_year_out_of_bounds_too(users, year):
    with pytest.raises(services.ValidationError) as caught:
        make_round(by=users["office"], contacts=[], year=year)

    assert "2000" in caught.value.message_dict["year"][0]
    assert not Round.objects.exists()


def test_the_bounds_years_are_accepted(client_for, users):
    office = client_for(users["office"])

    for year in ("2000", "2100"):
        assert office.post("/surveys/rounds/new/", _round_data(year)).status_code == 302

    assert sorted(Round.objects.values_list("year", flat=True)) == [2000, 2100]


def test_a_draft_round_is_deleted_once_confirmed(client_for, users):
    draft = make_round(by=users["office"], contacts=make_contacts(2))
    office = client_for(users["office"])
    url = f"/surveys/rounds/{draft.pk}/delete/"

    detail = office.get(draft.get_absolute_url()).content.decode()
    confirm = office.get(url)
    assert f'href="{url}"' in detail
    assert confirm.status_code == 200
    assert 'id="confirm-delete"' in confirm.content.decode()
    assert Round.objects.filter(pk=draft.pk).exists()

    response = office.post(url)

    assert response.status_code == 302
    assert response.url == "/surveys/"
    assert not Round.objects.filter(pk=draft.pk).exists()
    assert not Invitation.objects.exists()


def test_an_open_or_closed_round_cannot_be_deleted(client_for, users):
    opened = make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)
    closed = make_round(
        by=users["office"], contacts=make_contacts(1), open_on=OPENS, title="Lama"
    )
    with clock.frozen(CLOSES):
        services.round_close(round=closed, by=users["office"])
    office = client_for(users["office"])

    for round in (opened, closed):
        url = f"/surveys/rounds/{round.pk}/delete/"
        assert (
            f'href="{url}"' not in office.get(round.get_absolute_url()).content.decode()
        )
        page = office.get(url)
        assert page.status_code == 200
        assert 'id="confirm-delete"' not in page.content.decode()
        response = office.post(url, follow=True)
        assert response.status_code == 200
        assert "Only a round being prepared can be deleted." in [
            str(message) for message in response.context["messages"]
        ]
        with pytest.raises(services.ValidationError):
            services.round_delete(round=round, by=users["office"])
    assert Round.objects.count() == 2


@pytest.mark.parametrize(("who", "status"), [("leader", 403), ("auditor", 403)])
def test_only_the_office_deletes_a_draft_round(client_for, users, who, status):
    draft = make_round(by=users["office"], contacts=[])
    client = client_for(users[who])

    assert client.get(f"/surveys/rounds/{draft.pk}/delete/").status_code == status
    assert client.post(f"/surveys/rounds/{draft.pk}/delete/").status_code == status
    assert (
        'id="delete-round"' not in client.get(draft.get_absolute_url()).content.decode()
    )
    unit = client_for(users["unit_a"])
    assert unit.post(f"/surveys/rounds/{draft.pk}/delete/").status_code == 404
    assert Round.objects.filter(pk=draft.pk).exists()


@pytest.mark.indonesian
def test_the_contact_columns_are_in_indonesian(client_for, users):
    round = make_round(by=users["office"], contacts=make_contacts(1))
    make_contacts(1)  # one more to pick from
    office = client_for(users["office"])

    picker = office.get(f"/surveys/rounds/{round.pk}/contacts/").content.decode()
    detail = office.get(round.get_absolute_url()).content.decode()

    email = translation.gettext("Email")
    for page in (picker, detail):
        for header in ("Kontak", "Mitra", email, "Bahasa"):
            assert f"<th>{header}</th>" in page
