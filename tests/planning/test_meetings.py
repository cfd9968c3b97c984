"""Meetings and minutes (form BO.29.3.1): recording, who sees them, approval
that issues them, printing, and action items."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from mitra.core.models import NumberingPattern
from mitra.documents import services as documents
from mitra.documents.models import IssuedDocument
from mitra.planning import services
from mitra.planning.models import ActionItem, ActionStatus, Meeting, MeetingKind
from tests.documents.helpers import docx_upload, make_docx
from tests.planning.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(users, units, frozen_today):
    return services.meeting_create(
        by=users["office"],
        kind=MeetingKind.UNIT,
        title="Rapat dengan Jurusan A",
        date=TODAY,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        place="Ruang rapat",
        unit=units["ja"],
        agenda="Kebutuhan magang",
        discussion="Jurusan A butuh mitra industri.",
        decisions="Kantor mencari mitra.",
        attendees=[
            {"user": users["office"]},
            {"name": "Budi", "organisation": "PT Tamu", "present": False},
        ],
        action_items=[
            {
                "description": "Hubungi PT Tamu",
                "owner": users["unit_a"],
                "due_date": TODAY + datetime.timedelta(days=7),
            }
        ],
    )


def meeting_post(users, units, **changes):
    data = {
        "kind": "internal",
        "title": "Rapat internal kerja sama",
        "date": "2026-03-12",
        "start_time": "09:00",
        "end_time": "10:30",
        "place": "Gedung utama",
        "agenda": "Target tahun ini",
        "discussion": "Dibahas",
        "decisions": "Disepakati",
        "attendee-TOTAL_FORMS": "2",
        "attendee-INITIAL_FORMS": "0",
        "attendee-0-user": str(users["head"].pk),
        "attendee-0-present": "on",
        "attendee-1-name": "Sari",
        "attendee-1-organisation": "PT Mitra",
        "attendee-1-present": "on",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-description": "Siapkan draf MoU",
        "action-0-owner": str(users["office"].pk),
        "action-0-due_date": "2026-03-20",
    }
    data.update(changes)
    return data


def test_the_office_records_a_meeting_with_attendees_and_actions(
    client_for, users, units, frozen_today
):
    response = client_for(users["office"]).post(
        reverse("planning:meeting_create"), meeting_post(users, units)
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert [a.display_name for a in meeting.attendees.all()] == [
        str(users["head"]),
        "Sari",
    ]
    item = meeting.action_items.get()
    assert (item.owner, item.due_date) == (users["office"], datetime.date(2026, 3, 20))
    assert meeting.minute_taker == users["office"]


def test_a_meeting_ending_before_it_starts_is_a_field_error(
    client_for, users, units, frozen_today
):
    response = client_for(users["office"]).post(
        reverse("planning:meeting_create"),
        meeting_post(users, units, start_time="11:00", end_time="10:00"),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["end_time"]
    assert not Meeting.objects.exists()


def test_an_action_without_an_owner_is_a_field_error(
    client_for, users, units, frozen_today
):
    data = meeting_post(users, units)
    data["action-0-owner"] = ""

    response = client_for(users["office"]).post(
        reverse("planning:meeting_create"), data
    )

    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_a_meeting_with_a_unit_needs_the_unit(client_for, users, units, frozen_today):
    response = client_for(users["office"]).post(
        reverse("planning:meeting_create"), meeting_post(users, units, kind="unit")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["unit"]


def test_a_forged_user_id_is_a_field_error(client_for, users, units, frozen_today):
    data = meeting_post(users, units)
    data["attendee-0-user"] = "999999"

    response = client_for(users["office"]).post(
        reverse("planning:meeting_create"), data
    )

    assert response.status_code == 400


def test_unit_staff_see_the_meetings_of_their_units_and_those_they_act_in(
    client_for, users, units, meeting
):
    other = services.meeting_create(
        by=users["office"], kind="internal", title="Rapat internal", date=TODAY
    )

    mine = client_for(users["unit_a"])
    assert mine.get(meeting.get_absolute_url()).status_code == 200
    assert mine.get(other.get_absolute_url()).status_code == 404
    listed = mine.get(reverse("planning:meeting_list"))
    assert [row.pk for row in listed.context["table"].data] == [meeting.pk]
    assert (
        client_for(users["unit_b"]).get(meeting.get_absolute_url()).status_code == 404
    )
    assert client_for(users["auditor"]).get(other.get_absolute_url()).status_code == 200


def test_the_meeting_list_runs_a_fixed_number_of_queries(client_for, users, meeting):
    client = client_for(users["office"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("planning:meeting_list")).status_code == 200
        return len(queries)

    count_queries()  # warm the caches (content types, session)
    few = count_queries()
    for number in range(6):
        services.meeting_create(
            by=users["office"],
            kind="partner",
            title=f"Rapat {number}",
            date=TODAY,
            action_items=[{"description": "x", "owner": users["head"]}],
        )

    assert count_queries() == few


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_only_the_office_records_meetings(client_for, users, units, role, frozen_today):
    client = client_for(users[role])

    assert client.get(reverse("planning:meeting_create")).status_code == 403
    assert (
        client.post(
            reverse("planning:meeting_create"), meeting_post(users, units)
        ).status_code
        == 403
    )


# --- Approval, issue, versions --------------------------------------------------------


def test_the_head_approves_the_minutes_which_are_issued_and_locked(
    client_for, users, meeting
):
    NumberingPattern.objects.create(
        kind=services.MINUTES_NUMBER_KIND, pattern="{seq:03}/NOT/{year}"
    )
    head = client_for(users["head"])

    response = head.post(reverse("planning:minutes_approve", args=[meeting.pk]))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_approved
    assert meeting.number == "001/NOT/2026"
    document = IssuedDocument.objects.get(kind="minutes")
    assert document.form_number == "BO.29.3.1"
    assert document.snapshot["number"] == "001/NOT/2026"
    assert document.snapshot["attendees"][1]["name"] == "Budi"
    assert document.snapshot["action_items"][0]["owner"] == str(users["unit_a"])
    # locked: the page refuses, and so does the service
    office = client_for(users["office"])
    edit = reverse("planning:meeting_edit", args=[meeting.pk])
    assert office.get(edit).status_code == 409
    assert office.post(edit, {"title": "Diubah"}).status_code == 409
    with pytest.raises(ValidationError):
        services.meeting_update(meeting=meeting, by=users["office"], title="Diubah")
    meeting.refresh_from_db()
    assert meeting.title == "Rapat dengan Jurusan A"


def test_a_new_version_of_the_minutes_supersedes_the_first(client_for, users, meeting):
    services.minutes_approve(meeting=meeting, by=users["head"])
    office = client_for(users["office"])

    office.post(reverse("planning:minutes_new_version", args=[meeting.pk]))
    services.meeting_update(
        meeting=Meeting.objects.get(pk=meeting.pk),
        by=users["office"],
        decisions="Keputusan yang dikoreksi",
    )
    services.minutes_approve(meeting=meeting, by=users["head"])

    first, second = IssuedDocument.objects.filter(kind="minutes").order_by("version")
    assert second.supersedes_id == first.pk
    assert first.snapshot["decisions"] == "Kantor mencari mitra."
    assert second.snapshot["decisions"] == "Keputusan yang dikoreksi"
    detail = office.get(reverse("documents:issued_detail", args=[first.pk]))
    assert detail.status_code == 200
    assert "Kantor mencari mitra." in detail.content.decode()


@pytest.mark.parametrize("role", ["office", "unit_a", "leader", "auditor"])
def test_only_the_head_approves_minutes(client_for, users, meeting, role):
    response = client_for(users[role]).post(
        reverse("planning:minutes_approve", args=[meeting.pk])
    )

    assert response.status_code in (403, 404)
    assert not IssuedDocument.objects.exists()


def test_empty_minutes_cannot_be_approved(users, frozen_today):
    meeting = services.meeting_create(
        by=users["office"], kind="internal", title="Rapat kosong", date=TODAY
    )

    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=meeting, by=users["head"])


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_minutes_print_as_docx_and_pdf(client_for, users, meeting, fmt):
    client = client_for(users["office"])

    draft = client.get(
        reverse("documents:print", args=["minutes", meeting.pk]) + f"?format={fmt}"
    )
    document = services.minutes_approve(meeting=meeting, by=users["head"])
    issued = client.get(
        reverse("documents:issued_file", args=[document.pk]) + f"?format={fmt}"
    )

    assert draft.status_code == 200
    assert issued.status_code == 200
    content = b"".join(issued.streaming_content)
    assert content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")


def test_a_unit_that_may_not_see_a_meeting_cannot_print_it(client_for, users, meeting):
    response = client_for(users["unit_b"]).get(
        reverse("documents:print", args=["minutes", meeting.pk]) + "?format=pdf"
    )

    assert response.status_code == 404


def test_an_approved_meeting_is_not_deleted(client_for, users, meeting):
    services.minutes_approve(meeting=meeting, by=users["head"])

    response = client_for(users["office"]).post(
        reverse("planning:meeting_delete", args=[meeting.pk])
    )

    assert response.status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()


# --- Action items ---------------------------------------------------------------------


def test_the_owner_marks_an_action_done_even_on_approved_minutes(
    client_for, users, meeting
):
    services.minutes_approve(meeting=meeting, by=users["head"])
    item = meeting.action_items.get()

    response = client_for(users["unit_a"]).post(
        reverse("planning:action_status", args=[item.pk]), {"done": "1"}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
    assert item.done_by == users["unit_a"]


def test_someone_else_cannot_mark_an_action_done(client_for, users, meeting):
    item = meeting.action_items.get()

    assert (
        client_for(users["unit_b"])
        .post(reverse("planning:action_status", args=[item.pk]), {"done": "1"})
        .status_code
        == 404
    )
    assert (
        client_for(users["leader"])
        .post(reverse("planning:action_status", args=[item.pk]), {"done": "1"})
        .status_code
        == 403
    )
    assert ActionItem.objects.get(pk=item.pk).is_open


def test_my_open_actions_list_shows_overdue_ones(client_for, users, meeting):
    item = meeting.action_items.get()
    ActionItem.objects.filter(pk=item.pk).update(due_date=TODAY - datetime.timedelta(1))

    response = client_for(users["unit_a"]).get(
        reverse("planning:action_list") + "?mine=1"
    )

    assert [row.pk for row in response.context["items"]] == [item.pk]
    assert response.context["items"][0].overdue


def test_editing_replaces_attendees_and_keeps_unchanged_actions(
    client_for, users, units, meeting
):
    attendee = meeting.attendees.get(name="Budi")
    item = meeting.action_items.get()
    data = meeting_post(users, units, kind="unit", unit=str(units["ja"].pk))
    data.update(
        {
            "attendee-TOTAL_FORMS": "1",
            "attendee-INITIAL_FORMS": "1",
            "attendee-0-pk": str(attendee.pk),
            "attendee-0-user": "",
            "attendee-0-name": "Budi Santoso",
            "attendee-0-organisation": "PT Tamu",
            "attendee-0-present": "on",
            "attendee-1-name": "",
            "action-TOTAL_FORMS": "1",
            "action-INITIAL_FORMS": "1",
            "action-0-pk": str(item.pk),
            "action-0-description": item.description,
            "action-0-owner": str(item.owner_id),
            "action-0-due_date": item.due_date.isoformat(),
        }
    )

    response = client_for(users["office"]).post(
        reverse("planning:meeting_edit", args=[meeting.pk]), data
    )

    assert response.status_code == 302
    assert [a.name for a in meeting.attendees.all()] == ["Budi Santoso"]
    assert list(meeting.action_items.values_list("pk", flat=True)) == [item.pk]


def test_the_office_uploads_its_own_minutes_form_and_approval_uses_it(
    client_for, users, meeting
):
    own = make_docx(
        "NOTULEN {{ form_number }} {{ title }}",
        "Keputusan: {{ decisions }}",
        "{% for row in attendees %}{{ row.name }}; {% endfor %}",
    )
    documents.form_template_upload(
        form="minutes", file=docx_upload(own), by=users["office"]
    )

    document = services.minutes_approve(meeting=meeting, by=users["head"])

    with document.docx_file.open("rb") as handle:
        text = "\n".join(p.text for p in Document(handle).paragraphs)
    assert "NOTULEN BO.29.3.1 Rapat dengan Jurusan A" in text
    assert "Keputusan: Kantor mencari mitra." in text
    assert "Budi;" in text
    assert document.template is not None


def test_a_template_asking_for_an_unknown_minutes_variable_is_refused(users):
    with pytest.raises(ValidationError):
        documents.form_template_upload(
            form="minutes",
            file=docx_upload(make_docx("{{ salary_of_the_head }}")),
            by=users["office"],
        )
