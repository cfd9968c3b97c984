"""Partner pages: access per role, list features, forms, merges, queries."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.agreements.models import Status
from mitra.core.fields import Scope
from mitra.partners.models import Contact, Partner, PartnerAlias, PartnerKind
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ALL_STAFF = ["office", "head", "leader", "auditor", "unit_a", "unit_b", "admin"]
MANAGERS = ["office", "head", "admin"]


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Batam Presisi Teknik")


def names_listed(response):
    return [row.record.name for row in response.context["table"].page.object_list]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- access --------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_STAFF)
def test_it_shows_the_list_and_the_detail_to_all_staff(
    users, client_for, partner, role
):
    client = client_for(users[role])

    assert client.get(reverse("partners:list")).status_code == 200
    assert client.get(partner.get_absolute_url()).status_code == 200


def test_it_sends_anonymous_visitors_to_the_login_page(client, partner):
    response = client.get(partner.get_absolute_url())

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("office", 200),
        ("head", 200),
        ("unit_a", 200),
        ("admin", 200),
        ("leader", 403),
        ("auditor", 403),
    ],
)
def test_it_lets_the_office_and_unit_staff_create_partners(
    users, client_for, role, status
):
    response = client_for(users[role]).get(reverse("partners:create"))

    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [(role, 200) for role in MANAGERS]
    + [(role, 403) for role in ("unit_a", "leader", "auditor")],
)
def test_it_lets_only_the_office_edit_and_merge(
    users, client_for, partner, role, status
):
    other = PartnerFactory(name="Batam Presisi")
    client = client_for(users[role])

    pages = [
        reverse("partners:edit", args=[partner.pk]),
        reverse("partners:duplicates"),
        reverse("partners:merge", args=[partner.pk, other.pk]),
        reverse("partners:contact_create", args=[partner.pk]),
    ]

    assert [client.get(page).status_code for page in pages] == [status] * len(pages)


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_it_refuses_changes_by_those_who_only_read(users, client_for, partner, role):
    other = PartnerFactory(name="Batam Presisi")
    contact = ContactFactory(partner=partner)
    alias = PartnerAlias.objects.create(partner=partner, name="BPT")
    client = client_for(users[role])

    posts = [
        (reverse("partners:edit", args=[partner.pk]), {"name": "X", "scope": "local"}),
        (reverse("partners:alias_add", args=[partner.pk]), {"name": "Presisi"}),
        (reverse("partners:alias_remove", args=[partner.pk, alias.pk]), {}),
        (reverse("partners:contact_edit", args=[contact.pk]), {"name": "X"}),
        (reverse("partners:contact_delete", args=[contact.pk]), {}),
        (reverse("partners:merge", args=[partner.pk, other.pk]), {}),
        (reverse("partners:dismiss", args=[partner.pk, other.pk]), {}),
    ]

    assert [client.post(url, data).status_code for url, data in posts] == [403] * 7
    assert Partner.objects.count() == 2
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert partner.aliases.count() == 1


def test_it_answers_404_for_unknown_records(users, client_for, partner):
    client = client_for(users["office"])

    urls = [
        reverse("partners:detail", args=[999999]),
        reverse("partners:edit", args=[999999]),
        reverse("partners:contact_edit", args=[999999]),
        reverse("partners:merge", args=[partner.pk, 999999]),
        reverse("partners:merge_detail", args=[partner.pk, 999999]),
    ]

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_it_accepts_state_changes_only_by_post(users, client_for, partner):
    other = PartnerFactory(name="Batam Presisi")
    contact = ContactFactory(partner=partner)
    client = client_for(users["office"])

    urls = [
        reverse("partners:alias_add", args=[partner.pk]),
        reverse("partners:contact_delete", args=[contact.pk]),
        reverse("partners:dismiss", args=[partner.pk, other.pk]),
    ]

    assert [client.get(url).status_code for url in urls] == [405] * 3


def test_it_refuses_a_post_without_the_csrf_token(users, partner):
    other = PartnerFactory(name="Batam Presisi")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["office"])

    response = client.post(reverse("partners:merge", args=[partner.pk, other.pk]))

    assert response.status_code == 403
    assert Partner.objects.count() == 2


# --- list ----------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Four partners of different kinds, scopes and countries."""
    university = PartnerKind.objects.get(code="university")
    industry = PartnerKind.objects.get(code="industry")
    tokyo = PartnerFactory(
        name="Tokyo Institute of Engineering",
        kind=university,
        scope=Scope.INTERNATIONAL,
        country="Jepang",
    )
    batam = PartnerFactory(name="PT Batam Jaya Tbk", kind=industry, scope=Scope.LOCAL)
    PartnerAlias.objects.create(partner=batam, name="BJ Group")
    ContactFactory(partner=batam, name="Rahmat Hidayat")
    medan = PartnerFactory(name="Universitas Medan Raya", kind=university)
    idle = PartnerFactory(name="CV Tanpa Kerja Sama", kind=industry)
    AgreementFactory.create_batch(2, partner=batam)
    AgreementFactory(
        partner=medan,
        status=Status.SIGNED,
        end_date="2020-12-31",
        start_date="2018-01-01",
    )
    AgreementFactory(partner=tokyo)
    return {"tokyo": tokyo, "batam": batam, "medan": medan, "idle": idle}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "kind={university}",
            {"Tokyo Institute of Engineering", "Universitas Medan Raya"},
        ),
        ("scope=international", {"Tokyo Institute of Engineering"}),
        ("country=JP", {"Tokyo Institute of Engineering"}),
        (
            "active=1",
            {"Tokyo Institute of Engineering", "PT Batam Jaya Tbk"},
        ),
        ("active=0", {"Universitas Medan Raya", "CV Tanpa Kerja Sama"}),
        ("q=bj+group", {"PT Batam Jaya Tbk"}),
        ("q=rahmat", {"PT Batam Jaya Tbk"}),
        ("q=batam+jaya%2C+PT.", {"PT Batam Jaya Tbk"}),
        ("q=medan&kind={university}", {"Universitas Medan Raya"}),
    ],
)
def test_it_filters_and_searches_the_list(
    users, client_for, catalogue, query, expected
):
    university = PartnerKind.objects.get(code="university").pk
    query = query.format(university=university)

    response = client_for(users["unit_a"]).get(reverse("partners:list") + "?" + query)

    assert set(names_listed(response)) == expected


