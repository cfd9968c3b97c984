"""The printed form of a survey round's result (`survey_result`).

Issued when a round closes: the indices and grades, the means and the
distribution of answers per item and per aspect, the comparison with the
previous round and the open answers — never who gave which answer.
"""

from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mitra.documents import charts
from mitra.documents.registry import FormDefinition, Variable, register

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "defaults" / "survey_result.docx"

_PERCENT_FIELDS = (
    Variable.text("very_good", _("Very good (%)")),
    Variable.text("good", _("Good (%)")),
    Variable.text("fair", _("Fair (%)")),
    Variable.text("poor", _("Poor (%)")),
)

SURVEY_RESULT_VARIABLES = (
    Variable.text("round_title", _("Title of the survey round")),
    Variable.text("year", _("Year reported")),
    Variable.text("instrument", _("Instrument used")),
    Variable.text("period", _("Opening and closing day")),
    Variable.text("anonymous", _("Whether answers were anonymous")),
    Variable.number("invited", _("Contacts invited")),
    Variable.number("respondents", _("Responses received")),
    Variable.text("response_rate", _("Response rate (%)")),
    Variable.text("service_index", _("Service index (25-100)")),
    Variable.text("service_grade", _("Grade of the service index")),
    Variable.text("service_grade_label", _("Meaning of the service grade")),
    Variable.text("cooperation_index", _("Cooperation index (25-100)")),
    Variable.text("cooperation_grade", _("Grade of the cooperation index")),
    Variable.text("cooperation_grade_label", _("Meaning of the cooperation grade")),
    Variable.text("previous_round", _("The previous round compared with")),
    Variable.text("service_delta", _("Change of the service index")),
    Variable.text("cooperation_delta", _("Change of the cooperation index")),
    Variable.list(
        "elements",
        _("The nine service elements"),
        [
            Variable.text("code", _("Code")),
            Variable.text("name", _("Element")),
            Variable.number("n", _("Answers")),
            Variable.text("mean", _("Mean (1-4)")),
            Variable.text("delta", pgettext_lazy("difference", "Change")),
        ],
    ),
    Variable.list(
        "aspects",
        _("Aspects"),
        [
            Variable.text("name", _("Aspect")),
            Variable.text("mean", _("Mean (1-4)")),
            *_PERCENT_FIELDS,
        ],
    ),
    Variable.list(
        "items",
        _("Items"),
        [
            Variable.text("code", _("Code")),
            Variable.text("aspect", _("Aspect")),
            Variable.text("question", _("Question")),
            Variable.number("n", _("Answers")),
            Variable.text("mean", _("Mean (1-4)")),
            *_PERCENT_FIELDS,
            Variable.text("delta", pgettext_lazy("difference", "Change")),
        ],
    ),
    Variable.list(
        "open_answers",
        _("Answers to open questions"),
        [
            Variable.text("code", _("Code")),
            Variable.text("question", _("Question")),
            Variable.text("text", _("Answer")),
        ],
    ),
    Variable.image("elements_chart", _("Chart of the service elements' means")),
    Variable.image("items_chart", _("Chart of the cooperation items' means")),
)


def _number(value, places=2):
    if value is None:
        return ""
    from mitra.surveys.results import display

    return number_format(display(value, places), places)


def _signed(value, places=2):
    if value is None:
        return ""
    text = _number(value, places)
    return text if value < 0 else f"+{text}"


def _percents(result):
    percents = result.percents
    return {
        "very_good": _number(percents[4], 1),
        "good": _number(percents[3], 1),
        "fair": _number(percents[2], 1),
        "poor": _number(percents[1], 1),
    }


def survey_result_context(round, *, user):
    """Return the variables of a round's result (aggregates only)."""
    from mitra.documents.services import long_date
    from mitra.surveys.results import compute, display, grade_label

    language = (get_language() or "id")[:2]
    results = compute(round)
    previous = results.previous
    elements = results.elements
    cooperation = results.cooperation_items
    return {
        "round_title": round.title,
        "year": str(round.year),
        "instrument": round.instrument.name,
        "period": f"{long_date(round.opens_on)} \u2013 {long_date(round.closes_on)}",
        "anonymous": gettext("Yes") if round.anonymous else gettext("No"),
        "invited": results.invited,
        "respondents": results.respondents,
        "response_rate": _number(results.response_rate, 1),
        "service_index": _number(results.service_index),
        "service_grade": results.service_grade,
        "service_grade_label": grade_label(results.service_grade),
        "cooperation_index": _number(results.cooperation_index),
        "cooperation_grade": results.cooperation_grade,
        "cooperation_grade_label": grade_label(results.cooperation_grade),
        "previous_round": previous.title if previous else "",
        "service_delta": _signed(results.service_delta),
        "cooperation_delta": _signed(results.cooperation_delta),
        "elements": [
            {
                "code": result.item.service_element,
                "name": result.item.get_service_element_display(),
                "n": result.n,
                "mean": _number(result.mean),
                "delta": _signed(result.delta),
            }
            for result in elements
        ],
        "aspects": [
            {
                "name": aspect.aspect.name_in(language),
                "mean": _number(aspect.mean),
                **_percents(aspect),
            }
            for aspect in results.aspects
            if aspect.scale_items
        ],
        "items": [
            {
                "code": result.item.code,
                "aspect": result.item.aspect.name_in(language),
                "question": result.item.text_in(language),
                "n": result.n,
                "mean": _number(result.mean),
                **_percents(result),
                "delta": _signed(result.delta),
            }
            for result in results.scale_items
        ],
        "open_answers": [
            {
                "code": result.item.code,
                "question": result.item.text_in(language),
                "text": answer["text"],
            }
            for result in results.open_items
            for answer in sorted(
                result.open_answers, key=lambda answer: answer["text"].casefold()
            )
        ],
        "elements_chart": charts.bar_chart(
            title=gettext("Service elements: mean (1-4)"),
            labels=[
                f"{result.item.service_element} "
                f"{result.item.get_service_element_display()}"
                for result in elements
            ],
            values=[display(result.mean) or 0 for result in elements],
        ),
        "items_chart": charts.bar_chart(
            title=gettext("Cooperation items: mean (1-4)"),
            labels=[
                f"{result.item.code} {result.item.text_in(language)}"
                for result in cooperation
            ],
            values=[display(result.mean) or 0 for result in cooperation],
        ),
    }


