"""Issued documents: versions, freezing, the signal, and who may read them."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mitra.agreements.models import Agreement, Status
from mitra.core.clock import frozen
from mitra.documents.models import IssuedDocument, issued_list_url
from mitra.documents.services import form_context, issue_document, issued_documents
from mitra.documents.signals import document_issued
from tests.documents.helpers import docx_text, response_bytes
from tests.factories import AgreementFactory

FORM = "agreement_summary"


def issue(agreement, by, **extra):
    return issue_document(
        kind=FORM,
        source=agreement,
        context=extra.pop("context", None),
        by=by,
        title=extra.pop("title", f"Ringkasan {agreement.number}"),
    )


@pytest.fixture
def draft_a(units):
    """A draft of jurusan A: unit_b may not see it."""
    return AgreementFactory(
        status=Status.DRAFT, number=None, title="Draf A", units=[units["ja"]]
    )


def test_versions_follow_each_other_per_source_and_kind(users, units):
    office = users["office"]
    one, other = AgreementFactory(units=[units["ja"]]), AgreementFactory()

    first, second, third = issue(one, office), issue(one, office), issue(one, office)
    elsewhere = issue(other, office)

    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert elsewhere.version == 1 and elsewhere.supersedes is None
    assert third.supersedes == second and second.supersedes == first
    assert list(IssuedDocument.objects.of(one).current()) == [third]
    assert list(issued_documents(one).values_list("version", flat=True)) == [3, 2, 1]


@pytest.mark.indonesian
def test_it_records_who_and_when_and_prints_the_version(users, units):
    agreement = AgreementFactory(units=[units["ja"]])
    moment = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=datetime.UTC)

    with frozen(moment):
        document = issue(agreement, users["office"])

    assert document.issued_at == moment
    assert document.issued_by == users["office"]
    assert document.snapshot["document_version"] == "1"
    assert document.snapshot["issued_on"] == "4 Maret 2025"
    with document.docx_file.open("rb") as handle:
        assert "4 Maret 2025" in docx_text(handle.read())


def test_the_snapshot_is_plain_json(users, units):
    agreement = AgreementFactory(units=[units["ja"]])
    context = form_context(FORM, agreement, user=users["office"])
    context["value"] = Decimal("1500000.50")
    context["signed_on"] = datetime.date(2024, 1, 2)

    document = issue(agreement, users["office"], context=context)
    document.refresh_from_db()

    assert document.snapshot["value"] == "1500000.50"
    assert document.snapshot["signed_on"] == "2024-01-02"


def test_an_issued_document_cannot_be_deleted(users, units):
    document = issue(AgreementFactory(units=[units["ja"]]), users["office"])

    with translation.override("en"), pytest.raises(ValidationError, match="or deleted"):
        document.delete()
    with pytest.raises(ValidationError):
        IssuedDocument.objects.filter(pk=document.pk).delete()
    with pytest.raises(ValidationError), transaction.atomic():
        # the path a cascade from another model takes
        models.Model.delete(document)
    assert IssuedDocument.objects.filter(pk=document.pk).exists()


def test_the_signal_is_sent_inside_the_issue(users, units):
    agreement = AgreementFactory(units=[units["ja"]])
    received = []

    def listen(sender, document, source, previous, **kwargs):
        received.append((document.version, source, previous))

    document_issued.connect(listen)
    try:
        first = issue(agreement, users["office"])
        issue(agreement, users["office"])
    finally:
        document_issued.disconnect(listen)

    assert received == [(1, agreement, None), (2, agreement, first)]


def test_a_failing_listener_leaves_nothing_issued(users, units):
    agreement = AgreementFactory(units=[units["ja"]])

    def refuse(sender, **kwargs):
        raise ValidationError("The records register is closed.")

    document_issued.connect(refuse)
    try:
        with pytest.raises(ValidationError, match="register is closed"):
            issue(agreement, users["office"])
    finally:
        document_issued.disconnect(refuse)

    assert not IssuedDocument.objects.exists()


def test_nothing_unsaved_can_be_issued(users):
    with translation.override("en"), pytest.raises(ValidationError, match="nothing"):
        issue_document(
            kind=FORM, source=Agreement(), context={}, by=users["office"], title="x"
        )
    with pytest.raises(LookupError):
        issue_document(kind="no_such_form", source=None, context={}, by=None, title="x")


# --- Who may read them -------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("unit_a", 200),
        ("office", 200),
        ("auditor", 200),
        ("leader", 200),
        ("unit_b", 404),
    ],
)
def test_issued_documents_are_read_with_their_source(
    draft_a, users, client_for, who, status
):
    document = issue(draft_a, users["office"], title="Draf")
    client = client_for(users[who])

    pages = [
        reverse("documents:issued_list", args=["agreements", "agreement", draft_a.pk]),
        reverse("documents:issued_detail", args=[document.pk]),
        reverse("documents:issued_file", args=[document.pk]) + "?format=pdf",
        reverse("documents:issued_file", args=[document.pk]) + "?format=docx",
    ]

    assert [client.get(page).status_code for page in pages] == [status] * 4
    assert IssuedDocument.objects.for_user(users[who]).filter(
        pk=document.pk
    ).exists() is (status == 200)


def test_the_issued_list_answers_404_for_what_is_no_source(users, client_for):
    client = client_for(users["office"])

    for args in (
        ["agreements", "agreement", 999999],
        ["core", "user", users["office"].pk],
        ["nope", "nothing", 1],
    ):
        url = reverse("documents:issued_list", args=args)
        assert client.get(url).status_code == 404


def test_a_bad_format_is_refused_not_crashed(users, units, client_for):
    document = issue(AgreementFactory(units=[units["ja"]]), users["office"])
    url = reverse("documents:issued_file", args=[document.pk])

    response = client_for(users["office"]).get(url, {"format": "exe"})

    assert response.status_code == 400


def test_an_anonymous_visitor_is_sent_to_log_in(users, units, client):
    document = issue(AgreementFactory(units=[units["ja"]]), users["office"])

    response = client.get(reverse("documents:issued_detail", args=[document.pk]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_issued_list_runs_a_fixed_number_of_queries(users, units, client_for):
    agreement = AgreementFactory(units=[units["ja"]])
    client = client_for(users["unit_a"])
    url = reverse(
        "documents:issued_list", args=["agreements", "agreement", agreement.pk]
    )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    issue(agreement, users["office"])
    few = count()
    for _ in range(4):
        issue(agreement, users["office"])
    many = count()

    assert few == many
    assert "v5" in response_bytes(client.get(url)).decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_issues_at_the_same_moment_get_two_versions(units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given one agreement
    agreement = AgreementFactory(units=[units["ja"]])
    barrier = threading.Barrier(2)
    versions, errors = [], []

    def issue_once():
        try:
            barrier.wait(timeout=10)
            versions.append(issue(Agreement.objects.get(pk=agreement.pk), None).version)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # when two issues start at the same moment on two connections
    threads = [threading.Thread(target=issue_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then they make versions 1 and 2, the second superseding the first
    assert errors == []
    assert sorted(versions) == [1, 2]
    second = IssuedDocument.objects.get(version=2)
    assert second.supersedes.version == 1


def test_a_partial_context_gets_the_common_variables(users, units):
    agreement = AgreementFactory(units=[units["ja"]])

    document = issue(agreement, users["office"], context={"number": "X/1"})

    assert document.snapshot["number"] == "X/1"
    assert document.snapshot["form_title"]
    assert "institution_logo" in document.snapshot


def test_the_list_url_of_a_source_is_its_versions_page(users, units, client_for):
    agreement = AgreementFactory(units=[units["ja"]])
    issue(agreement, users["office"])

    url = issued_list_url(agreement)

    assert url == f"/documents/issued/agreements/agreement/{agreement.pk}/"
    assert client_for(users["unit_a"]).get(url).status_code == 200
