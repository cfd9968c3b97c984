"""Partner name keys, initials and likely duplicates."""

import csv
import itertools
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mitra.partners.names import (
    LEADING_LEGAL_FORMS,
    SMALL_WORDS,
    TRAILING_LEGAL_FORMS,
    Match,
    Reason,
    initials,
    likely_duplicates,
    normalize_name,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REGISTER = SHARED / "data" / "daftar-kerjasama-contoh.csv"
ANSWERS = SHARED / "data" / "daftar-kerjasama-contoh.answers.json"


def suggest(name, *candidates, **options):
    """Return (candidate name, reason) of each suggestion, best first."""
    pairs = list(enumerate(candidates))
    return [
        (match.candidate_name, match.reason)
        for match in likely_duplicates(name, pairs, **options)
    ]


# normalize_name


@pytest.mark.parametrize(
    "spelling",
    [
        "PT. Batam Presisi Teknik",
        "PT Batam Presisi Teknik",
        "PT BATAM PRESISI TEKNIK ",
        "Batam Presisi Teknik, PT",
        "Batam Presisi Teknik PT",
        "  pt   batam\u00a0presisi\tteknik",
        "P.T. Batam Presisi Teknik",
        "PT Batam-Presisi Teknik.",
    ],
)
def test_spellings_of_one_name_share_a_key(spelling):
    assert normalize_name(spelling) == "batam presisi teknik"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("CV. Mitra Digital Riau", "mitra digital riau"),
        ("PT Bank Rakyat Indonesia (Persero) Tbk.", "bank rakyat indonesia"),
        ("PT (Persero) Pelabuhan Contoh", "pelabuhan contoh"),
        ("Perum Percetakan Contoh", "percetakan contoh"),
        ("UD Sumber Rejeki", "sumber rejeki"),
        ("Kobe Precision Ltd.", "kobe precision"),
        ("Acme Inc.", "acme"),
        ("Hanseatic Werkzeug GmbH", "hanseatic werkzeug"),
        ("Selatan Marine Sdn. Bhd.", "selatan marine"),
        ("Lion City Tools Pte. Ltd.", "lion city tools"),
    ],
)
def test_legal_forms_are_dropped(name, key):
    assert normalize_name(name) == key


def test_company_and_co_are_words_of_the_name():
    assert normalize_name("Batam Port Company") == "batam port company"
    assert normalize_name("Kobe Tools Co., Ltd.") == "kobe tools co"


def test_a_legal_form_inside_the_name_stays():
    assert normalize_name("Koperasi Karyawan PT Contoh") == (
        "koperasi karyawan pt contoh"
    )


@pytest.mark.parametrize("name", ["Yayasan", "PT", "CV.", "PT Tbk"])
def test_a_name_of_legal_forms_only_stays_itself(name):
    assert normalize_name(name)
    assert normalize_name(name) == " ".join(name.replace(".", "").lower().split())


def test_foundations_and_cooperatives_keep_their_kind():
    assert normalize_name("Yayasan Pesisir Cerdas") == "yayasan pesisir cerdas"
    assert normalize_name("Yayasan Universitas Samudra") != normalize_name(
        "Universitas Samudra"
    )
    assert normalize_name("Koperasi Nelayan Contoh") != normalize_name("Nelayan Contoh")


def test_abbreviations_are_not_expanded_into_the_key():
    assert normalize_name("Univ. Samudra Raya") != normalize_name(
        "Universitas Samudra Raya"
    )
    assert normalize_name("Yay. Pesisir Cerdas") != normalize_name(
        "Yayasan Pesisir Cerdas"
    )
    assert normalize_name("AIEC") == "aiec"


def test_accents_are_dropped_and_digits_kept():
    assert normalize_name("Café Ñandú Élite") == "cafe nandu elite"
    assert normalize_name("SMK Negeri 1 Batam") == "smk negeri 1 batam"
    assert normalize_name("SMK Negeri 1 Batam") != normalize_name("SMK Negeri 2 Batam")


def test_apostrophes_join_and_other_punctuation_separates():
    assert normalize_name("St. Mary's College") == normalize_name("St Marys College")
    assert normalize_name("Riau/Kepri (Contoh)") == "riau kepri contoh"


@pytest.mark.parametrize("name", ["", "   ", "...", "\u00a0", "(-)"])
def test_a_name_without_letters_gives_an_empty_key(name):
    assert normalize_name(name) == ""


