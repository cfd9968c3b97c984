"""Numbering: patterns, formatting, sequences, skipping used numbers, pages."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mitra.core import numbering
from mitra.core.clock import frozen
from mitra.core.models import NumberingPattern, NumberSequence
from mitra.core.numbering import (
    number_issue,
    number_preview,
    proposed_agreement_number,
    validate_pattern,
)
from tests.factories import AgreementFactory

MARCH_2025 = datetime.date(2025, 3, 15)


def make_pattern(kind="agreement.mou", pattern="{seq:03}/{type}/{year}", **fields):
    fields.setdefault("type_code", "MoU")
    return NumberingPattern.objects.create(kind=kind, pattern=pattern, **fields)


def messages_of(error_info):
    return " ".join(error_info.value.messages)


# --- validating patterns ---------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "{seq}",
        "{seq:03}/{type}.{unit}/{month_roman}/{year}",
        "{seq:01}/x",
        "{seq:09}-{month}-{year}",
        "KS/{year}/{seq}",
    ],
)
def test_it_accepts_patterns_made_of_known_placeholders(pattern):
    validate_pattern(pattern)


def test_it_names_the_unknown_placeholder():
    with pytest.raises(ValidationError) as error:
        validate_pattern("{seq:03}/{tahun}")

    assert "{tahun}" in messages_of(error)
    assert error.value.error_list[0].code == "unknown_placeholder"


def test_it_names_every_unknown_placeholder():
    with pytest.raises(ValidationError) as error:
        validate_pattern("{seq}/{jenis}/{bulan}")

    assert "{jenis}" in messages_of(error)
    assert "{bulan}" in messages_of(error)


@pytest.mark.parametrize("pattern", ["{seq:3}", "{seq:010}", "{seq:00}", "{SEQ}"])
def test_it_refuses_a_badly_written_sequence(pattern):
    with pytest.raises(ValidationError) as error:
        validate_pattern(f"{pattern}/{{year}}")

    assert pattern in messages_of(error)


def test_it_refuses_a_pattern_without_a_sequence():
    with pytest.raises(ValidationError) as error:
        validate_pattern("{type}/{year}")

    assert error.value.error_list[0].code == "no_sequence"


@pytest.mark.parametrize("pattern", ["{seq/{year}", "{seq}/year}", "{{seq}}", "{"])
def test_it_refuses_unbalanced_braces(pattern):
    with pytest.raises(ValidationError) as error:
        validate_pattern(pattern)

    assert "unbalanced_braces" in [item.code for item in error.value.error_list]


# --- formatting ------------------------------------------------------------


def test_it_fills_in_every_placeholder(units):
    make_pattern(
        pattern="{seq:03}/{type}.{unit}/{month_roman}/{month}/{year}", type_code="KS"
    )

    number = number_issue(kind="agreement.mou", unit=units["ja"], on=MARCH_2025)

    assert number == "001/KS.JA/III/03/2025"


@pytest.mark.parametrize(
    ("month", "roman"),
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (6, "VI"),
        (7, "VII"),
        (8, "VIII"),
        (9, "IX"),
        (10, "X"),
        (11, "XI"),
        (12, "XII"),
    ],
)
def test_it_writes_the_month_in_roman_numerals(db, month, roman):
    make_pattern(pattern="{seq}/{month_roman}/{month}/{year}")

    number = number_preview(kind="agreement.mou", on=datetime.date(2025, month, 28))

    assert number == f"1/{roman}/{month:02d}/2025"


@pytest.mark.parametrize(
    ("pattern", "start_at", "expected"),
    [
        ("{seq}/{year}", 7, "7/2025"),
        ("{seq:01}/{year}", 7, "7/2025"),
        ("{seq:03}/{year}", 7, "007/2025"),
        ("{seq:05}/{year}", 42, "00042/2025"),
        ("{seq:03}/{year}", 1234, "1234/2025"),
    ],
)
def test_it_pads_the_sequence_with_zeros(db, pattern, start_at, expected):
    make_pattern(pattern=pattern, start_at=start_at)

    assert number_issue(kind="agreement.mou", on=MARCH_2025) == expected


def test_it_reads_today_from_the_clock(db):
    make_pattern(pattern="{seq}/{month_roman}/{year}")

    with frozen(datetime.date(2031, 11, 2)):
        assert number_issue(kind="agreement.mou") == "1/XI/2031"


# --- sequences and their scope ------------------------------------------------


def test_the_sequence_restarts_every_year_by_default(db):
    make_pattern()

    issued = [
        number_issue(kind="agreement.mou", on=datetime.date(2025, 1, 5)),
        number_issue(kind="agreement.mou", on=datetime.date(2025, 12, 31)),
        number_issue(kind="agreement.mou", on=datetime.date(2026, 1, 1)),
    ]

    assert issued == ["001/MoU/2025", "002/MoU/2025", "001/MoU/2026"]


def test_the_sequence_can_restart_every_month(db):
    make_pattern(
        pattern="{seq}/{month_roman}/{year}", reset=NumberingPattern.Reset.MONTHLY
    )

    issued = [
        number_issue(kind="agreement.mou", on=datetime.date(2025, 1, 5)),
        number_issue(kind="agreement.mou", on=datetime.date(2025, 1, 31)),
        number_issue(kind="agreement.mou", on=datetime.date(2025, 2, 1)),
    ]

    assert issued == ["1/I/2025", "2/I/2025", "1/II/2025"]


def test_the_sequence_can_run_on_for_ever(db):
    make_pattern(pattern="{seq}/{year}", reset=NumberingPattern.Reset.NEVER)

    issued = [
        number_issue(kind="agreement.mou", on=datetime.date(2025, 12, 31)),
        number_issue(kind="agreement.mou", on=datetime.date(2026, 1, 1)),
    ]

    assert issued == ["1/2025", "2/2026"]


def test_each_unit_can_have_its_own_sequence(units):
    make_pattern(pattern="{seq}/{unit}/{year}", per_unit=True)

    issued = [
        number_issue(kind="agreement.mou", unit=units["ja"], on=MARCH_2025),
        number_issue(kind="agreement.mou", unit=units["jb"], on=MARCH_2025),
        number_issue(kind="agreement.mou", unit=units["ja"], on=MARCH_2025),
    ]

    assert issued == ["1/JA/2025", "1/JB/2025", "2/JA/2025"]


def test_units_share_the_sequence_unless_told_otherwise(units):
    make_pattern(pattern="{seq}/{unit}/{year}")

    issued = [
        number_issue(kind="agreement.mou", unit=units["ja"], on=MARCH_2025),
        number_issue(kind="agreement.mou", unit=units["jb"], on=MARCH_2025),
    ]

    assert issued == ["1/JA/2025", "2/JB/2025"]


def test_kinds_have_separate_sequences(db):
    make_pattern(kind="agreement.mou", type_code="MoU")
    make_pattern(kind="agreement.moa", type_code="PKS")

    number_issue(kind="agreement.mou", on=MARCH_2025)

    assert number_issue(kind="agreement.moa", on=MARCH_2025) == "001/PKS/2025"


def test_a_raised_first_number_lifts_the_running_sequence(db):
    # given two numbers issued this year
    pattern = make_pattern()
    number_issue(kind="agreement.mou", on=MARCH_2025)
    number_issue(kind="agreement.mou", on=MARCH_2025)

    # when the office says the register by hand already reached 40
    pattern.start_at = 41
    pattern.save()

    # then the next number continues from there
    assert number_issue(kind="agreement.mou", on=MARCH_2025) == "041/MoU/2025"


# --- previews -----------------------------------------------------------------


def test_a_preview_never_uses_a_number_up(db):
    make_pattern()

    first = number_preview(kind="agreement.mou", on=MARCH_2025)
    again = number_preview(kind="agreement.mou", on=MARCH_2025)
    issued = number_issue(kind="agreement.mou", on=MARCH_2025)

    assert first == again == issued == "001/MoU/2025"
    assert number_preview(kind="agreement.mou", on=MARCH_2025) == "002/MoU/2025"


def test_a_preview_creates_no_sequence(db):
    make_pattern()

    number_preview(kind="agreement.mou", on=MARCH_2025)

    assert not NumberSequence.objects.exists()


# --- numbers already used -----------------------------------------------------


def test_it_skips_a_number_an_imported_agreement_carries(db):
    # given an agreement imported from the old register with number 001 and 002
    make_pattern()
    AgreementFactory(number="001/MoU/2025")
    AgreementFactory(number="002/mou/2025")

    # when the preview is shown and a number issued
    preview = number_preview(kind="agreement.mou", on=MARCH_2025)
    issued = number_issue(kind="agreement.mou", on=MARCH_2025)

    # then both pass over the used numbers, written in any case
    assert preview == issued == "003/MoU/2025"
    assert number_issue(kind="agreement.mou", on=MARCH_2025) == "004/MoU/2025"


def test_it_skips_a_long_run_of_used_numbers(db):
    make_pattern()
    for value in range(1, 121):
        AgreementFactory(number=f"{value:03d}/MoU/2025")

    assert number_issue(kind="agreement.mou", on=MARCH_2025) == "121/MoU/2025"


def test_it_asks_the_caller_which_numbers_are_taken(db):
    make_pattern(kind="proposal", pattern="{seq}/USL/{year}")
    used = {"1/USL/2025", "2/USL/2025"}

    number = number_issue(kind="proposal", on=MARCH_2025, taken=used.__contains__)

    assert number == "3/USL/2025"


def test_it_gives_up_when_every_number_is_taken(db, monkeypatch):
    make_pattern()
    monkeypatch.setattr(numbering, "MAX_SKIPPED", 5)

    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.mou", on=MARCH_2025, taken=lambda number: True)

    assert error.value.code == "all_taken"
    assert not NumberSequence.objects.exists()


# --- bad requests give a message, not a crash ------------------------------------


def test_an_unknown_kind_tells_the_office_to_set_a_pattern(db):
    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.ia", on=MARCH_2025)

    assert error.value.code == "no_pattern"
    # named as people call it, not by its internal kind
    assert "Agreement: IA" in messages_of(error)
    assert "agreement.ia" not in messages_of(error)
    with pytest.raises(ValidationError):
        number_preview(kind="agreement.ia", on=MARCH_2025)


def test_a_pattern_with_a_unit_needs_a_unit(db):
    make_pattern(pattern="{seq}/{unit}/{year}")

    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.mou", on=MARCH_2025)

    assert error.value.code == "needs_unit"
    assert not NumberSequence.objects.exists()


def test_a_sequence_per_unit_needs_a_unit(db):
    make_pattern(pattern="{seq}/{unit}/{year}", per_unit=True)

    with pytest.raises(ValidationError) as error:
        number_preview(kind="agreement.mou", on=MARCH_2025)

    assert error.value.code == "needs_unit"


def test_a_pattern_with_a_type_needs_a_type_code(db):
    make_pattern(type_code="")

    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.mou", on=MARCH_2025)

    assert error.value.code == "needs_type_code"


def test_a_stored_pattern_that_became_invalid_is_refused(db):
    make_pattern(pattern="{seq}/{tahun}")

    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.mou", on=MARCH_2025)

    assert "{tahun}" in messages_of(error)


def test_a_number_too_long_to_store_is_refused(db):
    make_pattern(pattern="{seq}/" + "X" * 130 + "/{year}")

    with pytest.raises(ValidationError) as error:
        number_issue(kind="agreement.mou", on=MARCH_2025)

    assert error.value.code == "too_long"


# --- proposed numbers for agreements recorded by hand -----------------------------


def test_an_agreement_recorded_by_hand_gets_a_proposed_number(units):
    make_pattern(kind="agreement.moa", pattern="{seq:03}/{type}.{unit}/{year}")

    proposed = proposed_agreement_number(
        document_type="moa", unit=units["ja"], on=MARCH_2025
    )

    assert proposed == "001/MoU.JA/2025"
    assert not NumberSequence.objects.exists()


def test_no_number_is_proposed_without_a_pattern(db):
    assert proposed_agreement_number(document_type="ia", on=MARCH_2025) == ""


def test_no_number_is_proposed_while_the_unit_is_unknown(db):
    make_pattern(pattern="{seq}/{unit}/{year}")

    assert proposed_agreement_number(document_type="mou", on=MARCH_2025) == ""


# --- concurrency (PostgreSQL) ---------------------------------------------------


def issue_together(count, *, kind, on, pause=0.0):
    """Issue `count` numbers from as many threads, each on its own connection,
    released at the same moment; return the numbers, or raise the first
    error."""
    barrier = threading.Barrier(count)
    numbers, errors = [], []

    def slow_taken(number):
        # Widen the window between reading and writing the sequence.
        threading.Event().wait(pause)
        return False

    def issue():
        try:
            barrier.wait(timeout=10)
            numbers.append(
                number_issue(kind=kind, on=on, taken=slow_taken if pause else None)
            )
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return numbers


def skip_unless_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pause", [0.0, 0.2])
def test_numbers_issued_at_the_same_moment_differ(pause):
    skip_unless_postgresql()
    # given a sequence that already exists
    make_pattern()
    number_issue(kind="agreement.mou", on=MARCH_2025)

    # when two connections issue a number at the same moment
    numbers = issue_together(2, kind="agreement.mou", on=MARCH_2025, pause=pause)

    # then they get two different numbers, the next two
    assert sorted(numbers) == ["002/MoU/2025", "003/MoU/2025"]
    assert NumberSequence.objects.get().last_value == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pause", [0.0, 0.2])
def test_the_first_numbers_of_a_new_sequence_differ(pause):
    skip_unless_postgresql()
    # given a pattern whose sequence row does not exist yet
    make_pattern()

    # when two connections issue its first number at the same moment
    numbers = issue_together(2, kind="agreement.mou", on=MARCH_2025, pause=pause)

    # then one row was created and the numbers differ
    assert sorted(numbers) == ["001/MoU/2025", "002/MoU/2025"]
    assert NumberSequence.objects.get().last_value == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_numbers_issued_together_are_all_different():
    skip_unless_postgresql()
    make_pattern()

    numbers = issue_together(8, kind="agreement.mou", on=MARCH_2025)

    assert sorted(numbers) == [f"{value:03d}/MoU/2025" for value in range(1, 9)]


# --- the form --------------------------------------------------------------------


def form_data(**changes):
    data = {
        "kind": "agreement.mou",
        "pattern": "{seq:03}/{type}/{month_roman}/{year}",
        "type_code": "MoU",
        "reset": "yearly",
        "start_at": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def form_for(data, instance=None):
    from mitra.core.numbering_forms import NumberingPatternForm

    return NumberingPatternForm(data, instance=instance)


def test_the_form_names_an_unknown_placeholder_on_the_pattern_field(db):
    form = form_for(form_data(pattern="{seq}/{tahun}/{year}"))

    assert not form.is_valid()
    assert "{tahun}" in " ".join(form.errors["pattern"])


def test_the_form_asks_for_a_type_code_when_the_pattern_uses_one(db):
    form = form_for(form_data(type_code=""))

    assert not form.is_valid()
    assert list(form.errors) == ["type_code"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pattern": "{seq}/{type}", "reset": "yearly"}, "pattern"),
        ({"pattern": "{seq}/{type}/{year}", "reset": "monthly"}, "pattern"),
        ({"pattern": "{seq}/{type}/{month}", "reset": "monthly"}, "pattern"),
        ({"pattern": "{seq}/{type}/{year}", "per_unit": "on"}, "per_unit"),
        ({"start_at": "0"}, "start_at"),
    ],
)
def test_the_form_refuses_settings_that_would_repeat_numbers(db, changes, field):
    form = form_for(form_data(**changes))

    assert not form.is_valid()
    assert field in form.errors


def test_the_form_accepts_a_pattern_that_never_restarts(db):
    form = form_for(form_data(pattern="{seq}/{type}", reset="never"))

    assert form.is_valid(), form.errors


def test_the_form_offers_only_kinds_without_a_pattern(db):
    make_pattern(kind="agreement.mou")

    form = form_for(form_data())

    assert not form.is_valid()
    assert "kind" in form.errors
    kinds = [value for value, _label in form.fields["kind"].choices]
    assert "agreement.mou" not in kinds
    assert "agreement.moa" in kinds


# --- the pages -------------------------------------------------------------------


def test_the_office_sees_each_pattern_with_its_next_number(users, client_for):
    make_pattern()
    AgreementFactory(number="001/MoU/2025")

    with frozen(MARCH_2025):
        response = client_for(users["office"]).get(reverse("numbering_list"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "002/MoU/2025" in content
    assert not NumberSequence.objects.exists()


def test_the_list_says_why_a_pattern_gives_no_number(users, client_for):
    make_pattern(type_code="")

    response = client_for(users["admin"]).get(reverse("numbering_list"))

    assert response.status_code == 200
    (pattern,) = response.context["patterns"]
    assert pattern.next_number == ""
    assert "{type}" in pattern.preview_error


def test_the_list_previews_for_the_chosen_unit(users, units, client_for):
    make_pattern(pattern="{seq}/{unit}/{year}")

    with frozen(MARCH_2025):
        response = client_for(users["head"]).get(
            reverse("numbering_list"), {"unit": units["jb"].pk}
        )

    assert "1/JB/2025" in response.content.decode()


def test_the_list_shows_the_kinds_still_without_a_pattern(users, client_for):
    make_pattern(kind="agreement.mou")

    response = client_for(users["office"]).get(reverse("numbering_list"))

    missing = [kind for kind, _label in response.context["missing"]]
    assert "agreement.mou" not in missing
    assert "agreement.ia" in missing


def test_the_list_runs_the_same_queries_however_many_patterns(users, client_for):
    client = client_for(users["office"])

    def queries_for(count):
        for index in range(NumberingPattern.objects.count(), count):
            make_pattern(kind=f"test.kind{index}")
            number_issue(kind=f"test.kind{index}", on=MARCH_2025)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("numbering_list"))
        assert len(response.context["patterns"]) == count
        return len(queries)

    assert queries_for(5) == queries_for(40)


@pytest.mark.parametrize("role", ["unit_a", "leader", "auditor"])
def test_other_staff_cannot_open_the_numbering_pages(users, client_for, role):
    pattern = make_pattern()
    client = client_for(users[role])

    assert client.get(reverse("numbering_list")).status_code == 403
    assert client.get(reverse("numbering_create")).status_code == 403
    edit = reverse("numbering_edit", args=[pattern.pk])
    assert client.get(edit).status_code in (403, 404)
    assert client.post(edit, form_data(pattern="{seq}")).status_code in (403, 404)
    pattern.refresh_from_db()
    assert pattern.pattern == "{seq:03}/{type}/{year}"


def test_the_head_sets_a_pattern(users, client_for):
    response = client_for(users["head"]).post(
        reverse("numbering_create"), form_data(kind="agreement.ia", type_code="IA")
    )

    assert response.status_code == 302
    pattern = NumberingPattern.objects.get(kind="agreement.ia")
    assert pattern.pattern == "{seq:03}/{type}/{month_roman}/{year}"


def test_a_bad_pattern_is_shown_on_its_field_and_nothing_is_saved(users, client_for):
    response = client_for(users["office"]).post(
        reverse("numbering_create"), form_data(pattern="{seq}/{tahun}/{year}")
    )

    assert response.status_code == 200
    assert "{tahun}" in " ".join(response.context["form"].errors["pattern"])
    assert not NumberingPattern.objects.exists()


def test_the_office_edits_a_pattern_and_the_sequence_carries_on(users, client_for):
    # given a pattern that issued one number
    pattern = make_pattern()
    number_issue(kind="agreement.mou", on=MARCH_2025)
    client = client_for(users["office"])

    # when the office changes how the numbers are written
    page = client.get(reverse("numbering_edit", args=[pattern.pk]))
    response = client.post(
        reverse("numbering_edit", args=[pattern.pk]),
        form_data(pattern="{seq:04}/{type}/{year}", kind="agreement.moa"),
    )

    # then the kind stays, the next number follows on
    assert page.status_code == 200
    assert response.status_code == 302
    pattern.refresh_from_db()
    assert pattern.kind == "agreement.mou"
    assert number_issue(kind="agreement.mou", on=MARCH_2025) == "0002/MoU/2025"


def test_the_edit_page_previews_without_using_a_number_up(users, client_for):
    pattern = make_pattern()
    client = client_for(users["office"])

    with frozen(MARCH_2025):
        page = client.get(reverse("numbering_edit", args=[pattern.pk]))
        preview = client.post(
            reverse("numbering_edit", args=[pattern.pk]),
            {**form_data(pattern="{seq:05}/{type}/{year}"), "action": "preview"},
        )

    assert page.context["number"] == "001/MoU/2025"
    assert preview.status_code == 200
    assert preview.context["number"] == "00001/MoU/2025"
    pattern.refresh_from_db()
    assert pattern.pattern == "{seq:03}/{type}/{year}"
    assert not NumberSequence.objects.exists()


def test_the_live_preview_answers_htmx_with_the_number_or_the_problem(
    users, client_for
):
    client = client_for(users["office"])
    url = reverse("numbering_create")

    with frozen(MARCH_2025):
        good = client.post(
            url, {**form_data(), "action": "preview"}, headers={"HX-Request": "true"}
        )
        bad = client.post(
            url,
            {**form_data(pattern="{seq}/{bulan}"), "action": "preview"},
            headers={"HX-Request": "true"},
        )

    assert good.templates[0].name == "core/numbering_preview.html"
    assert "001/MoU/III/2025" in good.content.decode()
    assert "{bulan}" in bad.content.decode()
    assert not NumberingPattern.objects.exists()


def test_an_unknown_pattern_is_not_found(users, client_for):
    response = client_for(users["office"]).get(reverse("numbering_edit", args=[999]))

    assert response.status_code == 404
