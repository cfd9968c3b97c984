"""In a real browser on a phone-sized screen: a partner answers the survey."""

import datetime

from mitra.core import clock
from mitra.surveys.models import Answer, Invitation, Response
from tests.surveys.helpers import make_contacts, make_round, tokens_sent_to


def test_a_partner_answers_the_survey_on_a_phone(
    phone, live_server, transactional_db, users
):
    # given a round open today, to which a contact was invited
    today = clock.today()
    contacts = make_contacts(1, language="id")
    round = make_round(
        by=users["office"],
        contacts=contacts,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        open_on=today,
    )
    token = tokens_sent_to(contacts[0].email)[-1]

    # when the contact opens the link on a phone
    phone.goto(f"{live_server.url}/surveys/s/{token}/")

    # then the page fits the screen and its choices are easy to tap
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    choice = phone.locator("label.survey-choice").first
    box = choice.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300

    # when they switch to English and back, then tap an answer per question
    phone.click("#switch-en")
    phone.wait_for_url("**?lang=en")
    assert "Ideas for new cooperation" in phone.text_content("main")
    phone.click("#switch-id")
    phone.wait_for_url("**?lang=id")
    for item in round.instrument.items.filter(kind="scale", required=True):
        phone.tap(f"label[for=id_item_{item.pk}_2]")  # the third choice: 3
    phone.fill("textarea", "Kelas industri bersama")
    phone.tap("#send-survey")

    # then they are thanked and the answers are stored, once
    phone.wait_for_selector("#thanks")
    assert Response.objects.filter(round=round).count() == 1
    assert Invitation.objects.get(round=round).responded
    assert Answer.objects.get(item__code="U1").value == 3
    assert Answer.objects.get(item__code="K12").text == "Kelas industri bersama"

    # and going back to the link shows that it no longer works
    response = phone.goto(f"{live_server.url}/surveys/s/{token}/")
    assert response.status == 410
