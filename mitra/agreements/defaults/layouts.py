"""Layouts of Mitra's default agreement drafts (see `printed_forms.py`).

The words of the document are the document's own, in Indonesian (and in
English beside them in the bilingual drafts); the values come from the
draft's variables. Rebuild the DOCX files after changing a layout::

    DJANGO_SETTINGS_MODULE=mitra.settings.dev .venv/bin/python \\
        -m mitra.documents.defaults.build agreement_draft_mou ...
"""

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

BLANK = "…………………"

_PARTY_ID = (
    "{{ loop.index }}. {{ party.signatory_name or '" + BLANK + "' }}"
    "{% if party.signatory_position %}, {{ party.signatory_position }}{% endif %}, "
    "dalam hal ini bertindak untuk dan atas nama {{ party.name }}"
    "{% if party.address %}, berkedudukan di {{ party.address }}{% endif %}, "
    "selanjutnya disebut {{ party.role_id }}."
)
_PARTY_EN = (
    "{{ loop.index }}. {{ party.signatory_name or '" + BLANK + "' }}"
    "{% if party.signatory_position %}, {{ party.signatory_position }}{% endif %}, "
    "acting for and on behalf of {{ party.name }}"
    "{% if party.address %}, located at {{ party.address }}{% endif %}, "
    "hereinafter referred to as the {{ party.role_en }}."
)
_PARENT_ID = (
    "- {{ parent.document_name_id }} Nomor {{ parent.number or '"
    + BLANK
    + "' }} tentang {{ parent.title }};"
)
_PARENT_EN = (
    "- {{ parent.document_name_en }} No. {{ parent.number or '"
    + BLANK
    + "' }} on {{ parent.title }};"
)
_AGREE_ID = (
    "PIHAK PERTAMA dan PIHAK KEDUA, selanjutnya bersama-sama disebut PARA PIHAK, "
    "sepakat mengadakan {{ document_name_id }} ini dengan ketentuan sebagai berikut."
)
_AGREE_EN = (
    "The FIRST PARTY and the SECOND PARTY, hereinafter jointly referred to as the "
    "PARTIES, agree to enter into this {{ document_name_en }} on the following "
    "terms."
)
_SCOPE_ID = [
    "Bidang: {{ fields_id or '-' }}",
    "Bentuk kerja sama: {{ cooperation_types_text or '-' }}",
    "Unit pelaksana: {{ units_text or '-' }}",
    "{% if value %}Nilai kerja sama: {{ value }}"
    "{% if funding_source %}, sumber dana: {{ funding_source }}{% endif %}{% endif %}",
]
_SCOPE_EN = [
    "Fields: {{ fields_en or '-' }}",
    "Forms of cooperation: {{ cooperation_types_text or '-' }}",
    "Implementing units: {{ units_text or '-' }}",
    "{% if value %}Value: {{ value }}"
    "{% if funding_source %}, funded by: {{ funding_source }}{% endif %}{% endif %}",
]
_TERM_ID = (
    "{% if start_date_id %}{{ document_name_id }} ini berlaku"
    "{% if duration_id %} selama {{ duration_id }}{% endif %} terhitung sejak "
    "{{ start_date_id }}{% if end_date_id %} sampai dengan {{ end_date_id }}"
    "{% endif %}{% else %}{{ document_name_id }} ini berlaku sejak tanggal "
    "ditandatangani oleh PARA PIHAK{% endif %}, dan dapat diperpanjang atas "
    "kesepakatan PARA PIHAK."
)
_TERM_EN = (
    "{% if start_date_en %}This {{ document_name_en }} is valid"
    "{% if duration_en %} for {{ duration_en }}{% endif %} from "
    "{{ start_date_en }}{% if end_date_en %} until {{ end_date_en }}{% endif %}"
    "{% else %}This {{ document_name_en }} takes effect on the date it is signed "
    "by the PARTIES{% endif %}, and may be extended by agreement of the PARTIES."
)
_CLOSING_ID = (
    "Demikian {{ document_name_id }} ini dibuat dalam rangkap dua, masing-masing "
    "bermeterai cukup dan mempunyai kekuatan hukum yang sama."
)
_CLOSING_EN = (
    "This {{ document_name_en }} is made in two originals, each duly stamped and "
    "having the same legal force."
)


def _line(doc, text, *, bold=False, center=False, size=None, cell=None):
    """Add one paragraph to the document (or to a table cell)."""
    if cell is not None:
        first = cell.paragraphs[0]
        paragraph = first if not first.text and not first.runs else cell.add_paragraph()
    else:
        paragraph = doc.document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _cover(doc, *, bilingual):
    name = (
        "{{ document_name_id|upper }} / {{ document_name_en|upper }}"
        if bilingual
        else "{{ document_name_id|upper }}"
    )
    between = "ANTARA / BETWEEN" if bilingual else "ANTARA"
    and_ = "DAN / AND" if bilingual else "DAN"
    about = "TENTANG / ON" if bilingual else "TENTANG"
    _line(doc, name, bold=True, center=True, size=14)
    _line(doc, between, center=True)
    _line(doc, "{{ first_party.name|upper }}", bold=True, center=True)
    _line(doc, and_, center=True)
    _line(doc, "{{ second_party.name|upper }}", bold=True, center=True)
    _line(doc, about, center=True)
    _line(doc, "{{ title|upper }}", bold=True, center=True)
    doc.document.add_paragraph()
    number = "Nomor / Number" if bilingual else "Nomor"
    _line(doc, number + ": {{ number or '" + BLANK + "' }}", center=True)
    _line(doc, number + ": {{ partner_number or '" + BLANK + "' }}", center=True)
    doc.document.add_paragraph()