# initials


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Asosiasi Insinyur Elektro Contoh", "AIEC"),
        ("PT Bank Pembangunan Contoh (Persero) Tbk", "BPC"),
        ("Hanseatic Institute of Applied Sciences", "HIAS"),
        ("Jurusan Manajemen dan Bisnis", "JMB"),
        ("Pusat Pelatihan untuk Industri di Batam", "PPIB"),
        ("Foo & Bar, the Company", "FBC"),
        ("SMK Negeri 1 Batam", "SN1B"),
        ("Universitas Negeri Padang", "UNP"),
        ("The And", "TA"),
        ("", ""),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_small_words_and_legal_forms_are_documented_data():
    assert {"dan", "and", "of", "the", "di", "untuk"} <= SMALL_WORDS
    assert {"pt", "cv", "persero"} <= LEADING_LEGAL_FORMS
    assert {"tbk", "ltd", "inc", "gmbh"} <= TRAILING_LEGAL_FORMS
    assert LEADING_LEGAL_FORMS <= TRAILING_LEGAL_FORMS


# likely_duplicates: what is suggested


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("Univ. Samudra Raya", "Universitas Samudra Raya"),
        ("Yay. Pesisir Cerdas", "Yayasan Pesisir Cerdas"),
        ("Hanseatic Inst. of Technology", "Hanseatic Institute of Technology"),
        ("Kobe Mfg Academy", "Kobe Manufacturing Academy"),
        ("Disdik Kota Contoh", "Dinas Pendidikan Kota Contoh"),
        ("Dinkes Kota Contoh", "Dinas Kesehatan Kota Contoh"),
        ("Disnaker Kota Contoh", "Dinas Tenaga Kerja Kota Contoh"),
        ("Pemkot Batam", "Pemerintah Kota Batam"),
        ("Polinec Utara", "Politeknik Negeri Contoh Utara"),
        ("Polibatam", "Politeknik Negeri Batam"),
        ("Kemendikbud", "Kementerian Pendidikan dan Kebudayaan"),
        ("LSP TI Contoh", "Lembaga Sertifikasi Profesi Teknologi Informasi Contoh"),
        ("BOK Contoh", "Badan Otorita Kawasan Contoh"),
        ("Kobe Tools Co., Ltd.", "Kobe Tools Company Limited"),
        ("Intl Marine Academy", "International Marine Academy"),
    ],
)
def test_abbreviations_are_suggested(name, candidate):
    assert suggest(name, candidate) == [(candidate, Reason.ABBREVIATION)]
    # Whichever side is abbreviated.
    assert suggest(candidate, name) == [(name, Reason.ABBREVIATION)]


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("AIEC", "Asosiasi Insinyur Elektro Contoh"),
        ("BPC", "Batam Port Company"),
        ("BPC", "PT Bank Pembangunan Contoh"),
        ("HIAS", "Hanseatic Institute of Applied Sciences"),
        ("HIOAS", "Hanseatic Institute of Applied Sciences"),
        ("PNB", "Politeknik Negeri Batam"),
        ("Foo Bar Company (FBC)", "Foo Bar Company"),
        ("Foo Bar Company (FBC)", "FBC"),
        ("Universiti Teknikal Selatan (UTS)", "Universiti Teknikal Selatan"),
    ],
)
def test_initials_are_suggested(name, candidate):
    assert suggest(name, candidate) == [(candidate, Reason.INITIALS)]
    assert suggest(candidate, name) == [(name, Reason.INITIALS)]


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("Universitas Samudera Raya", "Universitas Samudra Raya"),
        ("PT Sinar Kepri Elektronika", "PT Sinar Kepri Elektronik"),
        ("Galangan Kapal Nusantara", "PT Nusantara Galangan Kapal"),
        ("PT NusantaraGalangan Kapal", "PT Nusantara Galangan Kapal"),
        ("Asosiasi Insinyur Elektro dan Contoh", "Asosiasi Insinyur Elektro Contoh"),
    ],
)
def test_near_spellings_are_suggested_as_similar(name, candidate):
    assert suggest(name, candidate) == [(candidate, Reason.SIMILAR)]


