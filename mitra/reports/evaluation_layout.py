"""The default DOCX layout of the annual evaluation report (FO.28.2.1).

Laid out as Indonesian official reports are: the letterhead, the form
number in the page header, the title in capitals, numbered chapters (I
Introduction … VI Closing) in Word's heading styles so that the office can
add a table of contents, lettered sections inside the achievements chapter,
tables with a "No." column, and the signature block of the head on the
right with place and date. The file is written by
`python -m mitra.documents.defaults.build evaluation_report`.
"""

from django.utils.translation import gettext_noop
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from mitra.documents.defaults.layout import FONT, label

TABLE_FONT_SIZE = 8

_COUNT_COLUMNS = (
    (gettext_noop("New"), "{{ item.new }}"),
    (gettext_noop("Active"), "{{ item.active }}"),
    (gettext_noop("Expired"), "{{ item.expired }}"),
    (gettext_noop("Renewed"), "{{ item.renewed }}"),
    (gettext_noop("Terminated"), "{{ item.terminated }}"),
)


def _(text):
    """The tag printing a label in the reader's language."""
    return label(text)


def _upper(text):
    return '{{ _("' + text + '")|upper }}'


def _plain_heading_styles(document):
    """Word's heading styles in the body font, black: an official look."""
    for name, size in (("Heading 1", 12), ("Heading 2", 11)):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.rPr.rFonts
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        fonts.set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 8)
        style.paragraph_format.space_after = Pt(4)


def _chapter(doc, number, title):
    doc.document.add_paragraph(f"{number}. {_upper(title)}", style="Heading 1")


def _section(doc, letter, title):
    doc.document.add_paragraph(f"{letter}. {_(title)}", style="Heading 2")


def _text(doc, name, *, empty):
    """The paragraphs of written text `name`, justified, or `empty`."""
    doc.paragraph("{%p if " + name + "_paragraphs %}")
    doc.paragraph("{%p for item in " + name + "_paragraphs %}")
    paragraph = doc.paragraph("{{ item.text }}")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)
    doc.paragraph("{%p endfor %}")
    doc.paragraph("{%p else %}")
    doc.paragraph(empty).runs[0].italic = True
    doc.paragraph("{%p endif %}")


def _table(doc, name, columns, *, empty):
    """A loop table in a small font, with a "No." column first."""
    columns = [(_("No."), "{{ loop.index }}")] + [
        (_(heading), value) for heading, value in columns
    ]
    table = doc.loop_table(name, columns, empty=empty)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_FONT_SIZE)
    return table


def _counts_table(doc, name, heading, *, with_code=False):
    first = "{{ item.label }}"
    if with_code:
        first = "{{ item.label }}{% if item.code %} ({{ item.code }}){% endif %}"
    _table(doc, name, [(heading, first), *_COUNT_COLUMNS], empty=_("None."))


def _note(doc, text):
    doc.paragraph(text).runs[0].italic = True


def _signature(doc):
    """The head's signature block on the right: place and date, position, name."""
    doc.document.add_paragraph()
    table = doc.document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _left, right = table.rows[0].cells
    lines = [
        "{{ place or '....................' }}, {{ issued_on or printed_on }}",
        "{{ signatory_position }},",
        "",
        "",
        "",
        "{{ signatory_name or '(....................................)' }}",
        "{% if signatory_id_number %}NIP. {{ signatory_id_number }}{% endif %}",
    ]
    right.paragraphs[0].add_run(lines[0])
    for index, text in enumerate(lines[1:], start=1):
        run = right.add_paragraph().add_run(text)
        if index == 5:
            run.bold = True
            run.underline = True


