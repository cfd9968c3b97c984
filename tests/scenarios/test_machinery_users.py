"""Acceptance of user administration (issue 3, item 6).

An invited user sets a password through the link once; the link then
answers 410. An expired, reused or replaced link answers 410 too, a forged
one 404, and none of them a 500.
"""

import datetime
import re

from django.urls import reverse

from mitra.core import clock
from mitra.core.models import Invitation, OutboxEmail, Role, User

LINK = re.compile(r"http://testserver(/accounts/invitation/[\w-]+/)")
PASSWORD = "kapal-layar-2024!"


def invite(client, units, email="rina@kampus.test"):
    """Let the head's client invite a new member of staff; return the link."""
    response = client.post(
        reverse("user_create"),
        {
            "first_name": "Rina",
            "email": email,
            "role": Role.UNIT,
            "units": [units["ja"].pk],
            "send_invitation": "on",
        },
    )
    assert response.status_code == 302
    return latest_link(email)


def latest_link(email):
    body = OutboxEmail.objects.filter(recipient=email).order_by("-pk").first().body
    return LINK.search(body)[1]


def set_password(client, link, password=PASSWORD):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_an_invited_user_sets_a_password_once_then_the_link_is_gone(
    users, units, client, client_for
):
    # given the head invites a new member of staff
    link = invite(client_for(users["head"]), units)
    client.logout()
    rina = User.objects.get(email="rina@kampus.test")
    assert not rina.has_usable_password()

    # when the invitee opens the link and sets a password
    page = client.get(link)
    assert page.status_code == 200
    assert "rina@kampus.test" in page.content.decode()
    response = set_password(client, link)

    # then they can log in with it
    assert response.url == reverse("login")
    login = client.post(
        reverse("login"), {"username": "rina@kampus.test", "password": PASSWORD}
    )
    assert login.url == reverse("reports:dashboard")
    client.logout()

    # and the link answers 410, on opening and on a second try alike
    assert client.get(link).status_code == 410
    reused = set_password(client, link, "another-pass-2024!")
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    rina.refresh_from_db()
    assert rina.check_password(PASSWORD)


def test_an_expired_link_answers_410(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()
    expired = clock.now() + datetime.timedelta(days=7, minutes=1)

    with clock.frozen(expired):
        opened = client.get(link)
        tried = set_password(client, link)

    assert opened.status_code == 410
    assert tried.status_code == 410
    assert "expired" in opened.content.decode()
    assert not User.objects.get(email="rina@kampus.test").has_usable_password()


def test_a_link_works_until_just_before_it_expires(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()

    with clock.frozen(clock.now() + datetime.timedelta(days=6, hours=23)):
        assert client.get(link).status_code == 200


def test_a_forged_token_answers_404(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()
    forged = link[:-5] + ("AAAA" if not link.endswith("AAAA/") else "BBBB") + "/"

    assert client.get(forged).status_code == 404
    assert set_password(client, forged).status_code == 404
    assert client.get(reverse("invitation_accept", args=["x" * 500])).status_code == 404


def test_only_a_hash_of_the_token_is_stored(users, units, client_for):
    link = invite(client_for(users["head"]), units)
    token = link.rstrip("/").rsplit("/", 1)[1]

    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_a_second_invitation_revokes_the_first(users, units, client, client_for):
    # given an invitation, then a new one sent by the head
    head_client = client_for(users["head"])
    first = invite(head_client, units)
    rina = User.objects.get(email="rina@kampus.test")
    head_client.post(reverse("user_invitation_send", args=[rina.pk]))
    second = latest_link("rina@kampus.test")
    head_client.logout()

    # then the first link is gone and the second one works
    assert second != first
    assert client.get(first).status_code == 410
    assert set_password(client, first).status_code == 410
    assert set_password(client, second).url == reverse("login")


def test_a_weak_password_is_refused_and_the_link_still_works(
    users, units, client, client_for
):
    link = invite(client_for(users["head"]), units)
    client.logout()

    weak = client.post(link, {"new_password1": "12345", "new_password2": "12345"})
    mismatch = client.post(
        link, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}
    )

    assert weak.status_code == 200
    assert weak.context["form"].errors
    assert mismatch.status_code == 200
    assert client.get(link).status_code == 200


def test_deactivating_an_invited_user_kills_the_link(users, units, client, client_for):
    head_client = client_for(users["head"])
    link = invite(head_client, units)
    rina = User.objects.get(email="rina@kampus.test")

    head_client.post(reverse("user_deactivate", args=[rina.pk]))
    head_client.logout()

    assert client.get(link).status_code == 410
