"""Negotiation through the partner's link: no account, an expiring, revocable
link; comments, counter-versions and approval; forged and dead links."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from mitra.agreements import workflow
from mitra.agreements.models import PartnerLink, Stage, Status, VersionSource
from mitra.agreements.pipeline import stage_of
from mitra.core.clock import frozen
from mitra.core.models import Notification, OutboxEmail
from tests.agreements.workflow_helpers import (
    docx_upload,
    generate,
    new_draft,
    review_approved,
)
from tests.factories import ContactFactory

D = datetime.date


@pytest.fixture
def draft(users, units):
    """A draft approved in review, version 1."""
    agreement = new_draft(users, units)
    generate(agreement, users)
    review_approved(agreement, users)
    agreement.refresh_from_db()
    return agreement


def send(draft, users, **kwargs):
    link, url = workflow.partner_link_send(
        agreement=draft, by=users["office"], base_url="http://testserver", **kwargs
    )
    return link, url.removeprefix("http://testserver")


@pytest.fixture
def partner():
    """The partner's browser: no account."""
    return Client()


def test_the_contact_is_emailed_a_link_whose_token_is_stored_hashed(users, draft):
    with frozen(D(2025, 1, 14)):
        link, url = send(draft, users)

    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 43  # 32 random bytes: 256 bits
    assert token not in link.token_hash and len(link.token_hash) == 64
    email = OutboxEmail.objects.get(recipient="rina@galangan.test")
    assert url in email.body
    assert link.expires_at.date() == D(2025, 1, 28)
    draft.refresh_from_db()
    assert draft.status == Status.NEGOTIATION
    assert stage_of(draft) == Stage.NEGOTIATION


def test_the_partner_reads_the_current_draft_without_an_account(users, draft, partner):
    _link, url = send(draft, users)

    response = partner.get(url)

    assert response.status_code == 200
    assert draft.title in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    token = url.split("/")[-2]
    download = partner.get(reverse("agreements:partner_file", args=[token, 1]))
    assert download.status_code == 200


def test_a_forged_token_answers_404_revealing_nothing(draft, partner):
    response = partner.get(reverse("agreements:partner", args=["x" * 43]))

    assert response.status_code == 404
    assert draft.title not in response.content.decode()


@pytest.mark.parametrize("ending", ["expired", "revoked", "used"])
def test_a_dead_link_answers_410_revealing_nothing(users, draft, partner, ending):
    with frozen(D(2025, 1, 14)):
        link, url = send(draft, users)
        if ending == "revoked":
            workflow.partner_link_revoke(link=link, by=users["office"])
        elif ending == "used":
            workflow.partner_approve(link=link, version_number=1)

    moment = D(2025, 2, 14) if ending == "expired" else D(2025, 1, 15)
    with frozen(moment):
        page = partner.get(url)
        comment = partner.post(url + "comment/", {"text": "Masih bisa?"})

    assert page.status_code == comment.status_code == 410
    assert draft.title not in page.content.decode()
    assert not draft.events.filter(kind="partner_comment").exists()


def test_a_new_link_replaces_the_previous_one(users, draft, partner):
    _first, old_url = send(draft, users)
    _second, new_url = send(draft, users)

    assert partner.get(old_url).status_code == 410
    assert partner.get(new_url).status_code == 200


@override_settings(MITRA_PARTNER_LINK_DAYS=3)
def test_the_link_lasts_the_days_set(users, draft):
    with frozen(D(2025, 1, 14)):
        link, _url = send(draft, users)

    assert link.state(link.created_at + datetime.timedelta(days=3)) == "expired"
    assert link.state(link.created_at + datetime.timedelta(days=2)) == "live"


def test_the_partners_comment_is_on_the_timeline_and_the_office_told(
    users, draft, partner
):
    _link, url = send(draft, users)

    response = partner.post(url + "comment/", {"text": "Mohon ubah pasal 2."})

    assert response.status_code == 302
    event = draft.events.get(kind="partner_comment")
    assert (event.actor_name, event.text, event.shared) == (
        "Rina Wijaya",
        "Mohon ubah pasal 2.",
        True,
    )
    assert Notification.objects.filter(recipient=users["unit_a"]).exists()
    assert "Mohon ubah pasal 2." in partner.get(url).content.decode()


def test_an_empty_comment_is_refused_with_a_message(users, draft, partner):
    _link, url = send(draft, users)

    response = partner.post(url + "comment/", {"text": "  "})

    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"]


