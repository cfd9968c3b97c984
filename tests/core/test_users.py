"""Account administration: only the head and administrators manage users;
deactivating keeps history and blocks log-in; password reset by email."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core import services
from mitra.core.models import OutboxEmail, Role, User
from tests.factories import AgreementFactory, UserFactory

OTHER_ROLES = ["office", "leader", "auditor", "unit_a"]


def user_pages(target):
    return [
        ("get", reverse("user_list")),
        ("get", reverse("user_create")),
        ("get", reverse("user_detail", args=[target.pk])),
        ("get", reverse("user_edit", args=[target.pk])),
        ("post", reverse("user_deactivate", args=[target.pk])),
        ("post", reverse("user_reactivate", args=[target.pk])),
        ("post", reverse("user_invitation_send", args=[target.pk])),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_it_refuses_user_administration_to_other_roles(users, client_for, role):
    client = client_for(users[role])

    for method, url in user_pages(users["unit_b"]):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    users["unit_b"].refresh_from_db()
    assert users["unit_b"].is_active


@pytest.mark.parametrize("role", ["head", "admin"])
def test_it_opens_user_administration_to_head_and_admin(users, client_for, role):
    client = client_for(users[role])

    for method, url in user_pages(users["unit_b"])[:4]:
        assert getattr(client, method)(url).status_code == 200, url


def test_it_shows_the_users_link_only_to_head_and_admin(users, client_for):
    link = f'href="{reverse("user_list")}"'
    page = reverse("profile")

    assert link in client_for(users["head"]).get(page).content.decode()
    assert link in client_for(users["admin"]).get(page).content.decode()
    assert link not in client_for(users["office"]).get(page).content.decode()


def test_the_head_cannot_change_an_administrator(users, client_for):
    client = client_for(users["head"])
    admin = users["admin"]

    assert client.get(reverse("user_detail", args=[admin.pk])).status_code == 200
    assert client.get(reverse("user_edit", args=[admin.pk])).status_code == 403
    response = client.post(reverse("user_deactivate", args=[admin.pk]))

    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.is_active


def test_it_creates_a_user_and_emails_an_invitation(users, units, client_for):
    client = client_for(users["head"])

    response = client.post(
        reverse("user_create"),
        {
            "first_name": "Sari",
            "last_name": "Wulandari",
            "email": "sari@kampus.test",
            "role": Role.UNIT,
            "units": [units["ja1"].pk],
            "position": "Kaprodi",
            "send_invitation": "on",
        },
    )

    sari = User.objects.get(email="sari@kampus.test")
    assert response.url == reverse("user_detail", args=[sari.pk])
    assert sari.username == "sari@kampus.test"
    assert not sari.has_usable_password()
    assert list(sari.units.all()) == [units["ja1"]]
    email = OutboxEmail.objects.get(recipient="sari@kampus.test")
    assert re.search(r"http://testserver/accounts/invitation/[\w-]{40,}/", email.body)


def test_it_creates_a_user_without_an_invitation(users, client_for):
    client = client_for(users["head"])

    client.post(
        reverse("user_create"),
        {"email": "budi@kampus.test", "username": "budi", "role": Role.AUDITOR},
    )

    assert User.objects.get(username="budi").role == Role.AUDITOR
    assert not OutboxEmail.objects.exists()


def test_it_refuses_an_email_already_in_use(users, client_for):
    client = client_for(users["head"])

    response = client.post(
        reverse("user_create"),
        {"email": "UNIT_A@example.test", "role": Role.UNIT, "send_invitation": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.filter(email__iexact="unit_a@example.test").count() == 1
    assert not OutboxEmail.objects.exists()


def test_it_refuses_a_bad_username(users, client_for):
    response = client_for(users["head"]).post(
        reverse("user_create"),
        {"email": "x@kampus.test", "username": "no spaces!", "role": Role.UNIT},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(email="x@kampus.test").exists()


def test_it_edits_role_and_units_and_records_them(users, units, client_for):
    # given unit staff of jurusan A
    client = client_for(users["head"])
    target = users["unit_a"]

    # when the head moves them to jurusan B as office staff
    response = client.post(
        reverse("user_edit", args=[target.pk]),
        {
            "first_name": target.first_name,
            "last_name": "Baru",
            "email": target.email,
            "role": Role.OFFICE,
            "units": [units["jb"].pk],
            "position": "Staf",
            "phone": "0812",
            "is_active": "on",
        },
    )

    # then the account is changed and the history says what and who
    assert response.url == reverse("user_detail", args=[target.pk])
    target.refresh_from_db()
    assert target.role == Role.OFFICE
    assert [unit.code for unit in target.units.all()] == ["JB"]
    latest = target.history.latest()
    assert latest.history_user == users["head"]
    assert "JA → JB" in latest.history_change_reason
    page = client.get(reverse("user_detail", args=[target.pk])).content.decode()
    assert "JA → JB" in page
    assert "Baru" in page


def test_the_head_cannot_demote_or_deactivate_themselves(users, units, client_for):
    head = users["head"]
    client = client_for(head)

    client.post(
        reverse("user_edit", args=[head.pk]),
        {
            "first_name": "Kepala",
            "email": head.email,
            "role": Role.UNIT,
            "units": [units["office"].pk],
        },
    )
    response = client.post(reverse("user_deactivate", args=[head.pk]), follow=True)

    head.refresh_from_db()
    assert head.first_name == "Kepala"
    assert head.role == Role.HEAD
    assert head.is_active
    assert "cannot deactivate your own account" in response.content.decode()


def test_deactivating_keeps_history_and_records_and_blocks_log_in(
    users, client, client_for
):
    # given unit staff responsible for an agreement, with a history
    target = users["unit_a"]
    agreement = AgreementFactory(responsible_user=target, units=[])
    services.user_update(user=target, by=users["head"], position="Dosen")
    history_before = target.history.count()
    own_session = client_for(target)
    assert own_session.get(reverse("profile")).status_code == 200
    own_session.logout()

    # when the head deactivates the account
    head_client = client_for(users["head"])
    head_client.post(reverse("user_deactivate", args=[target.pk]))

    # then nothing is deleted, the change is recorded, and log-in fails
    target.refresh_from_db()
    assert not target.is_active
    agreement.refresh_from_db()
    assert agreement.responsible_user == target
    assert target.history.count() == history_before + 1
    assert target.history.latest().history_change_reason == "Deactivated"
    head_client.logout()
    response = client.post(
        reverse("login"), {"username": "unit_a", "password": "secret-pass-123"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_a_deactivated_user_is_logged_out_of_an_open_session(users, client_for):
    client = client_for(users["unit_b"])
    services.user_deactivate(user=users["unit_b"], by=users["head"])

    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_reactivating_lets_the_user_log_in_again(users, client_for, client):
    target = users["unit_b"]
    services.user_deactivate(user=target, by=users["head"])

    client_for(users["head"]).post(reverse("user_reactivate", args=[target.pk]))
    client.logout()
    response = client.post(
        reverse("login"), {"username": "unit_b", "password": "secret-pass-123"}
    )

    assert response.status_code == 302


def test_logging_in_adds_no_history_entry(users, client):
    before = users["office"].history.count()

    client.post(reverse("login"), {"username": "office", "password": "secret-pass-123"})

    assert users["office"].history.count() == before


def test_the_list_filters_by_role_unit_state_and_text(users, units, client_for):
    client = client_for(users["head"])
    services.user_deactivate(user=users["unit_b"], by=users["head"])

    def names(**params):
        response = client.get(reverse("user_list"), params)
        return sorted(row.record.username for row in response.context["table"].rows)

    assert names(role="auditor") == ["auditor"]
    assert names(role="admin") == ["admin"]
    assert names(unit="JB") == ["unit_b"]
    assert names(unit="ROOT") == ["head", "office", "unit_a", "unit_b"]
    assert names(active="no") == ["unit_b"]
    assert names(q="unit_a@example") == ["unit_a"]
    assert names(role="nonsense") == sorted(user.username for user in users.values())


def test_the_list_runs_the_same_queries_for_5_and_50_users(users, units, client_for):
    client = client_for(users["head"])

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("user_list")).status_code == 200
        return len(context)

    UserFactory.create_batch(5, units=[units["ja"]])
    few = queries()
    UserFactory.create_batch(45, units=[units["jb"], units["ja1"]])
    assert queries() == few


def test_the_head_resends_an_invitation_only_before_a_password_is_set(
    users, client_for
):
    client = client_for(users["head"])
    newcomer = services.user_create(
        by=users["head"], email="new@kampus.test", role=Role.UNIT
    )

    client.post(reverse("user_invitation_send", args=[newcomer.pk]))
    response = client.post(
        reverse("user_invitation_send", args=[users["unit_a"].pk]), follow=True
    )

    assert OutboxEmail.objects.filter(recipient="new@kampus.test").count() == 1
    assert not OutboxEmail.objects.filter(recipient="unit_a@example.test").exists()
    assert "already set a password" in response.content.decode()


# --- Password reset ---------------------------------------------------------------


def test_password_reset_sends_the_link_through_the_outbox(users, client):
    response = client.post(reverse("password_reset"), {"email": "unit_a@example.test"})

    assert response.url == reverse("password_reset_done")
    email = OutboxEmail.objects.get()
    assert email.recipient == "unit_a@example.test"
    assert "unit_a" in email.body
    assert "/accounts/password/reset/" in email.body


def test_password_reset_tells_nothing_about_unknown_addresses(users, client):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"})

    assert response.url == reverse("password_reset_done")
    assert not OutboxEmail.objects.exists()


def test_password_reset_sends_nothing_to_a_deactivated_account(users, client):
    services.user_deactivate(user=users["unit_a"], by=users["head"])

    client.post(reverse("password_reset"), {"email": "unit_a@example.test"})

    assert not OutboxEmail.objects.exists()


def test_the_reset_link_sets_a_new_password(users, client):
    # given a reset email
    client.post(reverse("password_reset"), {"email": "unit_a@example.test"})
    link = re.search(r"http://testserver(\S+)", OutboxEmail.objects.get().body)[1]

    # when the link is followed and a new password chosen
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "laut-biru-2024!", "new_password2": "laut-biru-2024!"},
    )

    # then the password is changed
    assert response.url == reverse("password_reset_complete")
    users["unit_a"].refresh_from_db()
    assert users["unit_a"].check_password("laut-biru-2024!")


def test_the_reset_pages_need_no_log_in_and_render(db, client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200
    bad = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert bad.status_code == 200
    assert not bad.context["validlink"]


def test_the_last_log_in_is_the_day_in_jakarta(users, client_for):
    # 18:00 UTC on 4 December is already 5 December in Jakarta.
    target = users["unit_a"]
    target.last_login = datetime.datetime(2026, 12, 4, 18, 0, tzinfo=datetime.UTC)
    target.save(update_fields=["last_login"])

    page = client_for(users["head"]).get(reverse("user_list")).content.decode()

    assert "05/12/2026" in page and "04/12/2026" not in page
