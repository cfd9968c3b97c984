"""Building blocks of Mitra's default DOCX templates (used by `build.py`).

A default template is an ordinary Word document holding docxtpl tags: a
letterhead (logo, institution name and address), the form number in the
page header, the title, tables of fields, tables filled by a loop, images
and signature blocks. Labels are written as `{{ _("Partner") }}` so that
they print in the language of whoever downloads the form; the office may
replace them with plain text in its own copy.

Layouts of particular forms call these blocks; a form without a layout of
its own gets `generic_layout`, built from its declared variables.
"""

from django.utils.translation import gettext_noop as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mitra.documents.registry import Kind

FONT = "Arial"


def label(text):
    """Return the tag printing `text` translated (no double quotes inside)."""
    text = str(text)
    if '"' in text:
        raise ValueError(f"A label may not contain a double quote: {text!r}")
    return '{{ _("' + text + '") }}'


class DefaultDocument:
    """A Word document being laid out as a form's default template."""

    def __init__(self, *, landscape=False):
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(10)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_after = Pt(2)
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(20)
        self._page_header_and_footer(section)
        self.document.core_properties.author = "Mitra"

    # --- Page furniture -----------------------------------------------------

    def _page_header_and_footer(self, section):
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run("{{ form_number }}")
        run.font.size = Pt(8)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = footer.add_run(
            "{{ form_title }}{% if document_version %} · "
            + label(_("Version"))
            + " {{ document_version }} · {{ issued_on }}{% else %} · "
            + "{{ printed_on }}{% endif %}"
        )
        run.font.size = Pt(7)

    def letterhead(self):
        """Logo beside the institution's name and address, then a rule."""
        table = self.document.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        logo_cell, name_cell = table.rows[0].cells
        _widths(table, [Mm(30), Mm(140)])
        logo_cell.paragraphs[0].add_run("{{ institution_logo }}")
        name = name_cell.paragraphs[0]
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = name.add_run("{{ institution_name|upper }}")
        run.bold = True
        run.font.size = Pt(14)
        address = name_cell.add_paragraph()
        address.alignment = WD_ALIGN_PARAGRAPH.CENTER
        address.add_run("{{ institution_address }}").font.size = Pt(9)
        self._rule(self.document.add_paragraph())

    def _rule(self, paragraph):
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "1")):
            bottom.set(qn(f"w:{key}"), value)
        bottom.set(qn("w:color"), "000000")
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)

    def title(self, subtitle=""):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(8)
        run = paragraph.add_run("{{ form_title|upper }}")
        run.bold = True
        run.font.size = Pt(13)
        if subtitle:
            line = self.document.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            line.add_run(subtitle)
        self.document.add_paragraph()

    # --- Content ------------------------------------------------------------

    def heading(self, text):
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.paragraph_format.keep_with_next = True
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(11)

    def paragraph(self, text, *, size=None, bold=False):
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return paragraph

    def fields(self, rows):
        """A two-column table: each row a label and a value expression."""
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for text, value in rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(text).bold = True
            cells[1].paragraphs[0].add_run(value)
        _widths(table, [Mm(55), Mm(115)])
        return table

    def loop_table(self, name, columns, *, empty):
        """A table with one row per item of list `name`.

        `columns` are (label, expression) pairs, the expression reading the
        loop item `item` (e.g. "{{ item.title }}"). `empty` is printed
        instead when the list is empty.
        """
        self.paragraph("{%p if " + name + " %}")
        table = self.document.add_table(rows=4, cols=len(columns))
        table.style = "Table Grid"
        header, opening, body, closing = table.rows
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        body._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, (text, _value) in zip(header.cells, columns, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        opening.cells[0].paragraphs[0].add_run("{%tr for item in " + name + " %}")
        for cell, (_text, value) in zip(body.cells, columns, strict=True):
            cell.paragraphs[0].add_run(value)
        closing.cells[0].paragraphs[0].add_run("{%tr endfor %}")
        self.paragraph("{%p else %}")
        self.paragraph(empty).runs[0].italic = True
        self.paragraph("{%p endif %}")
        return table

    def image(self, name):
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("{{ " + name + " }}")

    def signatures(self, blocks):
        """Signature blocks side by side: (heading, party, name, position)."""
        self.document.add_paragraph()
        table = self.document.add_table(rows=1, cols=len(blocks))
        for cell, (heading, party, name, position) in zip(
            table.rows[0].cells, blocks, strict=True
        ):
            lines = [heading, party, "", "", "", name, position]
            cell.paragraphs[0].add_run(lines[0])
            for index, text in enumerate(lines[1:], start=1):
                run = cell.add_paragraph().add_run(text)
                run.bold = index == 5
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return table

    def save(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.document.save(str(path))


def _widths(table, widths):
    """Fix column widths (Word reads the cells, LibreOffice the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def generic_layout(form, doc):
    """Lay out `form` from its declared variables alone."""
    doc.letterhead()
    doc.title()
    plain = [v for v in form.variables if v.kind in (Kind.TEXT, Kind.NUMBER)]
    if plain:
        doc.fields([(label(v.description), "{{ " + v.name + " }}") for v in plain])
    for variable in form.variables:
        if variable.kind == Kind.OBJECT:
            doc.heading(label(variable.description))
            doc.fields(
                [
                    (
                        label(item.description),
                        "{{ " + f"{variable.name}.{item.name}" + " }}",
                    )
                    for item in variable.fields
                ]
            )
        elif variable.kind == Kind.LIST:
            doc.heading(label(variable.description))
            columns = [(label(_("No.")), "{{ loop.index }}")] + [
                (label(item.description), "{{ item." + item.name + " }}")
                for item in variable.fields
            ]
            doc.loop_table(variable.name, columns, empty=label(_("None.")))
        elif variable.kind == Kind.IMAGE:
            doc.heading(label(variable.description))
            doc.image(variable.name)
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
