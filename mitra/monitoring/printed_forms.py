"""The monitoring recap (form BO.28.1.2) as a printed form.

One row per monitoring entry of the round (what each unit reported on each
agreement), completion per unit, the count per implementation status, and
the agreements in force that went dormant. Issued when the round closes.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from mitra.documents.registry import FormDefinition, Variable, register

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
DEFAULT_TEMPLATE = DEFAULTS_DIR / "monitoring_recap.docx"

RECAP_VARIABLES = (
    Variable.text("round_title", _("Title of the round")),
    Variable.text("period", _("Period monitored (semester or year)")),
    Variable.text("period_dates", _("First and last day of the period")),
    Variable.text("reference_date", _("Reference date (agreements in force then)")),
    Variable.text("due_date", _("Due date for the units")),
    Variable.text("round_status", _("Status of the round")),
    Variable.text("as_of", _("Day dormant agreements are reckoned on")),
    Variable.number("entry_count", _("Number of entries")),
    Variable.number("submitted_count", _("Entries submitted")),
    Variable.number("pending_count", _("Entries not submitted")),
    Variable.number("completion_percent", _("Entries submitted, in percent")),
    Variable.list(
        "entries",
        _("One row per agreement monitored"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("agreement_number", _("Number of the agreement")),
            Variable.text("document_type", _("Document type")),
            Variable.text("agreement_title", _("Title of the agreement")),
            Variable.text("partner", _("Partner")),
            Variable.text("units", _("Units")),
            Variable.text("implementation_status", _("Implementation status")),
            Variable.text("activities", _("Activities carried out in the period")),
            Variable.number("activity_count", _("Number of activities")),
            Variable.text("benefits", _("Benefits")),
            Variable.text("obstacles", _("Obstacles")),
            Variable.text("follow_up", _("Follow-up")),
            Variable.number("evidence_count", _("Evidence files")),
            Variable.text("filled_by", _("Filled by")),
            Variable.text("submitted_on", _("Submitted on")),
            Variable.text("state", _("Submitted or not")),
            Variable.text("dormant", _("Dormant, when it is")),
        ],
    ),
    Variable.list(
        "completion",
        _("Completion per unit"),
        [
            Variable.text("unit", _("Unit")),
            Variable.text("code", _("Code")),
            Variable.number("entries", _("Entries")),
            Variable.number("submitted", _("Submitted")),
            Variable.number("percent", _("Percent done")),
        ],
    ),
    Variable.list(
        "status_counts",
        _("Submitted entries per implementation status"),
        [
            Variable.text("status", _("Implementation status")),
            Variable.number("count", _("Entries")),
        ],
    ),
    Variable.number("dormant_months", _("Months without activity making dormant")),
    Variable.number("dormant_count", _("Number of dormant agreements")),
    Variable.list(
        "dormant",
        _("Dormant agreements: in force, no recent activity"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("agreement_number", _("Number of the agreement")),
            Variable.text("document_type", _("Document type")),
            Variable.text("title", _("Title of the agreement")),
            Variable.text("partner", _("Partner")),
            Variable.text("units", _("Units")),
            Variable.text("start_date", _("Start date")),
            Variable.text("last_activity", _("Last activity")),
        ],
    ),
    Variable.image("completion_chart", _("Chart of completion per unit")),
)


def recap_context(monitoring_round, *, user):
    from mitra.monitoring.selectors import round_recap

    return round_recap(monitoring_round, user=user)


def recap_layout(form, doc):
    """The default DOCX: landscape, the entries table, completion, dormant."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    from mitra.documents.defaults.layout import label

    section = doc.document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)

    def _(text):
        return label(gettext_noop(text))

    doc.letterhead()
    doc.title(subtitle="{{ round_title }}")
    doc.fields(
        [
            (_("Period"), "{{ period }} ({{ period_dates }})"),
            (_("Reference date"), "{{ reference_date }}"),
            (_("Due date"), "{{ due_date }}"),
            (_("Status"), "{{ round_status }}"),
            (
                _("Entries submitted"),
                "{{ submitted_count }} / {{ entry_count }} ({{ completion_percent }}%)",
            ),
        ]
    )
    doc.heading(_("Monitoring results"))
    results = doc.loop_table(
        "entries",
        [
            (_("No."), "{{ item.number }}"),
            (
                _("Agreement"),
                "{{ item.document_type }} {{ item.agreement_number }}: "
                "{{ item.agreement_title }}",
            ),
            (_("Partner"), "{{ item.partner }}"),
            (_("Units"), "{{ item.units }}"),
            (_("Status"), "{{ item.implementation_status or item.state }}"),
            (_("Activities"), "{{ item.activities }}"),
            (_("Benefits"), "{{ item.benefits }}"),
            (_("Obstacles"), "{{ item.obstacles }}"),
            (_("Follow-up"), "{{ item.follow_up }}"),
            (_("Note"), "{{ item.dormant }}"),
        ],
        empty=_("No agreement was in force on the reference date."),
    )
    _column_widths(results, [10, 40, 25, 15, 20, 42, 35, 30, 30, 20])
    doc.heading(_("Completion per unit"))
    doc.loop_table(
        "completion",
        [
            (_("Unit"), "{{ item.unit }}"),
            (_("Entries"), "{{ item.entries }}"),
            (_("Submitted"), "{{ item.submitted }}"),
            (_("Done"), "{{ item.percent }}%"),
        ],
        empty=_("None."),
    )
    doc.image("completion_chart")
    doc.heading(_("Implementation status"))
    doc.loop_table(
        "status_counts",
        [(_("Status"), "{{ item.status }}"), (_("Entries"), "{{ item.count }}")],
        empty=_("None."),
    )
    doc.heading(_("Dormant agreements"))
    dormant_note = gettext_noop(
        "In force, with no activity in the last %(months)s months, on %(day)s."
    )
    doc.paragraph(
        '{{ _("' + dormant_note + '")|format(months=dormant_months, day=as_of) }}'
    )
    doc.loop_table(
        "dormant",
        [
            (_("No."), "{{ item.number }}"),
            (
                _("Agreement"),
                "{{ item.document_type }} {{ item.agreement_number }}: "
                "{{ item.title }}",
            ),
            (_("Partner"), "{{ item.partner }}"),
            (_("Units"), "{{ item.units }}"),
            (_("Start date"), "{{ item.start_date }}"),
            (_("Last activity"), "{{ item.last_activity }}"),
        ],
        empty=_("None."),
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


def _column_widths(table, millimetres):
    """Fix a table's column widths (Word reads the cells, LibreOffice the grid)."""
    from docx.shared import Mm

    table.autofit = False
    for column, width in zip(table.columns, millimetres, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


register(
    FormDefinition(
        code="monitoring_recap",
        title=_("Monitoring recap"),
        form_number="BO.28.1.2",
        source_model="monitoring.MonitoringRound",
        description=_(
            "What each unit reported on each agreement in force during a "
            "monitoring round; issued when the round closes."
        ),
        variables=RECAP_VARIABLES,
        build=recap_context,
        default_template=DEFAULT_TEMPLATE,
        html_template="monitoring/print/recap.html",
        default_layout=recap_layout,
    )
)
