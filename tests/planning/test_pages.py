"""Every planning page answers each role with a page or a refusal, never an
error, with records of every kind in place."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mitra.planning import services
from mitra.planning.models import MultiYearPlan
from tests.agreements.uploads import pdf_upload
from tests.planning.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db

ROLES = ["office", "head", "leader", "auditor", "unit_a", "unit_b", "admin"]


@pytest.fixture
def records(users, units, types, frozen_today):
    office = users["office"]
    mapping = services.mapping_open(year=YEAR, by=office, instructions="Isi ya")
    services.need_cells_save(
        mapping=mapping,
        unit=units["ja"],
        by=office,
        rows=[{"cooperation_type": types["magang"], "level": "high", "notes": "x"}],
    )
    target = services.target_save(year=YEAR, by=office, unit=units["ja"], count=2)
    meeting = services.meeting_create(
        by=office,
        kind="unit",
        unit=units["ja"],
        title="Rapat",
        date=TODAY + datetime.timedelta(days=3),
        discussion="Dibahas",
        attendees=[{"user": users["unit_a"]}, {"name": "Tamu"}],
        action_items=[{"description": "Kerjakan", "owner": users["unit_a"]}],
    )
    programme = services.programme_open(year=YEAR, by=office)
    item = services.programme_item_save(
        programme=programme,
        by=office,
        title="Inisiatif",
        budget=Decimal("1000"),
        start_month=1,
        end_month=3,
        target=target,
        cooperation_types=[types["riset"]],
    )
    plan = services.plan_upload(
        by=office, file=pdf_upload(), title="Renstra", start_year=2025, end_year=2029
    )
    return {
        "mapping": mapping,
        "target": target,
        "meeting": meeting,
        "programme": programme,
        "item": item,
        "plan": plan,
    }


def pages(records, units):
    meeting, target = records["meeting"], records["target"]
    return [
        reverse("planning:index"),
        reverse("planning:workspace", args=[YEAR]),
        reverse("planning:workspace", args=[YEAR + 1]),
        reverse("planning:type_list"),
        reverse("planning:type_create"),
        reverse("planning:mapping_list"),
        reverse("planning:mapping", args=[YEAR]),
        reverse("planning:mapping", args=[YEAR + 5]),
        reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk]),
        reverse("planning:mapping_fill", args=[YEAR, units["root"].pk]),
        reverse("planning:target_years"),
        reverse("planning:targets", args=[YEAR]),
        reverse("planning:target_create", args=[YEAR]),
        reverse("planning:target_edit", args=[YEAR, target.pk]),
        reverse("planning:target_edit", args=[YEAR + 1, target.pk]),
        reverse("planning:meeting_list") + "?year=abc&kind=nope",
        reverse("planning:meeting_create") + "?unit=abc",
        meeting.get_absolute_url(),
        reverse("planning:meeting_edit", args=[meeting.pk]),
        reverse("planning:meeting", args=[999999]),
        reverse("planning:action_list"),
        reverse("planning:programme_list"),
        reverse("planning:programme", args=[YEAR]),
        reverse("planning:programme_edit", args=[YEAR]),
        reverse("planning:item_create", args=[YEAR]),
        reverse("planning:item_edit", args=[records["item"].pk]),
        reverse("planning:programme_from_proposals", args=[YEAR]),
        reverse("planning:plans"),
        reverse("planning:plan_create"),
        reverse("planning:plan_edit", args=[records["plan"].pk]),
        reverse("planning:plan_file", args=[records["plan"].pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_for_any_role(client_for, users, units, records, role):
    client = client_for(users[role])

    answers = {url: client.get(url).status_code for url in pages(records, units)}

    assert set(answers.values()) <= {200, 302, 403, 404}, answers


def test_a_logged_out_visitor_is_sent_to_log_in(client, units, records):
    for url in pages(records, units):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_posts_with_garbage_are_refused_cleanly(client_for, users, units, records):
    client = client_for(users["office"])
    meeting, item = records["meeting"], records["item"]
    posts = [
        (reverse("planning:mapping_list"), {"year": "abc"}),
        (reverse("planning:programme_list"), {"year": "1800"}),
        (reverse("planning:targets_copy", args=[YEAR]), {"from_year": "x"}),
        (reverse("planning:item_status", args=[item.pk]), {"status": "nope"}),
        (reverse("planning:action_status", args=[999999]), {"done": "1"}),
        (reverse("planning:programme_from_proposals", args=[YEAR]), {"proposal": "x"}),
        (reverse("planning:meeting_edit", args=[meeting.pk]), {"kind": "??"}),
        (reverse("planning:mapping_fill", args=[YEAR, units["ja"].pk]), {}),
        (reverse("planning:plan_create"), {"title": "x", "start_year": "y"}),
        (reverse("planning:type_create"), {"name": "", "ordering": "-1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (200, 302, 400, 404), url
    assert MultiYearPlan.objects.count() == 1


def test_the_planning_menu_is_in_the_navigation(client_for, users, records):
    page = client_for(users["unit_a"]).get(reverse("planning:mapping_list"))

    assert 'id="nav-planning"' in page.content.decode()
