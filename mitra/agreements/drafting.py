"""Drafting an agreement: the clause library, draft versions and comparing them.

The office keeps a library of clauses (*pasal*) in Indonesian and English.
For each agreement it chooses clauses and generates a draft through the
printed-forms mechanism (`mitra.agreements.printed_forms`), or uploads a
draft written elsewhere; the partner may upload a counter-version through
its link. Each of these is a `DraftVersion` with a number, a note, its file
and the text extracted from it, so any two versions can be compared side by
side.

Like the other services these take keyword arguments, run in one
transaction and raise ValidationError (by field where one is to blame);
nothing is stored then.
"""

import difflib
import io
import logging
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import (
    PRE_SIGNING,
    Agreement,
    Clause,
    ClauseCategory,
    ClauseChoice,
    EventKind,
    ReviewOutcome,
    Status,
    VersionSource,
    validate_draft_file,
)
from mitra.core import clock
from mitra.core.fields import Scope
from mitra.core.validators import detect_kind

logger = logging.getLogger(__name__)

#: Clause fields the services accept.
CLAUSE_FIELDS = ("title_id", "title_en", "text_id", "text_en", "category", "order")


# --- The clause library ------------------------------------------------------


def _clean_clause(values):
    errors = {}
    for name in ("title_id", "title_en"):
        values[name] = " ".join((values.get(name) or "").split())
    for name in ("text_id", "text_en"):
        values[name] = (values.get(name) or "").strip()
    if not values["title_id"]:
        errors["title_id"] = [_("Give the clause a title in Indonesian.")]
    if not values["text_id"]:
        errors["text_id"] = [_("Write the clause's text in Indonesian.")]
    if values.get("category") not in ClauseCategory.values:
        errors["category"] = [_("Choose a category.")]
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def clause_create(*, by, title_id, text_id, **values):
    """Add a clause to the library and return it."""
    unknown = set(values) - set(CLAUSE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"Unknown clause fields: {', '.join(sorted(unknown))}")
    values = _clean_clause(
        {
            "category": ClauseCategory.GENERAL,
            **values,
            "title_id": title_id,
            "text_id": text_id,
        }
    )
    clause = Clause(**values)
    clause._history_user = by
    clause.save()
    return clause


