"""Printing forms and issuing documents: the API the other apps call.

Printing::

    context = form_context("agreement_summary", agreement, user=request.user)
    docx = render_docx(form="agreement_summary", context=context)
    pdf = render_pdf(form="agreement_summary", context=context)

(views answer with `mitra.documents.views.printed_form_response`).

Issuing (freezing a version for good)::

    document = issue_document(
        kind="minutes", source=meeting, context=context, by=user, title=…
    )

Every function takes keyword arguments for what it changes, runs in one
transaction, and raises ValidationError with a readable message when it
refuses; nothing is stored then.
"""

import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from mitra.core import clock
from mitra.core.validators import check_zip_archive
from mitra.documents import charts
from mitra.documents.models import (
    FormTemplate,
    IssuedDocument,
    Letterhead,
    PrintedForm,
    validate_docx,
    validate_logo,
)
from mitra.documents.registry import get_form
from mitra.documents.rendering import (
    PrintError,
    active_template,
    check_template,
    render_docx,
    render_pdf,
)
from mitra.documents.signals import document_issued

logger = logging.getLogger(__name__)

__all__ = [
    "PrintError",
    "form_context",
    "form_number",
    "form_number_set",
    "form_template_activate",
    "form_template_upload",
    "issue_document",
    "issued_documents",
    "json_safe",
    "letterhead_update",
    "render_docx",
    "render_pdf",
]


