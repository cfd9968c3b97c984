"""An approved policy document's text is fixed: a new version changes it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.records import services
from mitra.records.models import PolicyDocument
from tests.agreements.uploads import pdf_upload

TODAY = datetime.date(2025, 6, 1)
APPROVED = datetime.date(2024, 1, 10)


def make(by, **values):
    defaults = {
        "title": "Prosedur inisiasi kerja sama",
        "kind": "procedure",
        "file": pdf_upload("sop.pdf"),
        "covers": ["initiation"],
        "version": "1",
        "approved_on": APPROVED,
        "review_due": datetime.date(2026, 1, 10),
        "summary": "Ringkasan",
    }
    with frozen(TODAY):
        return services.policy_create(by=by, **{**defaults, **values})


def update(policy, by, **changes):
    values = {
        "title": policy.title,
        "kind": policy.kind,
        "version": policy.version,
        "covers": policy.covers,
        "owner": policy.owner,
        "approved_on": policy.approved_on,
        "review_due": policy.review_due,
        "summary": policy.summary,
        "is_published": policy.is_published,
    }
    with frozen(TODAY):
        return services.policy_update(policy=policy, by=by, **{**values, **changes})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Judul lain"),
        ("kind", "policy"),
        ("version", "1a"),
        ("covers", ["initiation", "execution"]),
        ("approved_on", datetime.date(2024, 2, 1)),
        ("approved_on", None),
    ],
)
def test_an_approved_documents_text_does_not_change(users, field, value):
    approved = make(users["office"])

    with pytest.raises(ValidationError) as refusal:
        update(approved, users["office"], **{field: value})

    assert list(refusal.value.message_dict) == [field]
    assert "a new version changes it" in refusal.value.message_dict[field][0]
    stored = PolicyDocument.objects.get(pk=approved.pk)
    assert getattr(stored, field) == getattr(approved, field)


def test_an_approved_document_still_changes_its_summary_review_and_publication(
    users, units
):
    approved = make(users["office"])

    updated = update(
        approved,
        users["office"],
        summary="Ringkasan baru",
        review_due=datetime.date(2027, 1, 10),
        is_published=True,
        owner=units["office"],
    )

    stored = PolicyDocument.objects.get(pk=approved.pk)
    assert updated == stored
    assert (stored.summary, stored.review_due, stored.is_published) == (
        "Ringkasan baru",
        datetime.date(2027, 1, 10),
        True,
    )
    assert stored.owner == units["office"]


def test_a_review_before_the_approval_stays_refused(users):
    approved = make(users["office"])

    with pytest.raises(ValidationError) as refusal:
        update(approved, users["office"], review_due=datetime.date(2023, 12, 31))

    assert list(refusal.value.message_dict) == ["review_due"]


def test_a_document_not_yet_approved_changes_freely(users):
    draft = make(users["office"], approved_on=None, review_due=None)

    update(
        draft,
        users["office"],
        title="Prosedur baru",
        kind="policy",
        version="0.2",
        covers=["execution"],
        approved_on=datetime.date(2025, 5, 1),
    )

    stored = PolicyDocument.objects.get(pk=draft.pk)
    assert (stored.title, stored.kind, stored.version, stored.covers) == (
        "Prosedur baru",
        "policy",
        "0.2",
        ["execution"],
    )
    assert stored.approved_on == datetime.date(2025, 5, 1)


def test_a_new_version_is_not_approved_before_the_one_it_replaces(users):
    approved = make(users["office"])

    with frozen(TODAY), pytest.raises(ValidationError) as refusal:
        services.policy_new_version(
            policy=approved,
            by=users["office"],
            version="2",
            file=pdf_upload("v2.pdf"),
            approved_on=datetime.date(2024, 1, 9),
        )

    assert list(refusal.value.message_dict) == ["approved_on"]
    assert "10 January 2024" in refusal.value.message_dict["approved_on"][0]
    assert PolicyDocument.objects.count() == 1
    with frozen(TODAY):
        same_day = services.policy_new_version(
            policy=approved,
            by=users["office"],
            version="2",
            file=pdf_upload("v2.pdf"),
            approved_on=APPROVED,
        )
    assert same_day.approved_on == APPROVED


def test_the_edit_page_shows_the_fixed_fields_read_only(users, client_for):
    approved = make(users["office"])
    url = reverse("records:policy_edit", args=[approved.pk])
    office = client_for(users["office"])

    page = office.get(url).content.decode()
    response = office.post(
        url,
        {
            "title": "Judul lain",
            "kind": "policy",
            "version": "9",
            "covers": ["execution"],
            "approved_on": "2024-02-01",
            "review_due": "2027-01-10",
            "summary": "Ringkasan baru",
        },
    )

    assert 'id="fixed-note"' in page
    for name in ("title", "kind", "version", "approved_on"):
        tag = page[page.index(f'name="{name}"') :]
        assert "disabled" in tag[: tag.index(">")], name
    assert 'name="covers"' in page and 'name="file"' not in page
    assert response.status_code == 302
    stored = PolicyDocument.objects.get(pk=approved.pk)
    assert (stored.title, stored.kind, stored.version, stored.covers) == (
        "Prosedur inisiasi kerja sama",
        "procedure",
        "1",
        ["initiation"],
    )
    assert stored.approved_on == APPROVED
    assert (stored.summary, stored.review_due) == (
        "Ringkasan baru",
        datetime.date(2027, 1, 10),
    )


def test_the_new_version_form_takes_the_title_given(users, client_for):
    approved = make(users["office"])
    url = reverse("records:policy_new_version", args=[approved.pk])
    office = client_for(users["office"])

    page = office.get(url).content.decode()
    response = office.post(
        url,
        {
            "title": "Prosedur inisiasi dan seleksi mitra",
            "version": "2",
            "approved_on": "2025-01-10",
            "file": pdf_upload("v2.pdf"),
        },
    )

    assert 'value="Prosedur inisiasi kerja sama"' in page
    assert response.status_code == 302
    new = PolicyDocument.objects.get(version="2")
    assert new.title == "Prosedur inisiasi dan seleksi mitra"
    assert PolicyDocument.objects.get(pk=approved.pk).title == approved.title
