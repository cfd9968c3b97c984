"""Partner services: unique names, aliases, contacts, duplicates and merges."""

import pytest
from django.core.exceptions import ValidationError

from mitra.agreements.models import Agreement
from mitra.partners import services
from mitra.partners.models import (
    Contact,
    DuplicateDismissal,
    Partner,
    PartnerAlias,
    PartnerKind,
    PartnerMerge,
)
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def name_errors(raised):
    return raised.value.message_dict["name"]


# --- names ---------------------------------------------------------------


def test_it_refuses_a_name_that_normalises_like_another_partners_name(users):
    existing = services.partner_create(by=users["office"], name="PT Batam Jaya Tbk")

    with pytest.raises(ValidationError) as raised:
        services.partner_create(by=users["office"], name="batam  jaya, pt.")

    [message] = name_errors(raised)
    assert existing.name in message
    assert existing.code in message
    assert Partner.objects.count() == 1


def test_it_refuses_a_name_that_normalises_like_another_partners_alias(users):
    existing = PartnerFactory(name="Politeknik Negeri Batam")
    PartnerAlias.objects.create(partner=existing, name="Polibatam")

    with pytest.raises(ValidationError) as raised:
        services.partner_create(by=users["office"], name="POLIBATAM")

    assert "Politeknik Negeri Batam" in name_errors(raised)[0]


def test_it_refuses_a_name_without_letters_or_digits(users):
    with pytest.raises(ValidationError) as raised:
        services.partner_create(by=users["office"], name=" -- ")

    assert name_errors(raised)


def test_it_refuses_renaming_a_partner_to_another_partners_name(users):
    PartnerFactory(name="Universitas Contoh")
    partner = PartnerFactory(name="Universitas Lain")

    with pytest.raises(ValidationError) as raised:
        services.partner_update(
            partner=partner, by=users["office"], name="universitas contoh"
        )

    assert "Universitas Contoh" in name_errors(raised)[0]
    partner.refresh_from_db()
    assert partner.name == "Universitas Lain"


def test_it_keeps_the_old_name_as_an_alias_when_a_partner_is_renamed(users):
    partner = PartnerFactory(name="Univ. Contoh Nusantara")

    services.partner_update(
        partner=partner, by=users["office"], name="Universitas Contoh Nusantara"
    )

    assert list(partner.aliases.values_list("name", flat=True)) == [
        "Univ. Contoh Nusantara"
    ]
    assert Partner.objects.by_name("UNIV CONTOH NUSANTARA").get() == partner


def test_it_lets_a_partner_take_one_of_its_aliases_as_its_name(users):
    partner = PartnerFactory(name="Politeknik Negeri Batam")
    PartnerAlias.objects.create(partner=partner, name="Polibatam")

    services.partner_update(partner=partner, by=users["office"], name="Polibatam")

    partner.refresh_from_db()
    assert partner.name == "Polibatam"
    assert list(partner.aliases.values_list("name", flat=True)) == [
        "Politeknik Negeri Batam"
    ]


def test_it_keeps_other_fields_and_records_who_changed_them(users):
    partner = services.partner_create(
        by=users["unit_a"], name="CV Maju Bersama", country="Indonesia"
    )

    services.partner_update(
        partner=partner, by=users["office"], website="https://maju.example"
    )

    latest = partner.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == users["office"]
    assert latest.website == "https://maju.example"
    assert partner.created_by == users["unit_a"]


def test_it_writes_the_partner_code_into_the_first_history_entry(users):
    partner = services.partner_create(by=users["office"], name="PT Kode Awal")

    creation = partner.history.get(history_type="+")

    assert creation.code == partner.code


def test_it_refuses_bad_field_values(users):
    with pytest.raises(ValidationError) as raised:
        services.partner_create(
            by=users["office"], name="PT Situs", website="not a url"
        )

    assert "website" in raised.value.message_dict


# --- aliases -------------------------------------------------------------


def test_it_adds_an_alias_and_notes_it_in_the_partners_history(users):
    partner = PartnerFactory(name="Dinas Pendidikan Kota Batam")

    alias = services.alias_add(partner=partner, name="Disdik Batam", by=users["office"])

    assert alias.partner == partner
    assert Partner.objects.by_name("disdik batam").get() == partner
    latest = partner.history.order_by("-history_id").first()
    assert "Disdik Batam" in latest.history_change_reason
    assert latest.history_user == users["office"]


