"""The registry of forms, charts, and a form of one's own end to end."""

import datetime
import io

import pytest
from django.utils import translation
from PIL import Image

from mitra.documents import charts
from mitra.documents.printed_forms import duration_text
from mitra.documents.registry import (
    FormDefinition,
    Variable,
    all_forms,
    get_form,
    register,
    unregister,
)
from mitra.documents.rendering import check_template, render_html
from mitra.documents.services import (
    form_context,
    issue_document,
    render_docx,
    render_pdf,
)
from tests.documents.helpers import docx_images, docx_text, make_docx, pdf_text
from tests.factories import AgreementFactory


def recap_context(agreement, *, user):
    return {
        "heading": f"Rekap {agreement.title}",
        "rows": [{"name": "Lokal", "count": 2}, {"name": "Nasional", "count": 5}],
        "chart_by_scope": charts.bar_chart(
            title="Per lingkup", labels=["Lokal", "Nasional"], values=[2, 5]
        ),
    }


@pytest.fixture
def recap_form():
    """A form with a list and a chart, registered for the test only."""
    form = register(
        FormDefinition(
            code="test_recap",
            title="Recap",
            form_number="BO.99",
            source_model="agreements.Agreement",
            variables=[
                Variable.text("heading", "Heading"),
                Variable.list(
                    "rows",
                    "Rows",
                    [Variable.text("name", "Name"), Variable.number("count", "Count")],
                ),
                Variable.image("chart_by_scope", "Agreements by scope"),
            ],
            build=recap_context,
        )
    )
    yield form
    unregister(form.code)


def test_a_form_with_a_chart_prints_it_in_both_files(recap_form, users, units):
    agreement = AgreementFactory(title="Uji", units=[units["ja"]])
    template = make_docx(
        "{{ heading }} {{ form_number }}",
        "{{ chart_by_scope }}",
        table=[
            ["{%tr for row in rows %}", ""],
            ["{{ row.name }}", "{{ row.count }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    check_template(recap_form, template)
    context = form_context("test_recap", agreement, user=users["office"])

    # DOCX from an explicit template (the form has no default file)
    from mitra.documents.rendering import _fill

    docx = _fill(recap_form, template, context)
    assert "Rekap Uji BO.99" in docx_text(docx)
    assert "Nasional | 5" in docx_text(docx)
    assert docx_images(docx)

    # PDF from the generic HTML template, chart as an image
    html = render_html(form=recap_form, context=context)
    assert 'src="data:image/png;base64,' in html
    assert "Rekap Uji" in pdf_text(render_pdf(form=recap_form, context=context))


def test_a_form_without_a_default_template_says_so(recap_form, users, units):
    agreement = AgreementFactory(units=[units["ja"]])
    context = form_context("test_recap", agreement, user=users["office"])

    english = translation.override("en")
    with english, pytest.raises(Exception, match="no default template"):
        render_docx(form=recap_form, context=context)
    with english, pytest.raises(Exception, match="no default template"):
        issue_document(
            kind="test_recap", source=agreement, context=context, by=None, title="x"
        )


def test_the_registry_refuses_twins():
    with pytest.raises(ValueError, match="more than once"):
        FormDefinition(
            code="twin",
            title="Twin",
            variables=[Variable.text("number", "a"), Variable.text("number", "b")],
            build=lambda obj, *, user: {},
        )
    with pytest.raises(ValueError, match="common variable"):
        FormDefinition(
            code="twin",
            title="Twin",
            variables=[Variable.text("form_number", "a")],
            build=lambda obj, *, user: {},
        )
    with pytest.raises(ValueError, match="exists"):
        register(
            FormDefinition(
                code="agreement_summary",
                title="Again",
                variables=[],
                build=lambda obj, *, user: {},
            )
        )
    with pytest.raises(LookupError):
        get_form("no_such_form")
    assert "agreement_summary" in [form.code for form in all_forms()]


def test_a_bar_chart_is_a_png_of_the_asked_width():
    spec = charts.bar_chart(
        title="Per unit",
        labels=["Jurusan Teknik Mesin dan Manufaktur Terapan", "B", "C"],
        values=[3, "x", None],
        width_mm=100,
    )

    data, mime = charts.image_bytes(spec)

    assert mime == "image/png"
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == 100 * charts.SCALE
    assert spec["values"] == [3, 0, 0]


@pytest.mark.parametrize(
    "spec",
    [
        charts.bar_chart(title="", labels=[], values=[]),
        charts.bar_chart(title="Nol", labels=["A"], values=[0]),
        charts.bar_chart(title="Negatif", labels=["A", "B"], values=[-2, 1.5]),
    ],
)
def test_odd_charts_still_draw(spec):
    data, _mime = charts.image_bytes(spec)

    assert data.startswith(b"\x89PNG")


def test_a_missing_image_is_left_out():
    assert charts.image_bytes(charts.stored_image("documents/none.png")) is None
    assert charts.image_bytes({"kind": "unknown"}) is None
    assert charts.image_bytes(None) is None


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2024, 1, 1), (2028, 12, 31), "5 years"),
        ((2024, 1, 1), (2024, 12, 31), "1 year"),
        ((2024, 3, 15), (2024, 6, 14), "3 months"),
        ((2024, 1, 10), (2024, 2, 10), "1 month, 1 day"),
        ((2024, 1, 31), (2024, 2, 28), "29 days"),
        ((2024, 1, 1), (2024, 1, 1), "1 day"),
        ((2024, 1, 1), (2026, 7, 10), "2 years, 6 months, 10 days"),
    ],
)
def test_durations_read_as_people_count_them(start, end, expected):
    with translation.override("en"):
        text = duration_text(datetime.date(*start), datetime.date(*end))

    assert text == expected


def test_no_duration_without_both_dates():
    assert duration_text(datetime.date(2024, 1, 1), None) == ""
    assert duration_text(None, datetime.date(2024, 1, 1)) == ""
