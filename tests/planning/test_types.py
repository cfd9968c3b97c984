"""The cooperation-type catalogue: its pages and who may change it."""

import pytest
from django.urls import reverse

from mitra.planning.models import CooperationType

pytestmark = pytest.mark.django_db


def test_it_lists_types_with_their_fields_for_every_staff_user(
    client_for, users, types
):
    response = client_for(users["unit_a"]).get(reverse("planning:type_list"))

    assert response.status_code == 200
    assert "Riset bersama" in response.content.decode()
    assert "New cooperation type" not in response.content.decode()


def test_the_office_adds_a_type_with_its_fields_and_a_code_from_the_name(
    client_for, users, types
):
    response = client_for(users["office"]).post(
        reverse("planning:type_create"),
        {
            "name": "Kuliah tamu industri",
            "name_en": "Industry guest lecture",
            "description": "Praktisi memberi kuliah.",
            "fields": ["education", "community_service"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    kind = CooperationType.objects.get(name="Kuliah tamu industri")
    assert kind.code == "kuliah-tamu-industri"
    assert kind.fields == {"education", "community_service"}
    assert kind.is_active


def test_a_second_type_with_the_same_name_is_refused_on_the_field(
    client_for, users, types
):
    response = client_for(users["office"]).post(
        reverse("planning:type_create"), {"name": "magang", "is_active": "on"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"]


def test_the_office_deactivates_a_type_and_changes_its_description(
    client_for, users, types
):
    kind = types["pkm"]

    response = client_for(users["office"]).post(
        reverse("planning:type_edit", args=[kind.pk]),
        {"name": "Pengabdian", "description": "Baru", "fields": ["research"]},
    )

    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.is_active is False
    assert kind.description == "Baru"
    assert kind.fields == {"research"}


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_only_the_office_and_head_change_the_catalogue(client_for, users, types, role):
    client = client_for(users[role])

    assert client.get(reverse("planning:type_create")).status_code == 403
    assert (
        client.post(
            reverse("planning:type_edit", args=[types["pkm"].pk]), {"name": "X"}
        ).status_code
        == 403
    )
