"""The printed forms of agreement drafts: one per document type and language.

A draft of an MoU, MoA (*PKS*), IA or addendum is printed from a DOCX
template filled with the agreement's parties, signatories, units, scope,
duration and the clauses chosen from the office's library. Partners from
abroad get a bilingual template (Indonesian beside English); the others an
Indonesian one. Mitra ships a default template of each; the office may
upload its own on the form's page (Settings → Printed forms), which is
checked against the variables declared here.

The document's own words (its title, "PIHAK PERTAMA"…) are fixed in the
template rather than translated with the interface: an Indonesian draft
stays Indonesian whoever prints it.
"""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from mitra.documents.registry import FormDefinition, Variable, register

DEFAULTS = Path(__file__).resolve().parent / "defaults"

#: Document types with a draft form of their own; others use the MoA's.
DRAFT_TYPES = ("mou", "moa", "ia", "addendum")

#: The document's name as printed, in Indonesian and in English.
DOCUMENT_NAMES = {
    "mou": ("Nota Kesepahaman", "Memorandum of Understanding"),
    "moa": ("Perjanjian Kerja Sama", "Memorandum of Agreement"),
    "ia": ("Pengaturan Pelaksanaan", "Implementation Arrangement"),
    "addendum": ("Adendum", "Addendum"),
    "other": ("Perjanjian Kerja Sama", "Cooperation Agreement"),
}

_PARTY_FIELDS = (
    Variable.text("name", _("Name of the party")),
    Variable.text("address", _("Address")),
    Variable.text("country", _("Country")),
    Variable.text("signatory_name", _("Signatory")),
    Variable.text("signatory_position", _("Signatory's position")),
)
_PARAGRAPH = (Variable.text("text", _("Text of the paragraph")),)

DRAFT_VARIABLES = (
    Variable.text("number", _("Our number (empty until signing)")),
    Variable.text("partner_number", _("The partner's number")),
    Variable.text("title", _("Title of the agreement")),
    Variable.text("document_name_id", _("Name of the document in Indonesian")),
    Variable.text("document_name_en", _("Name of the document in English")),
    Variable.object(
        "first_party", _("Our institution, the first party"), _PARTY_FIELDS
    ),
    Variable.object("second_party", _("The partner, the second party"), _PARTY_FIELDS),
    Variable.list(
        "parties",
        _("Both parties, ours first"),
        (
            Variable.text("role_id", _("Role in Indonesian (PIHAK PERTAMA…)")),
            Variable.text("role_en", _("Role in English (FIRST PARTY…)")),
            *_PARTY_FIELDS,
        ),
    ),
    Variable.list(
        "units",
        _("Our units carrying it out"),
        (Variable.text("code", _("Code")), Variable.text("name", _("Name"))),
    ),
    Variable.text("units_text", _("Our units, as one line")),
    Variable.text("fields_id", _("Tridharma fields in Indonesian")),
    Variable.text("fields_en", _("Tridharma fields in English")),
    Variable.text("cooperation_types_text", _("Cooperation types, as one line")),
    Variable.text("start_date_id", _("Start date in Indonesian")),
    Variable.text("end_date_id", _("End date in Indonesian")),
    Variable.text("start_date_en", _("Start date in English")),
    Variable.text("end_date_en", _("End date in English")),
    Variable.text("duration_id", _("Duration in Indonesian (5 tahun)")),
    Variable.text("duration_en", _("Duration in English (5 years)")),
    Variable.text("value", _("Value in rupiah")),
    Variable.text("funding_source", _("Funding source")),
    Variable.list(
        "parents",
        _("The documents this one implements or amends"),
        (
            Variable.text("document_name_id", _("Name in Indonesian")),
            Variable.text("document_name_en", _("Name in English")),
            Variable.text("number", _("Our number")),
            Variable.text("title", _("Title")),
        ),
    ),
    Variable.list(
        "clauses",
        _("The chosen clauses, in order"),
        (
            Variable.number("number", _("Clause number")),
            Variable.text("title_id", _("Title in Indonesian")),
            Variable.text("title_en", _("Title in English")),
            Variable.text("text_id", _("Text in Indonesian")),
            Variable.text("text_en", _("Text in English")),
            Variable.list(
                "paragraphs_id", _("Paragraphs of the Indonesian text"), _PARAGRAPH
            ),
            Variable.list(
                "paragraphs_en", _("Paragraphs of the English text"), _PARAGRAPH
            ),
        ),
    ),
    Variable.text("amendment", _("What an addendum changes (empty otherwise)")),
)


def _dates(value, language):
    if not value:
        return ""
    with translation.override(language):
        return date_format(value, "DATE_FORMAT")


def _duration(start, end, language):
    from mitra.documents.printed_forms import duration_text

    with translation.override(language):
        return duration_text(start, end)


def _tridharma(agreement, language):
    from mitra.core.fields import Tridharma

    with translation.override(language):
        return ", ".join(
            str(label)
            for value, label in Tridharma.choices
            if getattr(agreement, value)
        )


def paragraphs(text):
    """Return the non-empty lines of `text` as [{"text": …}] paragraphs."""
    lines = (line.strip() for line in (text or "").splitlines())
    return [{"text": line} for line in lines if line]