def test_it_searches_by_partner_code(users, client_for, catalogue):
    code = catalogue["medan"].code

    response = client_for(users["office"]).get(reverse("partners:list"), {"q": code})

    assert names_listed(response) == ["Universitas Medan Raya"]


def test_it_sorts_by_the_number_of_agreements(users, client_for, catalogue):
    response = client_for(users["office"]).get(
        reverse("partners:list"), {"sort": "-agreement_count"}
    )

    assert names_listed(response)[0] == "PT Batam Jaya Tbk"
    table = response.context["table"]
    first = table.page.object_list[0].record
    assert (first.agreement_count, first.in_force_count) == (2, 2)


def test_it_counts_only_the_agreements_the_viewer_may_see(
    users, client_for, units, partner
):
    AgreementFactory(partner=partner)
    AgreementFactory(
        partner=partner, status=Status.DRAFT, number=None, units=[units["ja"]]
    )

    def counted(user):
        response = client_for(user).get(reverse("partners:list"))
        return response.context["table"].page.object_list[0].record.agreement_count

    assert counted(users["unit_a"]) == 2
    assert counted(users["unit_b"]) == 1


def test_it_ignores_filters_it_cannot_read(users, client_for, catalogue):
    response = client_for(users["office"]).get(
        reverse("partners:list"),
        {
            "scope": "galactic",
            "kind": "nope",
            "country": "Atlantis",
            "active": "maybe",
            "page": "abc",
            "sort": "nonsense",
        },
    )

    assert response.status_code == 200
    assert len(names_listed(response)) == 4


def test_it_shows_the_last_page_for_a_page_number_too_high(
    users, client_for, catalogue
):
    response = client_for(users["office"]).get(reverse("partners:list"), {"page": 999})

    assert response.status_code == 200


def test_it_paginates_with_the_configured_page_size(users, client_for, settings):
    settings.MITRA_PAGE_SIZE = 3
    PartnerFactory.create_batch(7)

    response = client_for(users["office"]).get(reverse("partners:list"))

    assert len(names_listed(response)) == 3
    assert response.context["table"].paginator.num_pages == 3


def test_it_exports_the_filtered_list_as_csv_with_formulas_neutralised(
    users, client_for, catalogue
):
    PartnerFactory(name="=HYPERLINK(1)", scope=Scope.LOCAL)

    response = client_for(users["office"]).get(
        reverse("partners:list"), {"scope": "local", "export": "csv", "sort": "code"}
    )

    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    names = [row[1] for row in rows[1:]]
    assert names == ["PT Batam Jaya Tbk", "'=HYPERLINK(1)"]
    assert rows[1][2] == "BJ Group"
    assert rows[1][-2:] == ["2", "2"]


