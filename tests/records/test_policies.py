"""The policy library: versions, what is current, coverage of the standard."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mitra.core.clock import frozen
from mitra.records import selectors, services
from mitra.records.models import PolicyDocument
from tests.agreements.uploads import fake_pdf_upload, pdf_upload

TODAY = datetime.date(2025, 6, 1)


def policy(by, **values):
    defaults = {
        "title": "Prosedur inisiasi kerja sama",
        "kind": "procedure",
        "file": pdf_upload("sop.pdf"),
        "covers": ["initiation"],
        "approved_on": datetime.date(2024, 1, 10),
        "review_due": datetime.date(2026, 1, 10),
    }
    with frozen(TODAY):
        return services.policy_create(by=by, **{**defaults, **values})


def test_current_means_approved_not_superseded_and_not_past_review(users):
    office = users["office"]
    current = policy(office)
    draft = policy(office, title="Draf", approved_on=None, review_due=None)
    overdue = policy(office, title="Lama", review_due=datetime.date(2025, 5, 31))
    future = policy(office, title="Baru", approved_on=datetime.date(2025, 6, 1))

    assert set(selectors.current_policies(TODAY)) == {current, future}
    assert set(selectors.current_policies(datetime.date(2025, 5, 31))) == {
        current,
        overdue,
    }
    assert draft not in selectors.current_policies(datetime.date(2030, 1, 1))


def test_a_new_version_supersedes_the_old_which_stays_readable(users):
    office = users["office"]
    first = policy(office, is_published=True, summary="Ringkasan")

    with frozen(TODAY):
        second = services.policy_new_version(
            policy=first,
            by=office,
            version="2",
            file=pdf_upload("sop-v2.pdf"),
            approved_on=datetime.date(2025, 5, 1),
            review_due=datetime.date(2027, 5, 1),
        )
    first.refresh_from_db()

    assert first.superseded_by == second
    assert (second.title, second.covers, second.summary) == (
        first.title,
        first.covers,
        "Ringkasan",
    )
    assert second.is_published and not first.is_published
    assert list(first.versions()) == [second, first]
    assert list(selectors.current_policies(TODAY)) == [second]
    # before the new version was approved, the old one was current
    assert list(selectors.current_policies(datetime.date(2025, 4, 30))) == [first]
    with first.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_a_draft_new_version_leaves_the_old_one_current(users):
    office = users["office"]
    first = policy(office)

    with frozen(TODAY):
        services.policy_new_version(
            policy=first, by=office, version="2-draf", file=pdf_upload()
        )

    assert list(selectors.current_policies(TODAY)) == [first]
    with pytest.raises(ValidationError, match="already superseded"), frozen(TODAY):
        services.policy_new_version(
            policy=first, by=office, version="3", file=pdf_upload()
        )


def test_coverage_lists_the_current_documents_of_each_stage(users):
    office = users["office"]
    sop = policy(office, covers=["initiation", "execution"])
    policy(
        office, title="Kebijakan monitoring", covers=["monitoring"], approved_on=None
    )

    coverage = {area: docs for area, _label, docs in selectors.policy_coverage(TODAY)}

    assert list(coverage) == [
        "initiation",
        "execution",
        "monitoring",
        "evaluation",
        "satisfaction",
    ]
    assert coverage["initiation"] == [sop] and coverage["execution"] == [sop]
    assert coverage["monitoring"] == []
    assert coverage["satisfaction"] == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"approved_on": None, "is_published": True}, "is_published"),
        ({"covers": ["initiation", "marketing"]}, "covers"),
        ({"file": fake_pdf_upload()}, "file"),
        ({"title": "  "}, "title"),
        ({"review_due": datetime.date(2023, 1, 1)}, "review_due"),
        ({"approved_on": datetime.date(2025, 6, 2)}, "approved_on"),
    ],
)
def test_bad_input_is_refused_by_field(users, values, field):
    with pytest.raises(ValidationError) as refusal:
        policy(users["office"], **values)

    assert field in refusal.value.message_dict
    assert not PolicyDocument.objects.exists()


def test_an_approved_document_changes_only_by_a_new_version(users):
    office = users["office"]
    approved = policy(office)

    with frozen(TODAY), pytest.raises(ValidationError) as refusal:
        services.policy_update(
            policy=approved,
            by=office,
            title=approved.title,
            kind=approved.kind,
            file=pdf_upload("other.pdf"),
            approved_on=approved.approved_on,
        )
    assert "file" in refusal.value.message_dict
    with pytest.raises(ValidationError):
        services.policy_delete(policy=approved, by=office)


def test_unit_staff_read_approved_documents_only(users, client_for):
    approved = policy(users["office"], title="Disetujui")
    draft = policy(users["office"], title="Draf rahasia", approved_on=None)
    unit = client_for(users["unit_a"])

    listed = unit.get(reverse("records:policies")).content.decode()

    assert "Disetujui" in listed and "Draf rahasia" not in listed
    detail = "records:policy_detail"
    assert unit.get(reverse(detail, args=[approved.pk])).status_code == 200
    assert unit.get(reverse(detail, args=[draft.pk])).status_code == 404
    assert unit.get(reverse("records:policy_file", args=[draft.pk])).status_code == 404
    auditor = client_for(users["auditor"])
    assert auditor.get(reverse(detail, args=[draft.pk])).status_code == 200
