"""The printed forms of the reports app.

* `evaluation_report` — the annual evaluation report of cooperation (*laporan
  evaluasi tahunan*, form FO.28.2.1): the year's figures computed from the
  records, with the chapters the office writes. Issued by the head; see
  `mitra.reports.evaluation`.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from mitra.documents.registry import FormDefinition, Variable, register
from mitra.reports.evaluation import FORM_CODE, evaluation_report_context
from mitra.reports.evaluation_layout import evaluation_report_layout

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

_PARAGRAPH = [Variable.text("text", _("Text of the paragraph"))]

_COUNTS = [
    Variable.number("new", _("New: signed in the year")),
    Variable.number("active", _("Active: in force at some time in the year")),
    Variable.number("expired", _("Expired: last day in the year")),
    Variable.number("renewed", _("Renewed: renewal signed in the year")),
    Variable.number("terminated", _("Terminated in the year")),
]

_AGREEMENT_ROW = [
    Variable.text("number", _("Row number")),
    Variable.text("agreement_number", _("Number of the agreement")),
    Variable.text("document_type", _("Document type")),
    Variable.text("title", _("Title of the agreement")),
    Variable.text("partner", _("Partner")),
    Variable.text("units", _("Units (codes)")),
]

_PARTICIPANTS = [
    Variable.number("students", _("Students involved")),
    Variable.number("students_credited", _("Students with credits recognised")),
    Variable.number("certificates", _("Certificates issued")),
    Variable.number("lecturers", _("Lecturers involved")),
]


def _narrative(name, description):
    return (
        Variable.text(name, description),
        Variable.list(
            f"{name}_paragraphs", _("The same text, paragraph by paragraph"), _PARAGRAPH
        ),
    )


EVALUATION_VARIABLES = (
    Variable.text("year", _("Year reported on")),
    Variable.text("period", _("Period covered (1 January to the day counted)")),
    Variable.text("as_of", _("Last day counted")),
    Variable.text("draft_mark", _("Draft mark, empty once issued")),
    *_narrative("introduction", _("Introduction (written, else a standard text)")),
    *_narrative("analysis", _("Analysis, as written by the office")),
    *_narrative("problems", _("Problems, as written by the office")),
    *_narrative("follow_up_plan", _("Follow-up plan, as written by the office")),
    *_narrative("closing", _("Closing (written, else a standard sentence)")),
    Variable.text("place", _("Place of signing")),
    Variable.text("signatory_name", _("Name of the signatory")),
    Variable.text("signatory_position", _("Position of the signatory")),
    Variable.text("signatory_id_number", _("Employee number (NIP) of the signatory")),
    # Cooperation documents
    Variable.number("new_count", _("Agreements signed in the year")),
    Variable.number("active_count", _("Agreements in force at some time in the year")),
    Variable.number("expired_count", _("Agreements whose last day fell in the year")),
    Variable.number("renewed_count", _("Renewals signed in the year")),
    Variable.number("terminated_count", _("Agreements terminated in the year")),
    Variable.list(
        "agreement_summary",
        _("The five counts of agreements with their meaning"),
        [
            Variable.text("category", _("Category")),
            Variable.text("meaning", _("What it counts")),
            Variable.number("count", _("Agreements")),
        ],
    ),
    Variable.list(
        "by_type",
        _("Agreements by document type"),
        [Variable.text("label", _("Document type")), *_COUNTS],
    ),
    Variable.list(
        "by_scope",
        _("Agreements by scope"),
        [Variable.text("label", _("Scope")), *_COUNTS],
    ),
    Variable.list(
        "by_unit",
        _("Agreements by unit (study programmes counted with their department)"),
        [
            Variable.text("label", _("Unit")),
            Variable.text("code", _("Code of the unit")),
            *_COUNTS,
        ],
    ),
    Variable.list(
        "by_field",
        _("Agreements by tridharma field"),
        [Variable.text("label", _("Field")), *_COUNTS],
    ),
    Variable.list(
        "new_agreements",
        _("Agreements signed in the year"),
        [
            *_AGREEMENT_ROW,
            Variable.text("signed_on", _("Signed on")),
            Variable.text("period", _("Start and end")),
            Variable.text("renewal", _("A renewal (yes or empty)")),
        ],
    ),
    Variable.list(
        "ended_agreements",
        _("Agreements that expired or were terminated in the year"),
        [
            *_AGREEMENT_ROW,
            Variable.text("ended_on", _("Ended on")),
            Variable.text("how", _("Expired or terminated")),
            Variable.text("renewal", _("Whether an expired agreement was renewed")),
        ],
    ),
    # Targets
    Variable.list(
        "targets",
        _("The year's targets and what was achieved"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("unit", _("Unit, or the institution")),
            Variable.text("unit_code", _("Code of the unit")),
            Variable.text("criteria", _("What is counted")),
            Variable.number("target", _("Target")),
            Variable.number("achieved", _("Achieved")),
            Variable.number("percent", _("Achieved, in percent of the target")),
            Variable.text("met", _("Met (yes or no)")),
        ],
    ),
    Variable.number("target_count", _("Number of targets")),
    Variable.number("targets_met_count", _("Number of targets met")),
    Variable.text("targets_note", _("Why there is no target, when there is none")),
    # Activities and outputs
    Variable.number("activity_count", _("Activities carried out in the year")),
    *[
        Variable.number(variable.name, variable.description)
        for variable in _PARTICIPANTS
    ],
    Variable.number(
        "activities_with_output", _("Activities with an output, described or recorded")
    ),
    Variable.list(
        "activities",
        _("Activities carried out in the year"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("title", _("Title")),
            Variable.text("agreement", _("Agreement (type and number)")),
            Variable.text("partner", _("Partner")),
            Variable.text("unit", _("Unit")),
            Variable.text("form", _("Form of activity")),
            Variable.text("period", _("When")),
            *_PARTICIPANTS,
            Variable.text("outputs", _("Outputs")),
        ],
    ),
    Variable.list(
        "activities_by_unit",
        _("Activities and participants by unit"),
        [
            Variable.text("label", _("Unit")),
            Variable.text("code", _("Code of the unit")),
            Variable.number("activities", _("Activities")),
            *_PARTICIPANTS,
        ],
    ),
    Variable.list(
        "activities_by_form",
        _("Activities by form"),
        [
            Variable.text("label", _("Form of activity")),
            Variable.number("count", _("Activities")),
        ],
    ),
    Variable.number("output_count", _("Outputs recorded with their kind")),
    Variable.list(
        "outputs_by_kind",
        _("Outputs by kind"),
        [Variable.text("label", _("Kind")), Variable.number("count", _("Outputs"))],
    ),
    Variable.text("outputs_note", _("Why outputs are missing, when they are")),
    # Monitoring
    Variable.list(
        "monitoring_rounds",
        _("Monitoring rounds of the year and their completion"),
        [
            Variable.text("title", _("Round")),
            Variable.text("period", _("Period")),
            Variable.text("reference_date", _("Reference date")),
            Variable.text("status", _("Status of the round")),
            Variable.number("entries", _("Entries")),
            Variable.number("submitted", _("Entries submitted")),
            Variable.number("percent", _("Entries submitted, in percent")),
            Variable.number("not_started", _("Reported not started")),
            Variable.number("ongoing", _("Reported ongoing")),
            Variable.number("done", _("Reported done")),
            Variable.number("stalled", _("Reported stalled")),
        ],
    ),
    Variable.text("monitoring_note", _("Why there is no round, when there is none")),
    # Partner satisfaction
    Variable.object(
        "survey",
        _("The last partner satisfaction survey closed in the year"),
        [
            Variable.text("round", _("Survey round")),
            Variable.text("closed_on", _("Closed on")),
            Variable.text("respondents", _("Respondents")),
            Variable.text("service_index", _("Service index (25-100)")),
            Variable.text("grade", _("Grade (A-D)")),
            Variable.text("grade_meaning", _("Meaning of the grade")),
            Variable.text("cooperation_index", _("Cooperation index (25-100)")),
        ],
    ),
    Variable.list(
        "survey_weakest",
        _("The lowest-rated survey items"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("item", _("Item")),
            Variable.text("mean", _("Mean (1-4)")),
        ],
    ),
    Variable.text("survey_note", _("Why there is no survey, when there is none")),
    # Dormant agreements
    Variable.number("dormant_months", _("Months without activity making dormant")),
    Variable.number("dormant_count", _("Number of dormant agreements")),
    Variable.list(
        "dormant",
        _("Agreements in force with no recent activity"),
        [
            *_AGREEMENT_ROW,
            Variable.text("start_date", _("Start date")),
            Variable.text("last_activity", _("Last activity")),
        ],
    ),
    Variable.text("dormant_note", _("Why dormancy is missing, when it is")),
    # Charts
    Variable.image("chart_agreements", _("Chart of the five counts of agreements")),
    Variable.image("chart_units", _("Chart of active agreements by unit")),
    Variable.image("chart_fields", _("Chart of active agreements by field")),
    Variable.image("chart_targets", _("Chart of targets achieved (may be empty)")),
    Variable.image("chart_activities", _("Chart of activities by unit")),
)


register(
    FormDefinition(
        code=FORM_CODE,
        title=_("Annual cooperation evaluation report"),
        form_number="FO.28.2.1",
        source_model="reports.EvaluationReport",
        record_type="evaluation_report",
        description=_(
            "The year's cooperation counted from the records (agreements, "
            "targets, activities, monitoring, partner satisfaction, dormant "
            "agreements) with the analysis, problems and follow-up plan the "
            "office writes. Issued by the head."
        ),
        variables=EVALUATION_VARIABLES,
        build=evaluation_report_context,
        default_template=DEFAULTS_DIR / "evaluation_report.docx",
        html_template="documents/print/evaluation_report.html",
        default_layout=evaluation_report_layout,
    )
)