def test_it_exports_the_filtered_list_as_xlsx(users, client_for, catalogue):
    response = client_for(users["office"]).get(
        reverse("partners:list"),
        {"kind": PartnerKind.objects.get(code="university").pk, "export": "xlsx"},
    )

    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert {row[1] for row in values[1:]} == {
        "Tokyo Institute of Engineering",
        "Universitas Medan Raya",
    }


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_it_lists_5_or_50_partners_with_the_same_number_of_queries(
    users, client_for, units, settings, role
):
    settings.MITRA_PAGE_SIZE = 100
    client = client_for(users[role])
    url = reverse("partners:list")

    def add(count):
        for partner in PartnerFactory.create_batch(count):
            AgreementFactory(partner=partner, units=[units["ja1"]])
            PartnerAlias.objects.create(partner=partner, name=f"Alias {partner.pk}")

    add(5)
    client.get(url)
    few = queries_for(client, url)
    add(45)
    many = queries_for(client, url)

    assert few == many
    assert len(names_listed(client.get(url))) == 50


# --- detail --------------------------------------------------------------


def test_it_shows_the_partners_data_aliases_contacts_and_agreements(
    users, client_for, partner
):
    PartnerAlias.objects.create(partner=partner, name="BPT")
    ContactFactory(partner=partner, name="Ayu Lestari", position="HRD")
    AgreementFactory(
        partner=partner,
        title="Magang industri",
        start_date="2024-01-01",
        end_date="2030-01-01",
    )

    response = client_for(users["leader"]).get(partner.get_absolute_url())

    content = response.content.decode()
    for text in ("PT Batam Presisi Teknik", "BPT", "Ayu Lestari", "Magang industri"):
        assert text in content
    assert 'data-validity="in_force"' in content
    assert response.context["history"]


def test_it_hides_another_jurusans_draft_on_the_partner_page(
    users, client_for, units, partner
):
    AgreementFactory(
        partner=partner,
        title="Draf rahasia",
        status=Status.DRAFT,
        number=None,
        units=[units["ja"]],
    )

    seen_by_a = client_for(users["unit_a"]).get(partner.get_absolute_url())
    seen_by_b = client_for(users["unit_b"]).get(partner.get_absolute_url())

    assert "Draf rahasia" in seen_by_a.content.decode()
    assert "Draf rahasia" not in seen_by_b.content.decode()


def test_it_offers_likely_duplicates_only_to_those_who_may_merge(users, client_for, db):
    kept = PartnerFactory(name="Politeknik Negeri Batam")
    twin = PartnerFactory(name="Polibatam")
    merge_url = reverse("partners:merge", args=[kept.pk, twin.pk])

    office = client_for(users["office"]).get(kept.get_absolute_url())
    unit = client_for(users["unit_a"]).get(kept.get_absolute_url())

    assert merge_url in office.content.decode()
    assert merge_url not in unit.content.decode()


@pytest.mark.parametrize("role", ["office", "unit_a"])
def test_it_shows_a_partner_with_5_or_50_records_with_the_same_number_of_queries(
    users, client_for, units, partner, role
):
    client = client_for(users[role])
    PartnerFactory(name="Batam Presisi Tek")  # a likely duplicate
    url = partner.get_absolute_url()

    def add(count):
        for _ in range(count):
            AgreementFactory(partner=partner, units=[units["ja1"], units["jb1"]])
            AgreementFactory(
                partner=partner, status=Status.DRAFT, number=None, units=[units["ja"]]
            )
            ContactFactory(partner=partner)
            PartnerAlias.objects.create(partner=partner, name=f"Nama {_}{count}")

    add(5)
    client.get(url)
    few = queries_for(client, url)
    add(45)
    many = queries_for(client, url)

    assert few == many
    response = client.get(url)
    assert len(response.context["agreements"]) == 100
    assert len(response.context["contacts"]) == 50
    assert bool(response.context["duplicates"]) is (role == "office")


# --- forms ---------------------------------------------------------------


def test_it_creates_a_partner_and_shows_it(users, client_for):
    response = client_for(users["unit_a"]).post(
        reverse("partners:create"),
        {"name": "PT  Sinar  Laut", "scope": "local", "country": "Indonesia"},
    )

    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response["Location"] == partner.get_absolute_url()
    assert partner.name == "PT Sinar Laut"
    assert partner.created_by == users["unit_a"]


