"""Checking, storing and using the office's DOCX templates."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.documents.models import FormTemplate, PrintedForm
from mitra.documents.registry import all_forms
from mitra.documents.rendering import (
    PrintError,
    check_template,
    render_html,
    sample_context,
)
from mitra.documents.services import (
    form_context,
    form_number_set,
    form_template_activate,
    form_template_upload,
    render_docx,
)
from tests.documents.helpers import docx_text, docx_upload, make_docx
from tests.factories import ActivityFactory, AgreementFactory

FORM = "agreement_summary"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refusal(data):
    with pytest.raises(ValidationError) as caught:
        check_template(FORM, data)
    return " ".join(caught.value.messages)


def test_it_accepts_a_template_using_declared_variables_loops_and_labels():
    data = make_docx(
        "{{ _('Number') }}: {{ number }} {{ partner.name|upper }}",
        "{%p for party in parties %}",
        "{{ party.role }}: {{ party.name }}",
        "{%p endfor %}",
        table=[
            ["{%tr for a in activities %}", ""],
            ["{{ a.title }}", "{{ loop.index }}"],
            ["{%tr endfor %}", ""],
        ],
        header="{{ form_number }}",
    )

    report = check_template(FORM, data)

    assert {"number", "partner", "parties", "activities", "form_number"} <= set(
        report.variables
    )


def test_it_names_an_unknown_field_of_a_list_item():
    data = make_docx("{% for a in activities %}{{ a.titel }}{% endfor %}")

    message = refusal(data)

    assert "activities.titel" in message
    assert "activities.title" in message


def test_it_names_an_unknown_variable_in_the_page_header():
    data = make_docx("{{ number }}", header="{{ nomor_formulir }}")

    assert "nomor_formulir" in refusal(data)


def test_it_names_broken_tags_and_where_they_are():
    data = make_docx("Judul", "Nomor: {{ number }", "Akhir")

    message = refusal(data)

    assert "tags are broken" in message
    assert "Nomor" in message


def test_it_names_an_unknown_filter():
    assert "no_such_filter" in refusal(make_docx("{{ number|no_such_filter }}"))


def test_it_refuses_a_template_failing_on_sample_data():
    message = refusal(make_docx("{{ number|round(precision='x') }}"))

    assert "could not be filled" in message


def test_a_template_cannot_reach_past_its_values(users, units):
    data = make_docx("[{{ number.__class__.__mro__ }}][{{ title.upper.__globals__ }}]")
    check_template(FORM, data)
    agreement = AgreementFactory(units=[units["ja"]])
    context = form_context(FORM, agreement, user=users["office"])

    text = docx_text(render_docx_with(data, context))

    assert "class" not in text
    assert "[]" in text


def render_docx_with(data, context):
    from mitra.documents.registry import get_form
    from mitra.documents.rendering import _fill

    return _fill(get_form(FORM), data, context)


@pytest.mark.parametrize(
    "tag",
    [
        "{{ 'x' * 100000000 }}",
        "{{ 10 ** 100000 }}",
        "{% for i in range(100000000) %}{% endfor %}",
    ],
)
def test_it_keeps_templates_in_the_sandbox(tag):
    with pytest.raises(ValidationError):
        check_template(FORM, make_docx(tag))


def test_it_refuses_a_word_file_that_is_not_a_docx_inside():
    assert "not a valid Word document" in refusal(b"PK\x03\x04 not really a zip")


def test_every_registered_form_has_a_default_that_passes_its_own_checks():
    for form in all_forms():
        data = form.default_template_path.read_bytes()
        check_template(form, data)
        html = render_html(form=form, context=sample_context(form))
        assert "<html" in html


def test_an_upload_becomes_the_template_in_use_and_older_ones_stay(users, units):
    office = users["office"]
    agreement = AgreementFactory(number="77/PL/2024", units=[units["ja"]])
    context = form_context(FORM, agreement, user=office)

    # given two uploads, the second one in use
    first = form_template_upload(
        form=FORM, file=docx_upload(make_docx("SATU {{ number }}")), by=office
    )
    second = form_template_upload(
        form=FORM,
        file=docx_upload(make_docx("DUA {{ number }}")),
        by=office,
        note="revisi",
    )
    assert docx_text(render_docx(form=FORM, context=context)).startswith("DUA 77/PL")

    # when the office goes back to the first, then to Mitra's default
    form_template_activate(form=FORM, template=first, by=office)
    assert docx_text(render_docx(form=FORM, context=context)).startswith("SATU")
    form_template_activate(form=FORM, template=None, by=office)

    # then the default is used again, and both uploads are kept
    assert "SATU" not in docx_text(render_docx(form=FORM, context=context))
    assert set(FormTemplate.objects.values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert second.variables_used == ["number"]


def test_the_office_number_of_a_form_is_printed(users, units):
    agreement = AgreementFactory(units=[units["ja"]])
    form_number_set(form=FORM, number="  FO.12.3  ", by=users["office"])

    context = form_context(FORM, agreement, user=users["office"])

    assert context["form_number"] == "FO.12.3"
    assert "FO.12.3" in docx_text(render_docx(form=FORM, context=context))
    latest = PrintedForm.objects.get(code=FORM).history.first()
    assert (latest.form_number, latest.history_user) == ("FO.12.3", users["office"])


def test_a_template_failing_on_real_data_gives_a_print_error(users, units):
    office = users["office"]
    form_template_upload(
        form=FORM, file=docx_upload(make_docx("{{ 10 / activity_count }}")), by=office
    )
    agreement = AgreementFactory(units=[units["ja"]])

    with pytest.raises(PrintError, match="could not be filled"):
        render_docx(form=FORM, context=form_context(FORM, agreement, user=office))

    ActivityFactory(agreement=agreement)
    text = docx_text(
        render_docx(form=FORM, context=form_context(FORM, agreement, user=office))
    )
    assert text.startswith("10.0")


def test_a_template_of_another_form_cannot_be_activated(users):
    template = FormTemplate(form_code="other_form")

    with pytest.raises(ValidationError, match="another form"):
        form_template_activate(form=FORM, template=template, by=users["office"])


def test_values_are_escaped_for_word(users, units):
    agreement = AgreementFactory(
        title="Riset <air> & energi", units=[units["ja"]], partner__name="PT A & B"
    )
    context = form_context(FORM, agreement, user=users["office"])

    text = docx_text(render_docx(form=FORM, context=context))

    assert "Riset <air> & energi" in text
    assert "PT A & B" in text
