"""In a real browser: a partner proposes on the public site, then follows the
proposal through the signed link of the confirmation email."""

import re

from django.core.cache import cache

from mitra.core.models import OutboxEmail
from mitra.partners.models import PartnerKind
from mitra.planning.models import CooperationType
from mitra.proposals import services
from mitra.proposals.models import Proposal, Status
from tests.browser.conftest import log_in


def test_a_partner_proposes_and_follows_it_by_the_signed_link(
    page, live_server, transactional_db, users
):
    cache.clear()
    # Created here: an earlier transactional test may have emptied the
    # tables the migrations seed.
    kind, _new = PartnerKind.objects.get_or_create(
        code="industry", defaults={"name": "Industri"}
    )
    internship, _new = CooperationType.objects.get_or_create(
        code="magang", defaults={"name": "Magang/praktik kerja", "education": True}
    )

    # given a partner on the public form, without an account
    page.goto(f"{live_server.url}/proposals/propose/")
    assert page.locator("#nav-notifications").count() == 0

    # when they fill it in and send it
    page.fill("#id_proposer_name", "Sari Wulandari")
    page.fill("#id_proposer_email", "sari@galangan.example")
    page.fill("#id_proposer_organisation", "PT Galangan Kapal Riau")
    page.select_option("#id_partner_kind", str(kind.pk))
    page.fill("#id_title", "Magang teknik perkapalan")
    page.select_option("#id_document_type", "mou")
    page.check(f"input[name=cooperation_types][value='{internship.pk}']")
    page.check("input[name=tridharma][value=education]")
    page.fill("#id_expected_benefit", "Tenaga kerja yang terampil.")
    page.fill("#id_planned_activities", "Magang enam bulan untuk sepuluh mahasiswa.")
    page.check("#id_consent")
    page.click("#public-proposal-form button[type=submit]")
    page.wait_for_url("**/proposals/propose/thanks/")

    # then the proposal is submitted and a confirmation with a link is queued
    proposal = Proposal.objects.get()
    assert proposal.status == Status.SUBMITTED and proposal.is_external
    receipt = OutboxEmail.objects.get(recipient="sari@galangan.example")
    path = re.search(r"(/proposals/follow/\S+/)", receipt.body).group(1)

    # when they open the link from the email
    page.goto(f"{live_server.url}{path}")

    # then they see their proposal and its status
    assert "Magang teknik perkapalan" in page.text_content("h1")
    assert page.locator("[data-status=submitted]").count() == 1

    # when the office asks for a revision, the same link shows it
    services.proposal_request_revision(
        proposal=proposal, by=users["office"], comment="Tambahkan jadwal magang."
    )
    page.reload()
    assert page.locator("[data-status=revision_requested]").count() == 1
    assert "Tambahkan jadwal magang." in page.text_content("#public-timeline")

    # and they revise and send it back through the link
    page.click(f"a[href='{path}revise/']")
    page.fill("#id_planned_activities", "Magang Maret-Agustus untuk 10 mahasiswa.")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{path}")
    assert page.locator("[data-status=submitted]").count() == 1

    # and a forged link shows nothing
    missing = page.goto(f"{live_server.url}/proposals/follow/forged-token/")
    assert missing.status == 404

    # and the office finds the proposal from outside in its list
    log_in(page, live_server, "office")
    page.goto(f"{live_server.url}/proposals/")
    assert "Magang teknik perkapalan" in page.text_content("main table")