def test_it_shows_a_taken_name_as_an_error_on_the_name_field(
    users, client_for, partner
):
    response = client_for(users["office"]).post(
        reverse("partners:create"),
        {"name": "batam presisi teknik, PT.", "scope": "local", "country": "Indonesia"},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["name"]
    assert "PT Batam Presisi Teknik" in errors[0]
    assert partner.code in errors[0]
    assert Partner.objects.count() == 1


@pytest.mark.indonesian
def test_it_shows_field_errors_in_indonesian_and_never_fails(users, client_for):
    response = client_for(users["office"]).post(
        reverse("partners:create"),
        {
            "name": "",
            "scope": "nowhere",
            "website": "not a url",
            "email": "@",
            "kind": "x",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name", "scope", "website", "email", "kind"}
    content = response.content.decode()
    assert '<html lang="id">' in content
    assert "Bidang ini tidak boleh kosong." in content
    assert "is-invalid" in content
    assert not Partner.objects.exists()


def test_it_warns_with_links_about_likely_duplicates_but_still_creates(
    users, client_for
):
    existing = PartnerFactory(name="Politeknik Negeri Batam")

    response = client_for(users["unit_a"]).post(
        reverse("partners:create"),
        {"name": "Polibatam", "scope": "local", "country": "Indonesia"},
        follow=True,
    )

    assert Partner.objects.filter(name="Polibatam").exists()
    warnings = [
        str(m) for m in response.context["messages"] if m.level_tag == "warning"
    ]
    assert len(warnings) == 1
    assert existing.get_absolute_url() in warnings[0]


def test_it_checks_a_name_while_it_is_typed(users, client_for):
    existing = PartnerFactory(name="Politeknik Negeri Batam")
    client = client_for(users["unit_a"])
    url = reverse("partners:name_check")

    taken = client.get(url, {"name": "POLITEKNIK NEGERI BATAM"}).content.decode()
    similar = client.get(url, {"name": "Polibatam"}).content.decode()
    itself = client.get(url, {"name": "Polibatam", "partner": existing.pk})
    fresh = client.get(url, {"name": "Something Else Entirely"}).content.decode()

    assert "alert-danger" in taken and existing.get_absolute_url() in taken
    assert "alert-warning" in similar and existing.get_absolute_url() in similar
    assert existing.get_absolute_url() not in itself.content.decode()
    assert "alert" not in fresh


def test_it_edits_a_partner_keeping_its_old_name_as_an_alias(
    users, client_for, partner
):
    response = client_for(users["head"]).post(
        reverse("partners:edit", args=[partner.pk]),
        {
            "name": "PT Batam Presisi Teknologi",
            "scope": "national",
            "country": "Indonesia",
        },
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "PT Batam Presisi Teknologi"
    assert list(partner.aliases.values_list("name", flat=True)) == [
        "PT Batam Presisi Teknik"
    ]


def test_it_refuses_renaming_to_a_taken_name_on_the_name_field(
    users, client_for, partner
):
    PartnerFactory(name="Universitas Contoh")

    response = client_for(users["office"]).post(
        reverse("partners:edit", args=[partner.pk]),
        {"name": "Universitas  Contoh", "scope": "national", "country": "Indonesia"},
    )

    assert response.status_code == 200
    assert "Universitas Contoh" in response.context["form"].errors["name"][0]
    partner.refresh_from_db()
    assert partner.name == "PT Batam Presisi Teknik"


def test_it_adds_and_removes_aliases(users, client_for, partner):
    client = client_for(users["office"])

    added = client.post(
        reverse("partners:alias_add", args=[partner.pk]), {"name": "BPT"}
    )
    alias = partner.aliases.get()
    removed = client.post(reverse("partners:alias_remove", args=[partner.pk, alias.pk]))

    assert (added.status_code, removed.status_code) == (302, 302)
    assert not partner.aliases.exists()


def test_it_shows_why_an_alias_is_refused(users, client_for, partner):
    PartnerFactory(name="Universitas Contoh")

    response = client_for(users["office"]).post(
        reverse("partners:alias_add", args=[partner.pk]), {"name": "universitas contoh"}
    )

    assert response.status_code == 200
    assert "Universitas Contoh" in response.context["alias_form"].errors["name"][0]
    assert not partner.aliases.exists()


def test_it_adds_edits_and_removes_contacts(users, client_for, partner):
    client = client_for(users["office"])

    created = client.post(
        reverse("partners:contact_create", args=[partner.pk]),
        {"name": "Dewi", "position": "Manajer", "language": "id", "is_active": "on"},
    )
    contact = partner.contacts.get()
    edited = client.post(
        reverse("partners:contact_edit", args=[contact.pk]),
        {"name": "Dewi Sartika", "language": "en", "is_active": "on"},
    )
    contact.refresh_from_db()
    deleted = client.post(reverse("partners:contact_delete", args=[contact.pk]))

    assert [created.status_code, edited.status_code, deleted.status_code] == [302] * 3
    assert (contact.name, contact.language) == ("Dewi Sartika", "en")
    assert not partner.contacts.exists()


def test_it_shows_contact_errors_on_the_form(users, client_for, partner):
    response = client_for(users["office"]).post(
        reverse("partners:contact_create", args=[partner.pk]),
        {"name": "", "email": "not-an-email", "language": "xx"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email", "language"}
    assert not partner.contacts.exists()


# --- duplicates and merges -----------------------------------------------


@pytest.fixture
def twins(db):
    kept = PartnerFactory(name="Politeknik Negeri Batam")
    absorbed = PartnerFactory(name="Polibatam")
    AgreementFactory.create_batch(3, partner=absorbed)
    ContactFactory(partner=absorbed)
    return kept, absorbed


def test_it_lists_likely_duplicates_with_both_merge_directions(
    users, client_for, twins
):
    kept, absorbed = twins

    response = client_for(users["office"]).get(reverse("partners:duplicates"))

    content = response.content.decode()
    assert reverse("partners:merge", args=[kept.pk, absorbed.pk]) in content
    assert reverse("partners:merge", args=[absorbed.pk, kept.pk]) in content
    assert reverse("partners:dismiss", args=[kept.pk, absorbed.pk]) in content


def test_it_shows_what_a_merge_will_move_before_doing_it(users, client_for, twins):
    kept, absorbed = twins

    response = client_for(users["office"]).get(
        reverse("partners:merge", args=[kept.pk, absorbed.pk])
    )

    assert dict(response.context["records"]) == {"agreements": 3, "contacts": 1}
    assert response.context["aliases"] == ["Polibatam"]
    assert Partner.objects.count() == 2


def test_it_merges_after_confirmation_and_shows_the_record(users, client_for, twins):
    kept, absorbed = twins
    client = client_for(users["head"])

    response = client.post(reverse("partners:merge", args=[kept.pk, absorbed.pk]))

    assert response.status_code == 302
    assert response["Location"] == kept.get_absolute_url()
    assert not Partner.objects.filter(pk=absorbed.pk).exists()
    assert kept.agreements.count() == 3
    merge = kept.merges.get()
    page = client.get(reverse("partners:merge_detail", args=[kept.pk, merge.pk]))
    assert page.status_code == 200
    assert "Polibatam" in page.content.decode()
    assert len(page.context["history"]) == 2


def test_it_refuses_to_merge_a_partner_into_itself_without_failing(
    users, client_for, twins
):
    kept, _absorbed = twins

    response = client_for(users["office"]).post(
        reverse("partners:merge", args=[kept.pk, kept.pk]), follow=True
    )

    assert response.status_code == 200
    assert Partner.objects.filter(pk=kept.pk).exists()
    assert not kept.merges.exists()


def test_it_dismisses_a_pair_and_returns_to_a_safe_page(users, client_for, twins):
    kept, absorbed = twins
    client = client_for(users["office"])
    url = reverse("partners:dismiss", args=[kept.pk, absorbed.pk])

    back = client.post(url, {"next": reverse("partners:duplicates")})
    elsewhere = client.post(url, {"next": "https://elsewhere.example/"})

    assert back["Location"] == reverse("partners:duplicates")
    assert elsewhere["Location"] == kept.get_absolute_url()
    page = client.get(reverse("partners:duplicates"))
    assert page.context["pairs"] == []


@pytest.mark.indonesian
def test_it_speaks_indonesian_unless_asked_otherwise(users, client_for, partner):
    AgreementFactory(partner=partner, start_date="2024-01-12", end_date="2030-03-01")
    client = client_for(users["office"])

    page = client.get(
        partner.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(partner.get_absolute_url()).content.decode()

    assert '<html lang="id">' in page
    assert "12 Januari 2024" in page
    assert '<html lang="en">' in english
    assert "12 January 2024" in english