def test_it_refuses_an_alias_that_is_another_partners_name_or_alias(users):
    other = PartnerFactory(name="Universitas Contoh")
    PartnerAlias.objects.create(partner=other, name="UC")
    partner = PartnerFactory(name="Universitas Cendekia")

    for taken in ("Universitas  CONTOH", "U.C."):
        with pytest.raises(ValidationError) as raised:
            services.alias_add(partner=partner, name=taken, by=users["office"])
        assert "Universitas Contoh" in name_errors(raised)[0]

    assert not partner.aliases.exists()


def test_it_refuses_an_alias_the_partner_already_has(users):
    partner = PartnerFactory(name="PT Sinar Laut")
    services.alias_add(partner=partner, name="Sinar Laut Group", by=users["office"])

    for known in ("Sinar Laut", "sinar laut group"):
        with pytest.raises(ValidationError):
            services.alias_add(partner=partner, name=known, by=users["office"])

    assert partner.aliases.count() == 1


def test_it_removes_an_alias(users):
    partner = PartnerFactory(name="PT Sinar Laut")
    alias = services.alias_add(partner=partner, name="SL", by=users["office"])

    services.alias_remove(alias=alias, by=users["office"])

    assert not partner.aliases.exists()
    assert not Partner.objects.by_name("SL").exists()


# --- contacts ------------------------------------------------------------


def test_it_creates_changes_and_deletes_contacts(users):
    partner = PartnerFactory()

    contact = services.contact_create(
        partner=partner, by=users["office"], name="Budi Santoso", position="Direktur"
    )
    services.contact_update(contact=contact, by=users["office"], email="b@x.test")
    services.contact_delete(contact=contact, by=users["office"])

    assert not Contact.objects.exists()
    reasons = list(partner.history.values_list("history_change_reason", flat=True))
    assert any("Budi Santoso" in (reason or "") for reason in reasons)


def test_it_refuses_an_invalid_contact_email(users):
    with pytest.raises(ValidationError) as raised:
        services.contact_create(
            partner=PartnerFactory(), by=users["office"], name="X", email="nope"
        )

    assert "email" in raised.value.message_dict


# --- likely duplicates ---------------------------------------------------


def test_it_suggests_abbreviations_and_aliases_as_likely_duplicates(db):
    batam = PartnerFactory(name="Politeknik Negeri Batam")
    short = PartnerFactory(name="Polibatam")
    jakarta = PartnerFactory(name="Universitas Jakarta Raya")
    PartnerAlias.objects.create(partner=jakarta, name="UJR")
    initials = PartnerFactory(name="UJR")
    PartnerFactory(name="Rumah Sakit Umum Daerah Lain")

    pairs = {(pair.first, pair.second) for pair in services.duplicate_suggestions()}

    assert (batam, short) in pairs
    assert (jakarta, initials) in pairs
    assert len(pairs) == 2


def test_it_suggests_only_the_pairs_of_one_partner_when_asked(db):
    batam = PartnerFactory(name="Politeknik Negeri Batam")
    short = PartnerFactory(name="Polibatam")
    PartnerFactory(name="Universitas Jakarta Raya")
    PartnerFactory(name="Univ. Jakarta Raya Baru")

    pairs = services.duplicate_suggestions(partner=short)

    assert [(pair.first, pair.second) for pair in pairs] == [(batam, short)]
    assert pairs[0].second_name == "Polibatam"
    assert pairs[0].reason_label


def test_it_stops_suggesting_a_pair_a_person_dismissed(users):
    batam = PartnerFactory(name="Politeknik Negeri Batam")
    short = PartnerFactory(name="Polibatam")

    # given a dismissal, recorded twice from both sides
    services.duplicate_dismiss(partner=short, other=batam, by=users["office"])
    services.duplicate_dismiss(partner=batam, other=short, by=users["head"])

    # then the pair is stored once and suggested no more
    assert DuplicateDismissal.objects.get().by == users["office"]
    assert services.duplicate_suggestions() == []
    assert services.duplicate_suggestions(partner=batam) == []


def test_it_refuses_to_dismiss_a_partner_against_itself(users):
    partner = PartnerFactory()

    with pytest.raises(ValidationError):
        services.duplicate_dismiss(partner=partner, other=partner, by=users["office"])


def test_it_suggests_partners_a_new_name_may_duplicate(db):
    batam = PartnerFactory(name="Politeknik Negeri Batam")

    [(partner, match)] = services.name_suggestions(name="Polibatam")

    assert partner == batam
    assert match.score >= 75


# --- merge ---------------------------------------------------------------


@pytest.fixture
def pair(users):
    """A kept partner and a twin under an abbreviation, with records."""
    kept = PartnerFactory(name="Politeknik Negeri Batam", website="")
    absorbed = PartnerFactory(
        name="Polibatam",
        website="https://polibatam.example",
        address="Jl. Ahmad Yani",
        notes="Kontak lama",
    )
    PartnerAlias.objects.create(partner=absorbed, name="Poltek Batam")
    AgreementFactory.create_batch(2, partner=absorbed)
    AgreementFactory(partner=kept)
    ContactFactory(partner=absorbed, name="Siti")
    return kept, absorbed