def survey_result_layout(form, doc):
    """The default DOCX layout of the survey result."""
    from django.utils.translation import gettext_noop

    from mitra.documents.defaults.layout import label

    doc.letterhead()
    doc.title(subtitle="{{ round_title }}")
    doc.fields(
        [
            (label(gettext_noop("Year")), "{{ year }}"),
            (label(gettext_noop("Instrument")), "{{ instrument }}"),
            (label(gettext_noop("Period")), "{{ period }}"),
            (label(gettext_noop("Anonymous")), "{{ anonymous }}"),
            (label(gettext_noop("Contacts invited")), "{{ invited }}"),
            (label(gettext_noop("Responses")), "{{ respondents }}"),
            (label(gettext_noop("Response rate (%)")), "{{ response_rate }}"),
        ]
    )
    doc.heading(label(gettext_noop("Indices")))
    doc.fields(
        [
            (
                label(gettext_noop("Service index")),
                "{{ service_index }} ({{ service_grade }}, "
                "{{ service_grade_label }}) {{ service_delta }}",
            ),
            (
                label(gettext_noop("Cooperation index")),
                "{{ cooperation_index }} ({{ cooperation_grade }}, "
                "{{ cooperation_grade_label }}) {{ cooperation_delta }}",
            ),
            (label(gettext_noop("Compared with")), "{{ previous_round }}"),
        ]
    )
    doc.heading(label(gettext_noop("Service elements")))
    doc.loop_table(
        "elements",
        [
            (label(gettext_noop("Code")), "{{ item.code }}"),
            (label(gettext_noop("Element")), "{{ item.name }}"),
            (label(gettext_noop("Answers")), "{{ item.n }}"),
            (label(gettext_noop("Mean")), "{{ item.mean }}"),
            (label(gettext_noop("Change")), "{{ item.delta }}"),
        ],
        empty=label(gettext_noop("None.")),
    )
    doc.image("elements_chart")
    doc.heading(label(gettext_noop("Aspects")))
    doc.loop_table(
        "aspects",
        [
            (label(gettext_noop("Aspect")), "{{ item.name }}"),
            (label(gettext_noop("Mean")), "{{ item.mean }}"),
            (label(gettext_noop("Very good (%)")), "{{ item.very_good }}"),
            (label(gettext_noop("Good (%)")), "{{ item.good }}"),
            (label(gettext_noop("Fair (%)")), "{{ item.fair }}"),
            (label(gettext_noop("Poor (%)")), "{{ item.poor }}"),
        ],
        empty=label(gettext_noop("None.")),
    )
    doc.heading(label(gettext_noop("Items")))
    doc.loop_table(
        "items",
        [
            (label(gettext_noop("Code")), "{{ item.code }}"),
            (label(gettext_noop("Question")), "{{ item.question }}"),
            (label(gettext_noop("Answers")), "{{ item.n }}"),
            (label(gettext_noop("Mean")), "{{ item.mean }}"),
            (label(gettext_noop("Very good (%)")), "{{ item.very_good }}"),
            (label(gettext_noop("Good (%)")), "{{ item.good }}"),
            (label(gettext_noop("Fair (%)")), "{{ item.fair }}"),
            (label(gettext_noop("Poor (%)")), "{{ item.poor }}"),
            (label(gettext_noop("Change")), "{{ item.delta }}"),
        ],
        empty=label(gettext_noop("None.")),
    )
    doc.image("items_chart")
    doc.heading(label(gettext_noop("Answers to open questions")))
    doc.loop_table(
        "open_answers",
        [
            (label(gettext_noop("Code")), "{{ item.code }}"),
            (label(gettext_noop("Answer")), "{{ item.text }}"),
        ],
        empty=label(gettext_noop("None.")),
    )
    doc.signatures(
        [
            (
                "{{ issued_on or printed_on }}",
                "{{ institution_name }}",
                "(....................................)",
                "",
            )
        ]
    )


SURVEY_RESULT = register(
    FormDefinition(
        code="survey_result",
        title=_("Partner satisfaction survey result"),
        description=_(
            "The result of a closed survey round: the service and cooperation "
            "indices with their grades, means and answer distributions per "
            "item and aspect, and the open answers."
        ),
        source_model="surveys.Round",
        variables=SURVEY_RESULT_VARIABLES,
        build=survey_result_context,
        record_type="satisfaction_survey",
        default_template=DEFAULT_TEMPLATE,
        html_template="surveys/print/survey_result.html",
        default_layout=survey_result_layout,
    )
)