def _indonesian_body(doc, cell=None):
    """The text in Indonesian, into the document or one column of a table."""

    def add(text, **kwargs):
        return _line(doc, text, cell=cell, **kwargs)

    add("Yang bertanda tangan di bawah ini:")
    add("{%p for party in parties %}")
    add(_PARTY_ID)
    add("{%p endfor %}")
    add("{%p if parents %}")
    add("Dengan memperhatikan:")
    add("{%p for parent in parents %}")
    add(_PARENT_ID)
    add("{%p endfor %}")
    add("{%p endif %}")
    add(_AGREE_ID)
    add("RUANG LINGKUP", bold=True, center=True)
    for text in _SCOPE_ID:
        add(text)
    add("JANGKA WAKTU", bold=True, center=True)
    add(_TERM_ID)
    add("{%p if amendment %}")
    add("PERUBAHAN", bold=True, center=True)
    add("{{ amendment }}")
    add("{%p endif %}")


def _english_body(doc, cell):
    def add(text, **kwargs):
        return _line(doc, text, cell=cell, **kwargs)

    add("The undersigned:")
    add("{%p for party in parties %}")
    add(_PARTY_EN)
    add("{%p endfor %}")
    add("{%p if parents %}")
    add("Having regard to:")
    add("{%p for parent in parents %}")
    add(_PARENT_EN)
    add("{%p endfor %}")
    add("{%p endif %}")
    add(_AGREE_EN)
    add("SCOPE", bold=True, center=True)
    for text in _SCOPE_EN:
        add(text)
    add("TERM", bold=True, center=True)
    add(_TERM_EN)
    add("{%p if amendment %}")
    add("AMENDMENT", bold=True, center=True)
    add("{{ amendment }}")
    add("{%p endif %}")


def _clause_lines(doc, cell, *, language):
    article = "Pasal" if language == "id" else "Article"
    add = lambda text, **kwargs: _line(doc, text, cell=cell, **kwargs)  # noqa: E731
    add(article + " {{ clause.number }}", bold=True, center=True)
    add("{{ clause.title_" + language + "|upper }}", bold=True, center=True)
    add("{%p for paragraph in clause.paragraphs_" + language + " %}")
    add("{{ paragraph.text }}")
    add("{%p endfor %}")


def _two_columns(doc):
    table = doc.document.add_table(rows=1, cols=2)
    for column in table.columns:
        column.width = Mm(85)
        for cell in column.cells:
            cell.width = Mm(85)
    return table


def _signatures(doc, *, bilingual):
    first = "PIHAK PERTAMA / FIRST PARTY" if bilingual else "PIHAK PERTAMA"
    second = "PIHAK KEDUA / SECOND PARTY" if bilingual else "PIHAK KEDUA"
    doc.signatures(
        [
            (
                first,
                "{{ first_party.name }}",
                "{{ first_party.signatory_name or '" + BLANK + "' }}",
                "{{ first_party.signatory_position }}",
            ),
            (
                second,
                "{{ second_party.name }}",
                "{{ second_party.signatory_name or '" + BLANK + "' }}",
                "{{ second_party.signatory_position }}",
            ),
        ]
    )


def draft_layout(form, doc, *, kind, bilingual):
    """Lay out the default draft of one document type."""
    _cover(doc, bilingual=bilingual)
    if not bilingual:
        _indonesian_body(doc)
        _line(doc, "{%p for clause in clauses %}")
        _clause_lines(doc, None, language="id")
        _line(doc, "{%p endfor %}")
        _line(doc, _CLOSING_ID)
        _signatures(doc, bilingual=False)
        return

    body = _two_columns(doc)
    left, right = body.rows[0].cells
    _indonesian_body(doc, left)
    _english_body(doc, right)
    doc.document.add_paragraph()

    clauses = _two_columns(doc)
    clauses.add_row()
    clauses.add_row()
    opening, row, closing = clauses.rows
    opening.cells[0].paragraphs[0].add_run("{%tr for clause in clauses %}")
    _clause_lines(doc, row.cells[0], language="id")
    _clause_lines(doc, row.cells[1], language="en")
    closing.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    doc.document.add_paragraph()

    closing_table = _two_columns(doc)
    _line(doc, _CLOSING_ID, cell=closing_table.rows[0].cells[0])
    _line(doc, _CLOSING_EN, cell=closing_table.rows[0].cells[1])
    _signatures(doc, bilingual=True)