def test_it_moves_agreements_contacts_and_aliases_to_the_kept_partner(users, pair):
    kept, absorbed = pair
    absorbed_pk = absorbed.pk

    services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    assert not Partner.objects.filter(pk=absorbed_pk).exists()
    assert Agreement.objects.filter(partner=kept).count() == 3
    assert list(kept.contacts.values_list("name", flat=True)) == ["Siti"]
    assert set(kept.aliases.values_list("name", flat=True)) == {
        "Polibatam",
        "Poltek Batam",
    }


def test_it_finds_the_kept_partner_under_an_absorbed_spelling(users, pair):
    kept, absorbed = pair

    services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    assert Partner.objects.by_name("POLIBATAM").get() == kept
    assert Partner.objects.by_name("poltek  batam").get() == kept


def test_it_records_the_merge_with_what_moved(users, pair):
    kept, absorbed = pair
    code = absorbed.code

    merge = services.partner_merge(kept=kept, absorbed=absorbed, by=users["head"])

    assert merge == PartnerMerge.objects.get()
    assert merge.kept == kept
    assert (merge.absorbed_name, merge.absorbed_code) == ("Polibatam", code)
    assert merge.merged_by == users["head"]
    assert merge.moved["records"] == {
        "agreements.agreement": 2,
        "partners.contact": 1,
        "partners.partneralias": 1,
    }
    assert merge.moved["aliases"] == ["Polibatam", "Poltek Batam"]


def test_it_fills_the_kept_partners_blanks_and_keeps_both_notes(users, pair):
    kept, absorbed = pair
    kept.address = "Jl. Parkway"
    kept.notes = "Mitra utama"
    kept.save()

    services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    kept.refresh_from_db()
    assert kept.website == "https://polibatam.example"
    assert kept.address == "Jl. Parkway"
    assert "Mitra utama" in kept.notes
    assert "Kontak lama" in kept.notes


def test_it_leaves_history_entries_naming_the_merge(users, pair):
    kept, absorbed = pair
    code = absorbed.code
    moved = Agreement.objects.filter(partner=absorbed).first()

    merge = services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    for history in (kept.history, moved.history):
        latest = history.order_by("-history_id").first()
        assert latest.history_user == users["office"]
        assert code in latest.history_change_reason
    assert moved.history.order_by("-history_id").first().partner_id == kept.pk
    absorbed_rows = services.absorbed_history(merge)
    assert {row.history_type for row in absorbed_rows} == {"+", "-"}


def test_it_carries_earlier_merges_over_to_the_kept_partner(users, pair):
    kept, absorbed = pair
    older = PartnerFactory(name="Poltek Negeri Batam Lama")
    services.partner_merge(kept=absorbed, absorbed=older, by=users["office"])

    services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    assert set(kept.merges.values_list("absorbed_name", flat=True)) == {
        "Poltek Negeri Batam Lama",
        "Polibatam",
    }
    assert Partner.objects.by_name("Poltek Negeri Batam Lama").get() == kept


def test_it_forgets_dismissals_of_the_absorbed_partner(users, pair):
    kept, absorbed = pair
    third = PartnerFactory(name="Poli Batam Lain")
    services.duplicate_dismiss(partner=absorbed, other=third, by=users["office"])

    services.partner_merge(kept=kept, absorbed=absorbed, by=users["office"])

    assert not DuplicateDismissal.objects.exists()


def test_it_refuses_to_merge_a_partner_into_itself(users, pair):
    kept, _absorbed = pair

    with pytest.raises(ValidationError):
        services.partner_merge(kept=kept, absorbed=kept, by=users["office"])

    assert Partner.objects.filter(pk=kept.pk).exists()
    assert not PartnerMerge.objects.exists()


def test_it_plans_a_merge_without_changing_anything(users, pair):
    kept, absorbed = pair

    plan = services.merge_plan(kept=kept, absorbed=absorbed)

    assert plan.records["agreements.agreement"] == 2
    assert plan.aliases == ["Polibatam", "Poltek Batam"]
    assert set(plan.filled) == {"website", "address", "notes"}
    assert Agreement.objects.filter(partner=absorbed).count() == 2


def test_it_moves_rows_of_every_relation_to_partner(db):
    relations = {relation.related_model for relation in services._moved_relations()}

    assert {Agreement, Contact} <= relations
    assert PartnerAlias not in relations
    assert PartnerKind not in relations
