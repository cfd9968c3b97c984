"""The public site: open without logging in, showing only what is public."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.clock import frozen
from mitra.core.fields import Scope
from mitra.records import services
from tests.agreements.uploads import pdf_upload
from tests.documents.helpers import response_bytes
from tests.factories import AgreementFactory, PartnerFactory, PartnerKindFactory

TODAY = datetime.date(2025, 6, 1)
PARTNERS = reverse("public:partners")


@pytest.fixture
def partners(db):
    """Three active partners and one whose only agreement has ended."""
    university = PartnerKindFactory(code="university", name="Perguruan Tinggi")
    university.name_en = "University"
    university.save()
    japan = PartnerFactory(
        name="Kobe Institute",
        kind=university,
        country="Jepang",
        scope=Scope.INTERNATIONAL,
    )
    AgreementFactory(partner=japan, start_date=datetime.date(2022, 4, 1), end_date=None)
    AgreementFactory(
        partner=japan,
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )
    AgreementFactory(
        partner=japan,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 1, 1),
    )
    batam = PartnerFactory(name="PT Batam Presisi", scope=Scope.LOCAL)
    AgreementFactory(partner=batam, start_date=datetime.date(2023, 7, 1))
    AgreementFactory(
        partner=batam,
        status=Status.DRAFT,
        number=None,
        start_date=datetime.date(2020, 1, 1),
    )
    jakarta = PartnerFactory(name="PT Nusantara Digital")
    AgreementFactory(partner=jakarta, start_date=datetime.date(2025, 1, 1))
    ended = PartnerFactory(name="PT Sudah Selesai")
    AgreementFactory(
        partner=ended,
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    return {"japan": japan, "batam": batam, "jakarta": jakarta, "ended": ended}


def test_anonymous_visitors_see_the_public_home_at_the_root(client, partners):
    with frozen(TODAY):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("login") in page and 'id="staff-link"' in page
    assert reverse("public:partners") in page


def test_staff_are_sent_from_the_root_to_their_dashboard(client_for, users):
    response = client_for(users["unit_a"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")
    public = client_for(users["unit_a"]).get(reverse("public:home")).content.decode()
    assert reverse("reports:dashboard") in public


def test_only_partners_with_an_agreement_in_force_are_listed(client, partners):
    with frozen(TODAY):
        page = client.get(PARTNERS).content.decode()

    for name in ("Kobe Institute", "PT Batam Presisi", "PT Nusantara Digital"):
        assert name in page
    assert "PT Sudah Selesai" not in page


def test_since_is_the_earliest_start_of_the_agreements_in_force(client, partners):
    with frozen(TODAY):
        response = client.get(PARTNERS)
    rows = {row["name"]: row for row in response.context["page"].object_list}

    assert rows["Kobe Institute"]["since"] == datetime.date(2022, 4, 1)
    assert rows["PT Batam Presisi"]["since"] == datetime.date(2023, 7, 1)
    assert "April 2022" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"kind": "university"}, {"Kobe Institute"}),
        ({"country": "JP"}, {"Kobe Institute"}),
        ({"scope": "local"}, {"PT Batam Presisi"}),
        ({"scope": "national", "q": "digital"}, {"PT Nusantara Digital"}),
        ({"kind": "industry", "country": "JP"}, set()),
    ],
)
def test_the_filters_narrow_the_list(client, partners, query, shown):
    with frozen(TODAY):
        response = client.get(PARTNERS, query)
    names = {row["name"] for row in response.context["page"].object_list}
    assert names == shown


@pytest.mark.parametrize(
    "query",
    [
        "kind=nope&country=Atlantis&scope=galactic",
        "page=-1",
        "page=abc&page=9999",
        "q=%00",
        "q=" + "x" * 5000,
        "kind[]=1&country=%FF%FE",
        "scope=%27%3B--&kind=%3Cscript%3E",
    ],
)
def test_odd_query_strings_are_ignored_never_an_error(client, partners, query):
    with frozen(TODAY):
        response = client.get(f"{PARTNERS}?{query}")
    assert response.status_code == 200


def test_the_chart_counts_partners_by_country(client, partners):
    with frozen(TODAY):
        response = client.get(PARTNERS)
    chart = response.context["chart"]
    # typed "Jepang", shown in the reader's language
    assert dict(zip(chart["labels"], chart["values"], strict=True)) == {
        "Indonesia": 2,
        "Japan": 1,
    }
    page = response.content.decode()
    data = page.split('id="country-chart-data" type="application/json">')[1]
    assert json.loads(data.split("</script>")[0])["labels"] == ["Indonesia", "Japan"]
    assert "vendor/chartjs/chart.umd.min.js" in page


@pytest.mark.indonesian
def test_the_site_speaks_indonesian_by_default(client, partners):
    with frozen(TODAY):
        page = client.get(PARTNERS).content.decode()
    assert '<html lang="id">' in page
    assert "Perguruan Tinggi" in page and "April 2022" in page
    assert "1 Juni 2025" in page


def test_the_home_links_to_the_partner_proposal_form(client, partners):
    from mitra.public.views import proposal_form_url

    url = proposal_form_url()
    page = client.get(reverse("public:home")).content.decode()
    if url:
        assert f'href="{url}"' in page
    else:
        assert "proposals/" not in page


def test_the_site_speaks_english_too(client, partners):
    client.post(reverse("set_language"), {"language": "en", "next": PARTNERS})
    with frozen(TODAY):
        page = client.get(PARTNERS).content.decode()
    assert "Our partners" in page
    assert "University" in page and "International" in page


def test_the_partner_list_runs_the_same_queries_for_few_and_many(client, partners):
    with frozen(TODAY):
        client.get(PARTNERS)
        with CaptureQueriesContext(connection) as few:
            client.get(PARTNERS)
        for number in range(15):
            AgreementFactory(partner=PartnerFactory(name=f"PT Baru {number}"))
        with CaptureQueriesContext(connection) as many:
            response = client.get(PARTNERS)
    assert len(few) == len(many)
    assert response.context["total"] == 18


# --- Policies ----------------------------------------------------------------


def add_policy(users, **values):
    defaults = {
        "title": "SOP Inisiasi Kerja Sama",
        "kind": "procedure",
        "file": pdf_upload("sop.pdf"),
        "approved_on": datetime.date(2024, 1, 1),
        "covers": ["initiation"],
        "is_published": True,
        "summary": "Cara memulai kerja sama.",
    }
    return services.policy_create(by=users["office"], **{**defaults, **values})


def test_published_current_documents_are_listed_and_downloaded(client, users):
    published = add_policy(users)
    hidden = add_policy(users, title="Pedoman internal", is_published=False)
    draft = add_policy(
        users, title="Draf kebijakan", is_published=False, approved_on=None
    )

    page = client.get(reverse("public:policies")).content.decode()
    assert "SOP Inisiasi Kerja Sama" in page and "Cara memulai" in page
    assert "Pedoman internal" not in page and "Draf kebijakan" not in page

    download = client.get(reverse("public:policy_file", args=[published.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert response_bytes(download).startswith(b"%PDF")
    for other in (hidden, draft):
        url = reverse("public:policy_file", args=[other.pk])
        assert client.get(url).status_code == 404
    assert client.get(reverse("public:policy_file", args=[10**30])).status_code == 404


def test_a_superseded_version_leaves_the_public_site(client, users):
    first = add_policy(users)
    second = services.policy_new_version(
        policy=first,
        by=users["office"],
        version="2",
        file=pdf_upload("v2.pdf"),
        approved_on=datetime.date(2025, 1, 1),
    )

    response = client.get(reverse("public:policies"))
    assert list(response.context["policies"]) == [second]
    old = reverse("public:policy_file", args=[first.pk])
    assert client.get(old).status_code == 404
