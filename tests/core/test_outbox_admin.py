"""The outbox in the admin shows what was sent, never a partner's link."""

from django.urls import reverse

from mitra.core.admin import mask_link_tokens
from mitra.core.models import OutboxEmail
from tests.surveys.helpers import OPENS, make_contacts, make_round, tokens_sent_to


def test_the_admin_masks_the_personal_part_of_every_link(users, client_for):
    (contact,) = make_contacts(1)
    make_round(by=users["office"], contacts=[contact], open_on=OPENS)
    (token,) = tokens_sent_to(contact.email)
    email = OutboxEmail.objects.get(recipient=contact.email)

    page = client_for(users["admin"]).get(
        reverse("admin:core_outboxemail_change", args=[email.pk])
    )

    assert page.status_code == 200
    assert token not in page.content.decode()
    assert "/surveys/s/…/" in page.content.decode()
    assert 'name="body"' not in page.content.decode()  # shown, not editable


def test_masking_keeps_ordinary_addresses():
    token = "a" * 43
    text = f"See http://mitra.test/agreements/12/ and http://mitra.test/s/{token}/"
    masked = mask_link_tokens(text)
    assert "/agreements/12/" in masked
    assert token not in masked
