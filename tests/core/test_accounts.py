"""Log in, log out, change password; every page needs a login."""

from django.urls import reverse


def test_pages_need_a_login(db, client):
    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_logs_in_and_out(users, client):
    response = client.post(
        reverse("login"), {"username": "office", "password": "secret-pass-123"}
    )
    assert response.url == reverse("reports:dashboard")

    client.post(reverse("logout"))
    assert client.get(reverse("reports:dashboard")).status_code == 302


def test_a_wrong_password_gets_a_message(users, client):
    response = client.post(reverse("login"), {"username": "office", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_it_changes_the_password(users, client_for):
    client = client_for(users["unit_a"])

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "a-new-long-pass-42",
            "new_password2": "a-new-long-pass-42",
        },
    )

    assert response.url == reverse("password_change_done")
    users["unit_a"].refresh_from_db()
    assert users["unit_a"].check_password("a-new-long-pass-42")


def test_the_profile_shows_role_and_units(users, client_for):
    response = client_for(users["unit_a"]).get(reverse("profile"))

    assert "Jurusan A" in response.content.decode()
