"""A partner's own proposal on the public site, and the signed link to follow it."""

import re

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from mitra.core.models import Notification, OutboxEmail
from mitra.partners.models import PartnerKind
from mitra.planning.models import CooperationType
from mitra.proposals import services
from mitra.proposals.models import EventKind, Proposal, Source, Status
from tests.factories import PartnerFactory
from tests.proposals.conftest import docx_upload, fake_pdf_upload, pdf_upload

URL = "/proposals/propose/"


def public_data(kinds, partner_kind, **extra):
    data = {
        "proposer_name": "Sari Wulandari",
        "proposer_position": "HR Manager",
        "proposer_email": "sari@galangan.test",
        "proposer_phone": "0812-000",
        "proposer_organisation": "PT Galangan Kapal Riau",
        "partner_kind": partner_kind.pk,
        "partner_country": "Indonesia",
        "title": "Magang teknik perkapalan",
        "document_type": "mou",
        "cooperation_types": [kind.pk for kind in kinds],
        "tridharma": ["education"],
        "expected_benefit": "Tenaga kerja terampil.",
        "planned_activities": "Magang enam bulan.",
        "consent": "on",
        "website": "",
    }
    data.update(extra)
    return data


def link_in(email):
    return re.search(r"https?://\S+/proposals/follow/\S+/", email.body).group(0)


def path_of(link):
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_the_public_form_needs_no_account(client, db):
    assert reverse("proposals:public_create") == URL
    assert client.get(URL).status_code == 200


def test_a_partner_proposes_and_receives_a_signed_link(
    client, db, users, kinds, partner_kind
):
    # when a partner sends a proposal
    response = client.post(URL, public_data(kinds, partner_kind))

    # then it is recorded, submitted and from outside
    assert response.status_code == 302
    assert response.url == reverse("proposals:public_thanks")
    proposal = Proposal.objects.get()
    assert proposal.is_external
    assert proposal.status == Status.SUBMITTED
    assert proposal.source == Source.PARTNER_REQUEST
    assert proposal.created_by is None
    assert (
        proposal.partner is None and proposal.partner_name == "PT Galangan Kapal Riau"
    )
    assert proposal.contact_email == "sari@galangan.test"
    step = proposal.events.get(kind=EventKind.TRANSITION)
    assert step.actor is None and step.actor_name == "Sari Wulandari"

    # and the office and the head are told
    assert Notification.objects.filter(recipient=users["office"]).count() == 1
    assert Notification.objects.filter(recipient=users["head"]).count() == 1

    # and the partner gets a confirmation with a link that shows the status
    receipt = OutboxEmail.objects.get(recipient="sari@galangan.test")
    page = client.get(path_of(link_in(receipt)))
    assert page.status_code == 200
    assert page.context["proposal"] == proposal
    assert 'data-status="submitted"' in page.content.decode()

    # and the thank-you page links there too
    thanks = client.get(response.url)
    assert 'id="status-link"' in thanks.content.decode()


def test_a_registered_partner_is_recognised_by_its_name(
    client, db, kinds, partner_kind
):
    known = PartnerFactory(name="Galangan Kapal Riau, PT")

    client.post(URL, public_data(kinds, partner_kind))

    assert Proposal.objects.get().partner == known


def test_missing_fields_are_shown_and_nothing_is_saved(client, db, kinds, partner_kind):
    data = public_data(kinds, partner_kind, proposer_email="", title="", consent="")
    del data["cooperation_types"]

    response = client.post(URL, data)

    assert response.status_code == 200
    assert {"proposer_email", "title", "consent", "cooperation_types"} <= set(
        response.context["form"].errors
    )
    assert not Proposal.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_an_moa_without_tor_is_refused(client, db, kinds, partner_kind):
    response = client.post(URL, public_data(kinds, partner_kind, document_type="moa"))

    assert "tor_file" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_a_tor_that_is_not_a_pdf_is_refused(client, db, kinds, partner_kind):
    response = client.post(
        URL,
        public_data(
            kinds, partner_kind, document_type="ia", tor_file=fake_pdf_upload()
        ),
    )

    assert "tor_file" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_an_ia_with_a_docx_tor_and_a_pdf_attachment_is_accepted(
    client, db, kinds, partner_kind
):
    client.post(
        URL,
        public_data(
            kinds,
            partner_kind,
            document_type="ia",
            tor_file=docx_upload(),
            attachment=pdf_upload("profil.pdf"),
        ),
    )

    proposal = Proposal.objects.get()
    assert proposal.tor_file
    assert proposal.attachments.get().description == "profil.pdf"


def test_the_honeypot_turns_robots_away_quietly(client, db, kinds, partner_kind):
    response = client.post(
        URL, public_data(kinds, partner_kind, website="http://spam.test")
    )

    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_fifty_submissions_in_a_minute_from_one_address_are_refused(
    client, db, kinds, partner_kind
):
    statuses = [
        client.post(
            URL,
            public_data(kinds, partner_kind, title=f"Usulan {index}"),
            REMOTE_ADDR="203.0.113.7",
        ).status_code
        for index in range(50)
    ]

    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Proposal.objects.count() == 5
    refused = client.post(
        URL, public_data(kinds, partner_kind), REMOTE_ADDR="203.0.113.7"
    )
    assert refused.status_code == 429
    assert refused["Retry-After"]
    # another address is not affected
    other = client.post(
        URL, public_data(kinds, partner_kind), REMOTE_ADDR="198.51.100.2"
    )
    assert other.status_code == 302


