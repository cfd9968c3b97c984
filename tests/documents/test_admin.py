"""The admin names issued documents' forms as people call them."""

from django.urls import reverse

from tests.factories import AgreementFactory
from tests.records.helpers import issue


def test_the_issued_documents_list_names_the_form(users, client_for):
    issue(AgreementFactory(), kind="minutes", by=users["office"])

    page = client_for(users["admin"]).get(
        reverse("admin:documents_issueddocument_changelist")
    )

    assert "Minutes of meeting" in page.content.decode()