def json_safe(data):
    """Return `data` as plain JSON values (dates and decimals become text)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def long_date(value):
    """Format a date for a printed form, e.g. "12 Januari 2024"; "" for None."""
    return date_format(value, "DATE_FORMAT") if value else ""


# --- Letterhead and form settings -------------------------------------------


def letterhead():
    """Return the letterhead row, or an unsaved empty one."""
    return Letterhead.objects.order_by("pk").first() or Letterhead()


def _logo_spec(head):
    if head.logo:
        return charts.stored_image(head.logo.name, width_mm=25)
    return charts.logo_from_settings(width_mm=25)


def form_number(form):
    """Return the official number printed on `form` (the office's, else Mitra's)."""
    form = get_form(form)
    row = PrintedForm.objects.filter(code=form.code).first()
    return (row.form_number if row else "") or form.form_number


def common_context(form):
    """Return the variables every form provides (letterhead, number, date)."""
    form = get_form(form)
    head = letterhead()
    return {
        "institution_name": head.name or settings.MITRA_INSTITUTION_NAME,
        "institution_address": head.address,
        "institution_logo": _logo_spec(head),
        "form_number": form_number(form),
        "form_title": str(form.title),
        "printed_on": long_date(clock.today()),
        "document_version": "",
        "issued_on": "",
        "issued_by": "",
    }


def form_context(form_code, obj, *, user):
    """Return the context of form `form_code` for `obj`, as `user` may see it.

    The result is plain JSON data: exactly what an issued version freezes.
    """
    form = get_form(form_code)
    context = common_context(form)
    context.update(form.build(obj, user=user))
    return json_safe(context)


def _printed_form(code):
    row, _created = PrintedForm.objects.select_for_update().get_or_create(code=code)
    return row


@transaction.atomic
def form_number_set(*, form, number, by):
    """Set the official number printed on `form` ("" restores Mitra's)."""
    form = get_form(form)
    row = _printed_form(form.code)
    row.form_number = " ".join((number or "").split())[:60]
    row._change_reason = "form number"
    row._history_user = by
    row.save()
    logger.info("Form %s number set by user %s", form.code, getattr(by, "pk", None))
    return row


def _read_upload(file):
    validate_docx(file)
    file.seek(0)
    data = file.read()
    file.seek(0)
    check_zip_archive(data)
    return data


def form_template_upload(*, form, file, by, note="", activate=True):
    """Store the office's DOCX template for `form` once it passes every check.

    Refused with the name of the problem when the file is not a DOCX (by
    its content), is an archive bomb, has broken tags, or uses a variable
    the form does not declare.
    """
    form = get_form(form)
    data = _read_upload(file)
    report = check_template(form, data)
    with transaction.atomic():
        template = FormTemplate(
            form_code=form.code,
            original_name=(getattr(file, "name", "") or "template.docx")[-255:],
            note=note[:300],
            variables_used=report.variables,
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        template.file.save(template.original_name, ContentFile(data), save=False)
        try:
            template.save()
            if activate:
                form_template_activate(form=form, template=template, by=by)
        except Exception:
            template.file.delete(save=False)
            raise
    logger.info("Template uploaded for form %s", form.code)
    return template


@transaction.atomic
def form_template_activate(*, form, template, by):
    """Use `template` for `form` from now on; None returns to Mitra's default."""
    form = get_form(form)
    if template is not None and template.form_code != form.code:
        raise ValidationError(
            _("This template belongs to another form."), code="wrong_form"
        )
    row = _printed_form(form.code)
    row.active_template = template
    row._change_reason = "template"
    row._history_user = by
    row.save()
    return row


def _check_logo(file):
    validate_logo(file)
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.verify()
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo could not be read as an image."), code="bad_image"
        ) from None
    finally:
        file.seek(0)


@transaction.atomic
def letterhead_update(*, name, address, by, logo=None, remove_logo=False):
    """Change the letterhead printed on every form.

    A replaced logo's file is kept: issued documents made with it can still
    be rendered again.
    """
    if logo is not None:
        _check_logo(logo)
    head = Letterhead.objects.select_for_update().order_by("pk").first()
    head = head or Letterhead()
    head.name = " ".join((name or "").split())[:200]
    head.address = (address or "").strip()
    if logo is not None:
        head.logo.save(getattr(logo, "name", "logo.png"), logo, save=False)
    elif remove_logo:
        head.logo = ""
    head._history_user = by
    head.save()
    return head


# --- Issued documents -----------------------------------------------------


def issued_documents(source, *, kind=None):
    """Return every issued version of `source` (of one kind), newest first."""
    return (
        IssuedDocument.objects.of(source, kind)
        .select_related("issued_by", "superseded_by", "template")
        .order_by("kind", "-version")
    )


def _lock_source(source):
    manager = type(source)._base_manager
    list(manager.select_for_update().filter(pk=source.pk).values_list("pk"))


def issue_document(*, kind, source, context, by, title):
    """Issue the next version of the `kind` document of `source` and freeze it.

    `context` is the form's context (from `form_context`; None builds it as
    `by` sees the source; the common variables are added when missing).
    The DOCX and PDF are rendered now and stored with the snapshot; the
    previous version, if any, is superseded by the new one. Raise
    ValidationError when the files cannot be produced or another version
    was issued at the same moment.
    """
    form = get_form(kind)
    if source is None or source.pk is None:
        raise ValidationError(_("There is nothing to issue."), code="no_source")
    if context is None:
        context = form_context(form, source, user=by)
    title = " ".join(str(title or form.title).split())[:300]
    try:
        with transaction.atomic():
            document = _issue(form, source, context, by, title)
    except IntegrityError as error:
        raise ValidationError(
            _("Another version was issued at the same moment; try again."),
            code="concurrent_issue",
        ) from error
    logger.info("Issued %s version %s", form.code, document.version)
    return document


def _issue(form, source, context, by, title):
    _lock_source(source)
    previous = IssuedDocument.objects.of(source, form.code).order_by("-version").first()
    version = previous.version + 1 if previous else 1
    issued_at = clock.now()
    snapshot = json_safe(
        {
            **common_context(form),
            **context,
            "document_version": str(version),
            "issued_on": long_date(clock.today()),
            "issued_by": str(by) if by else "",
        }
    )
    template = active_template(form)
    docx = render_docx(form=form, context=snapshot, template=template)
    pdf = render_pdf(form=form, context=snapshot)

    document = IssuedDocument(
        kind=form.code,
        source=source,
        version=version,
        title=title,
        form_number=str(snapshot.get("form_number") or ""),
        snapshot=snapshot,
        template=template,
        issued_by=by,
        issued_at=issued_at,
        supersedes=previous,
    )
    stem = slugify(title)[:60] or form.code
    document.docx_file.save(f"{stem}-v{version}.docx", ContentFile(docx), save=False)
    document.pdf_file.save(f"{stem}-v{version}.pdf", ContentFile(pdf), save=False)
    try:
        document.save()
        document_issued.send(
            sender=IssuedDocument, document=document, source=source, previous=previous
        )
    except Exception:
        document.docx_file.delete(save=False)
        document.pdf_file.delete(save=False)
        raise
    return document