@override_settings(MITRA_PUBLIC_PROPOSALS_PER_HOUR=1)
def test_the_hourly_limit_is_a_setting(client, db, kinds, partner_kind):
    assert client.post(URL, public_data(kinds, partner_kind)).status_code == 302
    assert client.post(URL, public_data(kinds, partner_kind)).status_code == 429


# --- the status link ------------------------------------------------------------


@pytest.fixture
def public_proposal(client, db, kinds, partner_kind):
    client.post(URL, public_data(kinds, partner_kind))
    return Proposal.objects.get()


def status_url(proposal):
    return reverse("proposals:public_status", args=[services.status_token(proposal)])


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "eyJwIjoxfQ:1tXyZ:abcdefghijklmnopqrstuvwxyz0123456789ABCD",
        signing.dumps({"p": 1}, salt="another.salt"),
    ],
    ids=["plain-text", "bad-signature", "other-salt"],
)
def test_a_forged_link_is_404_and_tells_nothing(client, public_proposal, token):
    response = client.get(reverse("proposals:public_status", args=[token]))

    assert response.status_code == 404
    assert public_proposal.title not in response.content.decode()


def test_a_link_to_a_unit_proposal_is_404(client, make_proposal):
    proposal = make_proposal()

    assert client.get(status_url(proposal)).status_code == 404


def test_an_expired_link_is_410_and_offers_a_fresh_one(
    client, public_proposal, monkeypatch
):
    old = signing.b62_encode(int(__import__("time").time()) - 200 * 24 * 3600)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: old)
    token = services.status_token(public_proposal)
    monkeypatch.undo()

    response = client.get(reverse("proposals:public_status", args=[token]))

    assert response.status_code == 410
    content = response.content.decode()
    assert public_proposal.title not in content
    assert reverse("proposals:public_link") in content


def test_a_fresh_link_is_sent_to_the_address_and_the_page_never_tells(
    client, public_proposal
):
    before = OutboxEmail.objects.count()

    unknown = client.post(reverse("proposals:public_link"), {"email": "x@y.test"})
    known = client.post(
        reverse("proposals:public_link"), {"email": "SARI@galangan.test"}
    )

    def main(response):
        return response.content.decode().split("<main", 1)[1]

    assert main(unknown) == main(known)
    assert OutboxEmail.objects.count() == before + 1
    email = OutboxEmail.objects.latest("pk")
    assert email.recipient == "sari@galangan.test"
    assert client.get(path_of(link_in(email))).status_code == 200


def test_the_partner_follows_each_step_and_is_emailed(client, public_proposal, users):
    services.proposal_start_analysis(proposal=public_proposal, by=users["office"])

    page = client.get(status_url(public_proposal))

    assert 'data-status="under_analysis"' in page.content.decode()
    emails = OutboxEmail.objects.filter(recipient="sari@galangan.test")
    assert emails.count() == 2  # the receipt and the step
    assert "/proposals/follow/" in emails.latest("pk").body


def test_the_partner_withdraws_through_the_link(client, public_proposal, users):
    response = client.post(status_url(public_proposal), {"action": "withdraw"})

    assert response.status_code == 302
    public_proposal.refresh_from_db()
    assert public_proposal.status == Status.WITHDRAWN
    assert public_proposal.events.last().actor_name == "Sari Wulandari"


def test_the_partner_revises_when_asked(client, public_proposal, users, kinds):
    services.proposal_request_revision(
        proposal=public_proposal, by=users["office"], comment="Sebutkan jumlah peserta."
    )
    url = reverse(
        "proposals:public_revise", args=[services.status_token(public_proposal)]
    )

    response = client.post(
        url,
        {
            "title": "Magang teknik perkapalan (revisi)",
            "document_type": "mou",
            "cooperation_types": [kinds[0].pk],
            "tridharma": ["education"],
            "expected_benefit": "Tenaga kerja terampil.",
            "planned_activities": "Magang enam bulan untuk 10 mahasiswa.",
            "comment": "Jumlah peserta ditambahkan.",
        },
    )

    assert response.status_code == 302
    public_proposal.refresh_from_db()
    assert public_proposal.status == Status.SUBMITTED
    assert public_proposal.title.endswith("(revisi)")


def test_status_pages_are_rate_limited(client, public_proposal):
    url = reverse("proposals:public_status", args=["forged"])

    codes = {client.get(url, REMOTE_ADDR="192.0.2.9").status_code for _ in range(130)}

    assert codes == {404, 429}


@pytest.mark.indonesian
def test_the_form_names_kinds_and_cooperation_types_in_the_readers_language(client, db):
    kind = PartnerKind.objects.filter(name_en__gt="").first()
    form = CooperationType.objects.filter(is_active=True, name_en__gt="").first()
    url = reverse("proposals:public_create")

    indonesian = client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    english = client.get(url).content.decode()

    assert kind.name in indonesian and kind.name_en in english
    assert form.name in indonesian and form.name_en in english
    assert kind.name_en not in indonesian or kind.name_en == kind.name