@transaction.atomic
def clause_update(*, clause, by, **values):
    """Change a clause of the library (`is_active=False` stops offering it).

    Drafts already generated keep the words they were generated with.
    """
    unknown = set(values) - set(CLAUSE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"Unknown clause fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(clause, name) for name in CLAUSE_FIELDS}
    values = _clean_clause({**current, **values})
    for name, value in values.items():
        setattr(clause, name, value)
    clause._history_user = by
    clause.save()
    return clause


@transaction.atomic
def clauses_choose(*, agreement, by, clauses):
    """Set the clauses of `agreement`'s drafts; they print in library order."""
    wanted = sorted(set(clauses), key=lambda clause: (clause.order, clause.pk))
    ClauseChoice.objects.filter(agreement=agreement).exclude(
        clause__in=[clause.pk for clause in wanted]
    ).delete()
    existing = {
        choice.clause_id: choice
        for choice in ClauseChoice.objects.filter(agreement=agreement)
    }
    for position, clause in enumerate(wanted, start=1):
        choice = existing.get(clause.pk) or ClauseChoice(
            agreement=agreement, clause=clause
        )
        if choice.pk is None or choice.position != position:
            choice.position = position
            choice.save()
    return wanted


def chosen_clauses(agreement):
    """Return the clauses chosen for `agreement`, in print order."""
    return [
        choice.clause
        for choice in ClauseChoice.objects.filter(agreement=agreement).select_related(
            "clause"
        )
    ]


# --- Which template ----------------------------------------------------------


def is_bilingual(agreement):
    """Return whether `agreement`'s draft is printed in Indonesian and English."""
    return agreement.effective_scope == Scope.INTERNATIONAL


def draft_form(agreement):
    """Return the code of the printed form `agreement`'s drafts are made from."""
    from mitra.agreements.printed_forms import form_code

    return form_code(agreement.document_type, bilingual=is_bilingual(agreement))


# --- Versions ----------------------------------------------------------------


def current_version(agreement):
    """Return the newest version of `agreement`'s draft, or None."""
    return agreement.versions.order_by("-number").first()


def final_version(agreement):
    """Return the version locked as final, or None."""
    return agreement.versions.filter(locked_at__isnull=False).first()


def lock_agreement(agreement):
    """Lock `agreement`'s row until the transaction ends and return it fresh.

    Every step of the workflow starts here, so two people acting on the
    same agreement at once take turns and the second sees the first's work.
    """
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def check_open_for_versions(agreement):
    """Raise ValidationError unless a new version may be added now."""
    if agreement.status not in PRE_SIGNING:
        raise ValidationError(
            _("The agreement is signed: its draft can no longer change."),
            code="signed",
        )
    if final_version(agreement) is not None:
        raise ValidationError(
            _(
                "The final version is locked for signature: unlock it before "
                "adding a version."
            ),
            code="locked",
        )
    if agreement.reviews.filter(outcome=ReviewOutcome.OPEN).exists():
        raise ValidationError(
            _(
                "The draft is in internal review: wait for the reviewers, or "
                "withdraw the review, before adding a version."
            ),
            code="in_review",
        )


def draft_generate(*, agreement, by, clauses=None, note=""):
    """Generate the next draft version from the agreement's printed form.

    `clauses`, when given, first replaces the chosen clauses. The office's
    template of the form is used when it has uploaded one, else Mitra's
    default. Return the DraftVersion.
    """
    from mitra.documents.rendering import PrintError, active_template
    from mitra.documents.services import form_context, render_docx

    with transaction.atomic():
        agreement = lock_agreement(agreement)
        check_open_for_versions(agreement)
        if clauses is not None:
            clauses_choose(agreement=agreement, by=by, clauses=clauses)
        code = draft_form(agreement)
        template = active_template(code)
        context = form_context(code, agreement, user=None)
        try:
            data = render_docx(form=code, context=context, template=template)
        except PrintError as error:
            raise ValidationError(error.messages, code="print_failed") from error
        version = _version_create(
            agreement,
            source=VersionSource.GENERATED,
            data=data,
            kind="docx",
            note=note,
            author=by,
            form_code=code,
            template=template,
        )
    logger.info("Draft version %s generated for agreement %s", version.pk, agreement.pk)
    return version


def _read_draft_file(file, field="file"):
    """Return (bytes, kind) of an uploaded draft, or raise ValidationError."""
    if file is None or not hasattr(file, "read"):
        raise ValidationError({field: [_("Choose a file.")]})
    try:
        validate_draft_file(file)
        kind = detect_kind(file)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data, kind


def version_upload(*, agreement, by, file, note="", source=VersionSource.UPLOADED):
    """Store a draft written elsewhere (DOCX or PDF) as the next version."""
    data, kind = _read_draft_file(file)
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        check_open_for_versions(agreement)
        return _version_create(
            agreement,
            source=source,
            data=data,
            kind=kind,
            note=note,
            author=by,
            name=getattr(file, "name", ""),
        )


def _version_create(
    agreement,
    *,
    source,
    data,
    kind,
    note="",
    author=None,
    author_name="",
    name="",
    form_code="",
    template=None,
    shared=None,
):
    """Store the next version of a locked agreement and record it."""
    from mitra.agreements.models import DraftVersion
    from mitra.agreements.workflow import record_event

    last = agreement.versions.aggregate(last=Max("number"))["last"] or 0
    version = DraftVersion(
        agreement=agreement,
        number=last + 1,
        note=" ".join((note or "").split())[:500],
        source=source,
        file_kind=kind,
        text=extract_text(data, kind),
        form_code=form_code,
        template=template,
        author=author,
        author_name=author_name[:200],
        created_at=clock.now(),
    )
    stem = slugify(name.rsplit(".", 1)[0])[:40] if name else ""
    stem = stem or slugify(agreement.title)[:40] or "draft"
    version.file.save(f"{stem}-v{version.number}.{kind}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:
        version.file.delete(save=False)
        raise ValidationError(
            _("Another version was added at the same moment; try again."),
            code="concurrent_version",
        ) from error
    if source != VersionSource.PARTNER:
        record_event(
            agreement,
            EventKind.VERSION_ADDED,
            by=author,
            text=version.note,
            version=version,
            shared=agreement.status == Status.NEGOTIATION if shared is None else shared,
        )
    return version


# --- Text of a version, and comparing two ------------------------------------


def extract_text(data, kind):
    """Return the readable text of a DOCX or PDF, one paragraph a line.

    A file whose text cannot be read gives "" (a scanned PDF has none);
    the version is kept all the same.
    """
    try:
        if kind == "docx":
            return _docx_text(data)
        if kind == "pdf":
            return _pdf_text(data)
    except Exception as error:  # a damaged file must not stop the upload
        logger.warning("Text of a %s draft could not be read: %s", kind, error)
    return ""


def _docx_text(data):
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines = []

    def walk(parent, container):
        for child in container.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, parent).text)
            elif tag == "tbl":
                for row in Table(child, parent).rows:
                    seen = []
                    for cell in row.cells:
                        if cell._tc in seen:
                            continue
                        seen.append(cell._tc)
                        walk(cell, cell._tc)

    walk(document, document.element.body)
    return _tidy("\n".join(lines))


def _pdf_text(data):
    try:
        import pypdf
    except ImportError:  # pragma: no cover - installed with Mitra
        return ""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return _tidy("\n".join(page.extract_text() or "" for page in reader.pages))


def _tidy(text):
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def compare_texts(old, new):
    """Compare two texts line by line for a side-by-side view.

    Return rows of {"tag", "old", "new"}; `tag` is "equal", "replace",
    "delete" or "insert", and each side is a list of (text, changed)
    pieces, words that differ marked changed.
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = old_lines[i1:i2], new_lines[j1:j2]
        if tag == "equal":
            rows += [
                {"tag": tag, "old": [(line, False)], "new": [(line, False)]}
                for line in left
            ]
            continue
        for index in range(max(len(left), len(right))):
            before = left[index] if index < len(left) else None
            after = right[index] if index < len(right) else None
            if before is not None and after is not None:
                rows.append({"tag": "replace", **_word_diff(before, after)})
            elif before is not None:
                rows.append({"tag": "delete", "old": [(before, True)], "new": []})
            else:
                rows.append({"tag": "insert", "old": [], "new": [(after, True)]})
    return rows


def _word_diff(before, after):
    old_words, new_words = before.split(" "), after.split(" ")
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    old, new = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            old.append((" ".join(old_words[i1:i2]) + " ", changed))
        if j2 > j1:
            new.append((" ".join(new_words[j1:j2]) + " ", changed))
    return {"old": old, "new": new}


def comparison_summary(rows):
    """Return how many lines were changed, removed and added."""
    counts = {"replace": 0, "delete": 0, "insert": 0}
    for row in rows:
        if row["tag"] in counts:
            counts[row["tag"]] += 1
    return counts