def test_the_partner_sends_a_counter_version(users, draft, partner):
    _link, url = send(draft, users)

    response = partner.post(
        url + "upload/",
        {"file": docx_upload("Versi mitra."), "note": "Pasal 2 diubah"},
    )

    assert response.status_code == 302
    version = draft.versions.get(number=2)
    assert version.source == VersionSource.PARTNER
    assert (version.author_name, version.text) == ("Rina Wijaya", "Versi mitra.")
    assert draft.events.get(kind="partner_version").version == version
    page = partner.get(url)
    assert page.context["approve_form"] is None


def test_a_counter_version_that_is_not_docx_or_pdf_is_refused(users, draft, partner):
    _link, url = send(draft, users)
    fake = SimpleUploadedFile("draft.pdf", b"not a pdf at all", "application/pdf")

    response = partner.post(url + "upload/", {"file": fake})

    assert response.status_code == 400
    assert response.context["version_form"].errors["file"]
    assert draft.versions.count() == 1


def test_approving_needs_the_box_ticked(users, draft, partner):
    link, url = send(draft, users)

    response = partner.post(url + "approve/", {"version": "1"})

    assert response.status_code == 400
    assert response.context["approve_form"].errors["confirm"]
    link.refresh_from_db()
    assert link.used_at is None


def test_a_version_added_while_the_partner_read_must_be_read_first(
    users, draft, partner
):
    link, url = send(draft, users)
    workflow.office_message(agreement=draft, by=users["office"], text="Versi baru.")
    from mitra.agreements import drafting

    drafting.version_upload(
        agreement=draft, by=users["office"], file=docx_upload("Versi 2")
    )

    response = partner.post(url + "approve/", {"version": "1", "confirm": "on"})

    assert response.status_code == 400
    assert response.context["approve_form"].non_field_errors()
    link.refresh_from_db()
    assert link.used_at is None


def test_the_partner_approves_and_the_link_is_used_up(users, draft, partner):
    link, url = send(draft, users)

    response = partner.post(url + "approve/", {"version": "1", "confirm": "on"})

    assert response.status_code == 200
    link.refresh_from_db()
    assert link.used_at is not None
    assert draft.versions.get().partner_approved_at is not None
    assert partner.get(url).status_code == 410


def test_an_earlier_internal_version_is_not_handed_to_the_partner(
    users, draft, partner
):
    generate(draft, users, note="v2")
    _link, url = send(draft, users)
    token = url.split("/")[-2]

    assert (
        partner.get(reverse("agreements:partner_file", args=[token, 1])).status_code
        == 404
    )
    assert (
        partner.get(reverse("agreements:partner_file", args=[token, 2])).status_code
        == 200
    )


def test_the_offices_message_shows_on_the_partners_page(users, draft, partner):
    _link, url = send(draft, users)

    workflow.office_message(
        agreement=draft, by=users["office"], text="Silakan dibaca ulang."
    )

    assert "Silakan dibaca ulang." in partner.get(url).content.decode()
    assert OutboxEmail.objects.filter(
        recipient="rina@galangan.test", body__contains="Silakan dibaca ulang."
    ).exists()


def test_the_internal_review_never_shows_to_the_partner(users, draft, partner):
    _link, url = send(draft, users)

    response = partner.get(url)

    kinds = {event.kind for event in response.context["thread"]}
    assert not any(kind.startswith("review") for kind in kinds)
    assert draft.events.filter(kind="review_approved").exists()
    assert str(users["leader"]) not in response.content.decode()


def test_a_contact_of_another_partner_is_refused(users, draft):
    stranger = ContactFactory(email="x@elsewhere.test")

    with pytest.raises(workflow.ValidationError) as raised:
        workflow.partner_link_send(
            agreement=draft, by=users["office"], contact=stranger
        )

    assert "contact" in raised.value.message_dict
    assert not PartnerLink.objects.exists()


def test_unit_staff_do_not_send_links(client_for, users, draft):
    response = client_for(users["unit_a"]).post(
        reverse("agreements:link_send", args=[draft.pk]),
        {"contact": draft.partner_contact_id},
    )

    assert response.status_code == 403


def test_the_office_sees_the_link_once_when_sending_it(client_for, users, draft):
    response = client_for(users["office"]).post(
        reverse("agreements:link_send", args=[draft.pk]),
        {"contact": draft.partner_contact_id},
        follow=True,
    )

    text = " ".join(str(message) for message in response.context["messages"])
    assert "/agreements/p/" in text


def test_a_flood_of_posts_through_one_link_is_refused(users, draft, partner):
    from mitra.agreements.partner_views import POSTS_PER_WINDOW

    _link, url = send(draft, users)
    for _index in range(POSTS_PER_WINDOW):
        partner.post(url + "comment/", {"text": ""})

    response = partner.post(url + "comment/", {"text": "Satu lagi"})

    assert response.status_code == 429
    assert not draft.events.filter(kind="partner_comment").exists()