@pytest.mark.parametrize(
    ("name", "candidate"),
    [
        ("SMK Negeri 1 Batam", "SMK Negeri 2 Batam"),
        ("Universitas Negeri Padang", "Universitas Negeri Medan"),
        ("Dinas Pendidikan Kota Batam", "Dinas Pendidikan Kota Bintan"),
        ("Dinas Pendidikan Kota Contoh", "Dinas Kesehatan Kota Contoh"),
        ("Yayasan Universitas Samudra", "Universitas Samudra"),
        ("Politeknik Negeri Contoh", "Politeknik Negeri Contoh Utara"),
        ("Foo Bar Company (FBC)", "Fine Bakery Cooperative (FBC)"),
        ("Foo Bar Company (FBC)", "Fine Bakery Cooperative"),
        ("Universitas Samudra Raya", "Universiti Teknikal Selatan"),
        ("Bank Pembangunan Contoh", "Badan Otorita Kawasan Contoh"),
        ("PB", "Politeknik Negeri Batam"),
        ("Contoh", "Badan Otorita Kawasan Contoh"),
    ],
)
def test_different_partners_are_not_suggested(name, candidate):
    assert suggest(name, candidate) == []
    assert suggest(candidate, name) == []


def test_the_same_partner_is_not_a_duplicate_of_itself():
    assert suggest("PT. Batam Presisi Teknik", "Batam Presisi Teknik, PT") == []


def test_a_candidate_known_under_the_name_already_is_left_out():
    candidates = [
        (7, "Asosiasi Insinyur Elektro Contoh"),
        (7, "AIEC"),
        (8, "Asosiasi Insinyur Elektro Kota Contoh"),
    ]
    assert likely_duplicates("aiec", candidates) == []


def test_a_candidate_with_several_names_is_suggested_once_under_its_best():
    candidates = [
        (7, "BOK Contoh"),
        (7, "Badan Otorita Kawasan Contoh"),
        (9, "Bank Pembangunan Contoh"),
    ]
    assert likely_duplicates("Badan Otorita Kaw. Contoh", candidates) == [
        Match(7, "Badan Otorita Kawasan Contoh", 97.5, Reason.ABBREVIATION)
    ]


def test_suggestions_are_sorted_best_first():
    found = likely_duplicates(
        "Univ. Samudra Raya",
        [
            ("initials", "USR"),
            ("truncated", "Universitas Samudra Raya"),
            ("other", "Universitas Samudra Jaya Makmur"),
        ],
    )
    assert [match.candidate_id for match in found] == ["truncated", "initials"]
    assert found[0].score > found[1].score


def test_threshold_drops_weaker_suggestions():
    candidates = [(1, "Asosiasi Insinyur Elektro Contoh")]
    assert likely_duplicates("AIEC", candidates, threshold=90) == []
    (match,) = likely_duplicates("AIEC", candidates, threshold=50)
    assert match == Match(
        1, "Asosiasi Insinyur Elektro Contoh", match.score, Reason.INITIALS
    )
    assert 50 <= match.score < 90


def test_match_is_frozen_and_reason_is_plain_text():
    match = Match(1, "X", 80.0, Reason.SIMILAR)
    with pytest.raises(AttributeError):
        match.score = 1
    assert match.reason == "similar"


def test_a_pasted_paragraph_is_not_compared():
    paragraph = " ".join(f"kata{number} panjang" for number in range(300))
    assert suggest(paragraph, paragraph + " lagi", "KPKP") == []


@pytest.mark.parametrize("name", ["", "  ", "..."])
def test_nothing_is_suggested_for_an_empty_name(name):
    assert suggest(name, "Asosiasi Insinyur Elektro Contoh", "", "...") == []


# The shared sample register


@cache
def register_spellings():
    """Return (spelling, full partner name) for each accepted register row."""
    answers = json.loads(ANSWERS.read_text(encoding="utf-8"))["agreements"]
    with REGISTER.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    header, data = rows[2], rows[3:]
    assert header[:2] == ["No", "Nama Mitra"]
    by_number = {}
    for row in data:
        record = dict(zip(header, row, strict=False))
        number = record.get("Nomor Dokumen", "").strip()
        # Rejected rows are not in the answers; a repeated row comes second.
        if number in answers and number not in by_number:
            by_number[number] = (record["Nama Mitra"], answers[number]["partner"])
    return list(by_number.values())


def partners():
    return sorted({partner for _, partner in register_spellings()})


