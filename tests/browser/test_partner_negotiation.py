"""In a real browser on a phone-sized screen: the partner reads the draft
through its link, comments and approves."""

from mitra.agreements import workflow
from tests.agreements.workflow_helpers import (
    generate,
    make_clauses,
    new_draft,
    review_approved,
)
from tests.browser.conftest import ARTIFACTS


def test_the_partner_comments_and_approves_on_a_phone(
    phone, live_server, transactional_db, users, units
):
    # given a draft approved in review and a link sent to the partner
    agreement = new_draft(users, units)
    generate(agreement, users, make_clauses())
    review_approved(agreement, users)
    _link, url = workflow.partner_link_send(
        agreement=agreement, by=users["office"], base_url=live_server.url
    )

    # when the contact opens the link on a phone
    phone.goto(url)

    # then the draft is readable without sideways scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Perselisihan diselesaikan secara musyawarah." in phone.text_content(
        "#draft-text"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(
        path=str(ARTIFACTS / "partner-draft-on-a-phone.png"), full_page=True
    )

    # when they comment
    phone.fill("#comment textarea", "Pasal 2 sudah sesuai.")
    phone.tap("#comment-button")
    phone.wait_for_selector(".thread-partner_comment")
    assert "Pasal 2 sudah sesuai." in phone.text_content("#thread")

    # and approve the version, ticking the confirmation
    phone.tap("#approve label.form-check-label")
    phone.tap("#approve-button")

    # then they are thanked, and the approval is on the agreement's timeline
    phone.wait_for_selector("#approved")
    kinds = list(agreement.events.values_list("kind", flat=True))
    assert "partner_comment" in kinds and "partner_approved" in kinds
    assert agreement.versions.get().partner_approved_at is not None

    # and the used link no longer opens
    response = phone.goto(url)
    assert response.status == 410