def draft_context(agreement, *, user):
    """Return the variables of an agreement's draft (every draft form).

    The parent documents are all listed whoever prints: they are part of
    the text both parties sign.
    """
    from mitra.agreements.models import Agreement, ClauseChoice
    from mitra.documents.services import letterhead

    agreement = (
        Agreement.objects.select_related("partner")
        .prefetch_related("units", "cooperation_types", "parents")
        .get(pk=agreement.pk)
    )
    partner = agreement.partner
    head = letterhead()
    first = {
        "name": head.name or settings.MITRA_INSTITUTION_NAME or institution_name(),
        "address": head.address,
        "country": "Indonesia",
        "signatory_name": agreement.our_signatory_name,
        "signatory_position": agreement.our_signatory_position,
    }
    second = {
        "name": partner.name,
        "address": partner.address,
        "country": partner.country,
        "signatory_name": agreement.partner_signatory_name,
        "signatory_position": agreement.partner_signatory_position,
    }
    choices = ClauseChoice.objects.filter(agreement=agreement).select_related("clause")
    units = list(agreement.units.all())
    start, end = agreement.start_date, agreement.end_date
    names = DOCUMENT_NAMES.get(agreement.document_type, DOCUMENT_NAMES["other"])
    amendment = getattr(agreement, "amendment", None)
    return {
        "number": agreement.number or "",
        "partner_number": agreement.partner_number,
        "title": agreement.title,
        "document_name_id": names[0],
        "document_name_en": names[1],
        "first_party": first,
        "second_party": second,
        "parties": [
            {"role_id": "PIHAK PERTAMA", "role_en": "FIRST PARTY", **first},
            {"role_id": "PIHAK KEDUA", "role_en": "SECOND PARTY", **second},
        ],
        "units": [{"code": unit.code, "name": unit.name} for unit in units],
        "units_text": ", ".join(unit.name for unit in units),
        "fields_id": _tridharma(agreement, "id"),
        "fields_en": _tridharma(agreement, "en"),
        "cooperation_types_text": ", ".join(
            kind.name for kind in agreement.cooperation_types.all()
        ),
        "start_date_id": _dates(start, "id"),
        "end_date_id": _dates(end, "id"),
        "start_date_en": _dates(start, "en"),
        "end_date_en": _dates(end, "en"),
        "duration_id": _duration(start, end, "id"),
        "duration_en": _duration(start, end, "en"),
        "value": (
            "Rp " + number_format(agreement.value, 0, force_grouping=True)
            if agreement.value is not None
            else ""
        ),
        "funding_source": agreement.funding_source,
        "parents": [
            {
                "document_name_id": DOCUMENT_NAMES.get(
                    parent.document_type, DOCUMENT_NAMES["other"]
                )[0],
                "document_name_en": DOCUMENT_NAMES.get(
                    parent.document_type, DOCUMENT_NAMES["other"]
                )[1],
                "number": parent.number or "",
                "title": parent.title,
            }
            for parent in agreement.parents.all()
        ],
        "clauses": [
            {
                "number": index,
                "title_id": choice.clause.title_id,
                "title_en": choice.clause.title_en,
                "text_id": choice.clause.text_id,
                "text_en": choice.clause.text_en,
                "paragraphs_id": paragraphs(choice.clause.text_id),
                "paragraphs_en": paragraphs(choice.clause.text_en),
            }
            for index, choice in enumerate(choices, start=1)
        ],
        "amendment": amendment.description if amendment is not None else "",
    }


def institution_name():
    """The name of the top of the organisation tree (the institution)."""
    from mitra.core.models import Unit, UnitKind

    root = (
        Unit.objects.filter(kind=UnitKind.INSTITUTION, parent__isnull=True)
        .order_by("pk")
        .first()
    )
    return root.name if root else ""


def form_code(document_type, *, bilingual):
    """Return the code of the draft form for a document type and language."""
    kind = document_type if document_type in DRAFT_TYPES else "moa"
    return f"agreement_draft_{kind}" + ("_bilingual" if bilingual else "")


def _register(kind, bilingual):
    from mitra.agreements.defaults.layouts import draft_layout

    code = form_code(kind, bilingual=bilingual)
    names = DOCUMENT_NAMES[kind]
    title = (
        _("Draft %(document)s (Indonesian and English)")
        if bilingual
        else _("Draft %(document)s (Indonesian)")
    )
    return register(
        FormDefinition(
            code=code,
            title=format_title(title, names[1]),
            description=_(
                "The text of the agreement as drafted, filled from its record "
                "and its chosen clauses."
            ),
            source_model="agreements.Agreement",
            variables=DRAFT_VARIABLES,
            build=draft_context,
            default_template=DEFAULTS / f"{code}.docx",
            default_layout=lambda form, doc: draft_layout(
                form, doc, kind=kind, bilingual=bilingual
            ),
        )
    )


def format_title(title, document):
    """Return `title % {"document": document}`, translated when read."""
    return lazy(lambda: str(title) % {"document": document}, str)()


DRAFT_FORMS = {
    (kind, bilingual): _register(kind, bilingual)
    for kind in DRAFT_TYPES
    for bilingual in (False, True)
}