def test_the_sample_has_its_eighteen_partners_and_eighty_rows():
    assert len(register_spellings()) == 80
    assert len(partners()) == 18


def test_sample_spellings_never_merge_two_partners():
    partners_by_key = defaultdict(set)
    for spelling, partner in register_spellings():
        partners_by_key[normalize_name(spelling)].add(partner)
    merged = {key: found for key, found in partners_by_key.items() if len(found) > 1}
    assert merged == {}


def test_sample_spellings_that_collapse_by_themselves():
    collapsing = {
        spelling
        for spelling, partner in register_spellings()
        if spelling != partner and normalize_name(spelling) == normalize_name(partner)
    }
    assert {
        "PT BATAM PRESISI TEKNIK",
        "PT. Batam Presisi Teknik",
        "Batam Presisi Teknik, PT",
        "Southpoint Polytechnic ",
        "CV. Mitra Digital Riau",
    } <= collapsing


def test_sample_abbreviations_are_suggested_as_their_partner():
    candidates = list(enumerate(partners()))
    missed = {}
    for spelling, partner in set(register_spellings()):
        if normalize_name(spelling) == normalize_name(partner):
            continue
        found = likely_duplicates(spelling, candidates)
        if not found or found[0].candidate_name != partner:
            missed[spelling] = found
    assert missed == {}


def test_sample_spellings_are_never_suggested_as_another_partner():
    candidates = list(enumerate(partners()))
    wrong = {}
    for spelling, partner in set(register_spellings()):
        found = likely_duplicates(spelling, candidates)
        others = [match for match in found if match.candidate_name != partner]
        if others:
            wrong[spelling] = others
    assert wrong == {}


def test_sample_partners_are_not_suggested_as_each_other():
    suggested = [
        (one, other)
        for one, other in itertools.permutations(partners(), 2)
        if likely_duplicates(one, [(other, other)])
    ]
    assert suggested == []


def test_every_sample_abbreviation_is_caught():
    abbreviated = {
        spelling
        for spelling, partner in register_spellings()
        if normalize_name(spelling) != normalize_name(partner)
    }
    assert abbreviated == {
        "AIEC",
        "BPC",
        "BOK Contoh",
        "Disdik Kota Contoh",
        "Polinec Utara",
        "LSP TI Contoh",
        "Kobe Mfg Academy",
        "Hanseatic Inst. of Applied Sciences",
        "Univ. Samudra Raya",
        "Yay. Pesisir Cerdas",
        "Universiti Teknikal Selatan (UTS)",
    }


# Properties

words = st.from_regex(r"[A-Za-z][a-z]{2,9}", fullmatch=True).filter(
    lambda word: word.lower() not in TRAILING_LEGAL_FORMS
)
names = st.lists(words, min_size=1, max_size=5).map(" ".join)


@given(st.text())
def test_normalize_name_ignores_case_and_spacing(text):
    key = normalize_name(text)
    assert normalize_name(text.upper() + "  ") == key
    assert normalize_name(f"\u00a0{text} \t") == key
    assert key == " ".join(key.split())


@given(st.text())
def test_normalize_name_is_idempotent(text):
    key = normalize_name(text)
    assert normalize_name(key) == key


@given(names, st.sampled_from(["PT", "PT.", "CV", "C.V."]))
def test_the_legal_form_may_stand_before_or_after(name, form):
    key = normalize_name(name)
    assert key == name.lower()
    assert normalize_name(f"{form} {name}") == key
    assert normalize_name(f"{name}, {form}") == key
    assert normalize_name(f"{name} {form}") == key
    assert normalize_name(f"{form} {name} (Persero) Tbk.") == key


@given(st.text(), st.lists(st.tuples(st.integers(), st.text()), max_size=5))
def test_likely_duplicates_never_raises_and_stays_in_range(name, candidates):
    found = likely_duplicates(name, candidates, threshold=0)
    assert [match.score for match in found] == sorted(
        (match.score for match in found), reverse=True
    )
    assert len({match.candidate_id for match in found}) == len(found)
    for match in found:
        assert 0 <= match.score <= 100
        assert match.reason in set(Reason)
        assert normalize_name(match.candidate_name) != normalize_name(name)


@given(st.text())
def test_initials_never_raise(text):
    assert initials(text) == initials(text).upper()