def evaluation_report_layout(form, doc):
    """Write the default template of the evaluation report into `doc`."""
    _plain_heading_styles(doc.document)
    doc.letterhead()
    title = doc.paragraph("{{ form_title|upper }}", size=13, bold=True)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraph("{%p if draft_mark %}")
    mark = doc.paragraph("{{ draft_mark }}", bold=True)
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraph("{%p endif %}")
    period = doc.paragraph(_("Period") + ": {{ period }}")
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # I. Introduction
    _chapter(doc, "I", gettext_noop("Introduction"))
    _text(doc, "introduction", empty="-")

    # II. Achievements
    _chapter(doc, "II", gettext_noop("Achievements"))
    _section(doc, "A", gettext_noop("Cooperation documents"))
    _table(
        doc,
        "agreement_summary",
        [
            (gettext_noop("Category"), "{{ item.category }}"),
            (gettext_noop("What it counts"), "{{ item.meaning }}"),
            (gettext_noop("Agreements"), "{{ item.count }}"),
        ],
        empty=_("None."),
    )
    doc.image("chart_agreements")
    doc.paragraph(_("By document type"), bold=True)
    _counts_table(doc, "by_type", gettext_noop("Document type"))
    doc.paragraph(_("By scope"), bold=True)
    _counts_table(doc, "by_scope", gettext_noop("Scope"))
    doc.paragraph(_("By unit"), bold=True)
    _note(
        doc,
        _(
            "Study programmes are counted with their department; an agreement "
            "of several units counts for each of them."
        ),
    )
    _counts_table(doc, "by_unit", gettext_noop("Unit"), with_code=True)
    doc.image("chart_units")
    doc.paragraph(_("By tridharma field"), bold=True)
    _counts_table(doc, "by_field", gettext_noop("Field"))
    doc.image("chart_fields")
    doc.paragraph(_("Agreements signed in the year"), bold=True)
    _table(
        doc,
        "new_agreements",
        [
            (
                gettext_noop("Agreement"),
                "{{ item.document_type }} {{ item.agreement_number }}: "
                "{{ item.title }}",
            ),
            (gettext_noop("Partner"), "{{ item.partner }}"),
            (gettext_noop("Units"), "{{ item.units }}"),
            (gettext_noop("Signed on"), "{{ item.signed_on }}"),
            (gettext_noop("Period"), "{{ item.period }}"),
            (gettext_noop("Renewal"), "{{ item.renewal }}"),
        ],
        empty=_("None."),
    )
    doc.paragraph(_("Agreements that ended in the year"), bold=True)
    _table(
        doc,
        "ended_agreements",
        [
            (
                gettext_noop("Agreement"),
                "{{ item.document_type }} {{ item.agreement_number }}: "
                "{{ item.title }}",
            ),
            (gettext_noop("Partner"), "{{ item.partner }}"),
            (gettext_noop("Units"), "{{ item.units }}"),
            (gettext_noop("Ended on"), "{{ item.ended_on }}"),
            (gettext_noop("How"), "{{ item.how }}"),
            (gettext_noop("Renewal"), "{{ item.renewal }}"),
        ],
        empty=_("None."),
    )

    _section(doc, "B", gettext_noop("Achievement against the year's targets"))
    doc.paragraph("{%p if targets %}")
    met = gettext_noop("%(met)s of %(count)s targets met.")
    doc.paragraph(
        '{{ _("' + met + '")|format(met=targets_met_count, count=target_count) }}'
    )
    doc.paragraph("{%p endif %}")
    _table(
        doc,
        "targets",
        [
            (gettext_noop("Unit"), "{{ item.unit }}"),
            (gettext_noop("What is counted"), "{{ item.criteria }}"),
            (gettext_noop("Target"), "{{ item.target }}"),
            (gettext_noop("Achieved"), "{{ item.achieved }}"),
            (gettext_noop("Percent"), "{{ item.percent }}%"),
            (gettext_noop("Met"), "{{ item.met }}"),
        ],
        empty="{{ targets_note }}",
    )
    doc.image("chart_targets")

    _section(doc, "C", gettext_noop("Activities and their outputs"))
    doc.fields(
        [
            (_("Activities carried out"), "{{ activity_count }}"),
            (_("Students involved"), "{{ students }}"),
            (_("Students with credits recognised"), "{{ students_credited }}"),
            (_("Certificates issued"), "{{ certificates }}"),
            (_("Lecturers involved"), "{{ lecturers }}"),
            (
                _("Activities with an output, described or recorded"),
                "{{ activities_with_output }}",
            ),
            (_("Outputs recorded with their kind"), "{{ output_count }}"),
        ]
    )
    doc.paragraph(_("By unit"), bold=True)
    _table(
        doc,
        "activities_by_unit",
        [
            (gettext_noop("Unit"), "{{ item.label }}"),
            (gettext_noop("Activities"), "{{ item.activities }}"),
            (gettext_noop("Students"), "{{ item.students }}"),
            (gettext_noop("Credits recognised"), "{{ item.students_credited }}"),
            (gettext_noop("Certificates"), "{{ item.certificates }}"),
            (gettext_noop("Lecturers"), "{{ item.lecturers }}"),
        ],
        empty=_("None."),
    )
    doc.image("chart_activities")
    doc.paragraph(_("By form of activity"), bold=True)
    _table(
        doc,
        "activities_by_form",
        [
            (gettext_noop("Form of activity"), "{{ item.label }}"),
            (gettext_noop("Activities"), "{{ item.count }}"),
        ],
        empty=_("None."),
    )
    doc.paragraph(_("Outputs by kind"), bold=True)
    doc.paragraph("{%p if outputs_note %}")
    _note(doc, "{{ outputs_note }}")
    doc.paragraph("{%p else %}")
    _table(
        doc,
        "outputs_by_kind",
        [
            (gettext_noop("Kind"), "{{ item.label }}"),
            (gettext_noop("Outputs"), "{{ item.count }}"),
        ],
        empty=_("None."),
    )
    doc.paragraph("{%p endif %}")
    doc.paragraph(_("Activities carried out in the year"), bold=True)
    _table(
        doc,
        "activities",
        [
            (gettext_noop("Activity"), "{{ item.title }}"),
            (gettext_noop("Agreement"), "{{ item.agreement }}, {{ item.partner }}"),
            (gettext_noop("Unit"), "{{ item.unit }}"),
            (gettext_noop("When"), "{{ item.period }}"),
            (gettext_noop("Students"), "{{ item.students }}"),
            (gettext_noop("Credits recognised"), "{{ item.students_credited }}"),
            (gettext_noop("Outputs"), "{{ item.outputs }}"),
        ],
        empty=_("No activity was recorded for this year."),
    )

    _section(doc, "D", gettext_noop("Monitoring"))
    _table(
        doc,
        "monitoring_rounds",
        [
            (gettext_noop("Round"), "{{ item.title }} ({{ item.period }})"),
            (gettext_noop("Status"), "{{ item.status }}"),
            (
                gettext_noop("Submitted"),
                "{{ item.submitted }} / {{ item.entries }} ({{ item.percent }}%)",
            ),
            (gettext_noop("Not started"), "{{ item.not_started }}"),
            (gettext_noop("Ongoing"), "{{ item.ongoing }}"),
            (gettext_noop("Done"), "{{ item.done }}"),
            (gettext_noop("Stalled"), "{{ item.stalled }}"),
        ],
        empty="{{ monitoring_note }}",
    )

    _section(doc, "E", gettext_noop("Partner satisfaction"))
    doc.paragraph("{%p if survey.round %}")
    doc.fields(
        [
            (_("Survey round"), "{{ survey.round }}"),
            (_("Closed on"), "{{ survey.closed_on }}"),
            (_("Respondents"), "{{ survey.respondents }}"),
            (
                _("Service index"),
                "{{ survey.service_index }} ({{ survey.grade }}, "
                "{{ survey.grade_meaning }})",
            ),
            (_("Cooperation index"), "{{ survey.cooperation_index }}"),
        ]
    )
    doc.paragraph(_("The lowest-rated items"), bold=True)
    _table(
        doc,
        "survey_weakest",
        [
            (gettext_noop("Item"), "{{ item.item }}"),
            (gettext_noop("Mean (1-4)"), "{{ item.mean }}"),
        ],
        empty=_("None."),
    )
    doc.paragraph("{%p else %}")
    _note(doc, "{{ survey_note }}")
    doc.paragraph("{%p endif %}")

    _section(doc, "F", gettext_noop("Dormant agreements"))
    doc.paragraph("{%p if dormant_note %}")
    _note(doc, "{{ dormant_note }}")
    doc.paragraph("{%p else %}")
    dormant = gettext_noop(
        "In force on %(day)s, with no activity in the %(months)s months before."
    )
    doc.paragraph('{{ _("' + dormant + '")|format(day=as_of, months=dormant_months) }}')
    _table(
        doc,
        "dormant",
        [
            (
                gettext_noop("Agreement"),
                "{{ item.document_type }} {{ item.agreement_number }}: "
                "{{ item.title }}",
            ),
            (gettext_noop("Partner"), "{{ item.partner }}"),
            (gettext_noop("Units"), "{{ item.units }}"),
            (gettext_noop("Start date"), "{{ item.start_date }}"),
            (gettext_noop("Last activity"), "{{ item.last_activity }}"),
        ],
        empty=_("None."),
    )
    doc.paragraph("{%p endif %}")

    not_written = _("Not written.")
    _chapter(doc, "III", gettext_noop("Analysis"))
    _text(doc, "analysis", empty=not_written)
    _chapter(doc, "IV", gettext_noop("Problems"))
    _text(doc, "problems", empty=not_written)
    _chapter(doc, "V", gettext_noop("Follow-up plan"))
    _text(doc, "follow_up_plan", empty=not_written)
    _chapter(doc, "VI", gettext_noop("Closing"))
    _text(doc, "closing", empty="-")

    _signature(doc)
