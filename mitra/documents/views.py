"""Pages of printed forms and issued documents.

Printing any registered form of a record: `documents:print` (and the
`documents:agreement_summary` shortcut), `?format=docx` or `?format=pdf`.
Other apps answer a download with `printed_form_response`.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from mitra.core.files import attachment_response
from mitra.core.permissions import Action, can, get_for_user_or_404, require
from mitra.documents import services
from mitra.documents.forms import FormNumberForm, FormTemplateUploadForm, LetterheadForm
from mitra.documents.models import FormTemplate, IssuedDocument, PrintedForm
from mitra.documents.registry import all_forms, get_form, source_models
from mitra.documents.rendering import PrintError, active_template, generic_sections

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

#: Jinja tags shown as examples on a form's page.
TAG_EXAMPLES = {
    "value": "{{ name }}",
    "loop_start": "{%tr for item in name %}",
    "field": "{{ item.field }}",
    "loop_end": "{%tr endfor %}",
    "label": '{{ _("…") }}',
}


# --- Printing --------------------------------------------------------------


def printed_form_response(*, form, context, fmt, filename):
    """Render `form` with `context` as `fmt` ("docx" or "pdf"), as a download.

    `filename` is given without its extension. Raise PrintError when the
    form's template cannot be filled (show it to the user, never a 500).
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown format {fmt!r}")
    render = services.render_docx if fmt == "docx" else services.render_pdf
    content = render(form=form, context=context)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}.{fmt}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _format(request):
    fmt = request.GET.get("format", "pdf")
    return fmt if fmt in CONTENT_TYPES else None


def _source_filename(form, source):
    label = getattr(source, "number", "") or str(source.pk)
    return f"{form.code}-{slugify(label.replace('/', '-'))}".rstrip("-")


def print_form(request, code, pk):
    """Download form `code` filled from the record `pk` of its source model."""
    try:
        form = get_form(code)
    except LookupError:
        raise Http404 from None
    model = form.get_source_model()
    if model is None:
        raise Http404
    source = get_for_user_or_404(model._default_manager.all(), request.user, pk=pk)
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Choose the format: docx or pdf."))
    context = services.form_context(form, source, user=request.user)
    try:
        return printed_form_response(
            form=form,
            context=context,
            fmt=fmt,
            filename=_source_filename(form, source),
        )
    except PrintError as error:
        return _print_failed(request, form, error, back=_url_of(source))


def agreement_summary(request, pk):
    """The agreement summary sheet of one agreement (`?format=docx|pdf`)."""
    return print_form(request, "agreement_summary", pk)


def _print_failed(request, form, error, *, back=""):
    return render(
        request,
        "documents/print_error.html",
        {
            "form": form,
            "errors": error.messages,
            "back": back,
            "can_fix": can(request.user, Action.CHANGE, PrintedForm),
        },
        status=409,
    )


def _url_of(obj):
    get_url = getattr(obj, "get_absolute_url", None)
    if get_url is None:
        return ""
    try:
        return get_url()
    except NoReverseMatch:
        return ""


# --- The office's forms ----------------------------------------------------


def form_list(request):
    """Every printed form, its number and the template in use."""
    require(request.user, Action.VIEW, PrintedForm)
    rows = {
        row.code: row for row in PrintedForm.objects.select_related("active_template")
    }
    forms = [
        {
            "form": form,
            "number": (rows[form.code].form_number if form.code in rows else "")
            or form.form_number,
            "template": rows[form.code].active_template if form.code in rows else None,
        }
        for form in all_forms()
    ]
    return render(
        request,
        "documents/form_list.html",
        {
            "forms": forms,
            "can_change": can(request.user, Action.CHANGE, PrintedForm),
        },
    )


def _registered(code):
    try:
        return get_form(code)
    except LookupError:
        raise Http404 from None


class FormDetailView(View):
    """One form: its variables, number, templates; upload and choose one."""

    def get(self, request, code):
        form = _registered(code)
        require(request.user, Action.VIEW, PrintedForm)
        return self.show(form)

    def show(self, form, *, number_form=None, upload_form=None, status=200):
        user = self.request.user
        templates = FormTemplate.objects.filter(form_code=form.code).select_related(
            "uploaded_by"
        )
        return render(
            self.request,
            "documents/form_detail.html",
            {
                "form": form,
                "number": services.form_number(form),
                "active": active_template(form),
                "templates": templates,
                "variables": form.all_variables(),
                "has_default": form.default_template_path.exists(),
                "number_form": number_form
                or FormNumberForm(initial={"form_number": services.form_number(form)}),
                "upload_form": upload_form or FormTemplateUploadForm(),
                "can_change": can(user, Action.CHANGE, PrintedForm),
                "tag_examples": TAG_EXAMPLES,
            },
            status=status,
        )


class FormNumberView(FormDetailView):
    def post(self, request, code):
        form = _registered(code)
        require(request.user, Action.CHANGE, PrintedForm)
        number_form = FormNumberForm(request.POST)
        if not number_form.is_valid():
            return self.show(form, number_form=number_form, status=400)
        services.form_number_set(
            form=form, number=number_form.cleaned_data["form_number"], by=request.user
        )
        messages.success(request, _("The form number was saved."))
        return redirect("documents:form_detail", code=form.code)


class FormTemplateUploadView(FormDetailView):
    def post(self, request, code):
        form = _registered(code)
        require(request.user, Action.ADD, FormTemplate)
        upload_form = FormTemplateUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            data = upload_form.cleaned_data
            try:
                services.form_template_upload(
                    form=form,
                    file=data["file"],
                    by=request.user,
                    note=data["note"],
                    activate=data["activate"],
                )
            except ValidationError as error:
                for message in error.messages:
                    upload_form.add_error("file", message)
            else:
                messages.success(request, _("The template was uploaded."))
                return redirect("documents:form_detail", code=form.code)
        return self.show(form, upload_form=upload_form, status=400)


@require_POST
def form_template_activate(request, code):
    """Use one of the uploaded templates, or Mitra's default (empty value)."""
    form = _registered(code)
    require(request.user, Action.CHANGE, PrintedForm)
    chosen = request.POST.get("template", "")
    template = None
    if chosen:
        if not chosen.isdigit():
            return HttpResponseBadRequest(_("Choose a template."))
        template = get_for_user_or_404(
            FormTemplate.objects.filter(form_code=form.code), request.user, pk=chosen
        )
    services.form_template_activate(form=form, template=template, by=request.user)
    messages.success(request, _("The template in use was changed."))
    return redirect("documents:form_detail", code=form.code)


def form_template_file(request, pk):
    """Download a template the office uploaded."""
    template = get_for_user_or_404(FormTemplate.objects.all(), request.user, pk=pk)
    return attachment_response(template.file, filename=template.original_name)


def form_default_file(request, code):
    """Download Mitra's default template of a form, to start one's own from."""
    form = _registered(code)
    require(request.user, Action.VIEW, PrintedForm)
    path = form.default_template_path
    if not path.exists():
        raise Http404
    response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = content_disposition_header(
        True, f"{form.code}-default.docx"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class LetterheadView(View):
    """The institution's name, address and logo printed on every form."""

    template_name = "documents/letterhead_form.html"

    def get(self, request):
        require(request.user, Action.CHANGE, PrintedForm)
        head = services.letterhead()
        form = LetterheadForm(initial={"name": head.name, "address": head.address})
        return self.show(form, head)

    def post(self, request):
        require(request.user, Action.CHANGE, PrintedForm)
        form = LetterheadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.letterhead_update(
                    name=data["name"],
                    address=data["address"],
                    logo=data["logo"],
                    remove_logo=data["remove_logo"],
                    by=request.user,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("logo", message)
            else:
                messages.success(request, _("The letterhead was saved."))
                return redirect("documents:forms")
        return self.show(form, services.letterhead(), status=400)

    def show(self, form, head, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "head": head},
            status=status,
        )


def letterhead_logo(request):
    """The current logo (for the letterhead page)."""
    require(request.user, Action.VIEW, PrintedForm)
    return attachment_response(services.letterhead().logo)


# --- Issued documents -------------------------------------------------------


def _source_model(app_label, model_name):
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        raise Http404 from None
    model = content_type.model_class()
    if model is None or model not in source_models():
        raise Http404
    return model


def issued_list(request, app_label, model_name, object_id):
    """Every issued version of every kind of document of one record."""
    model = _source_model(app_label, model_name)
    source = get_for_user_or_404(
        model._default_manager.all(), request.user, pk=object_id
    )
    documents = list(services.issued_documents(source))
    groups = []
    for kind, versions in groupby(documents, key=lambda document: document.kind):
        try:
            title = get_form(kind).title
        except LookupError:
            title = kind
        groups.append({"kind": kind, "title": title, "versions": list(versions)})
    return render(
        request,
        "documents/issued_list.html",
        {"source": source, "source_url": _url_of(source), "groups": groups},
    )


def _issued(request, pk):
    return get_for_user_or_404(
        IssuedDocument.objects.select_related(
            "issued_by", "template", "supersedes", "superseded_by", "content_type"
        ),
        request.user,
        pk=pk,
    )


def issued_detail(request, pk):
    """One issued version: what it froze, its files, its place among versions."""
    document = _issued(request, pk)
    versions = IssuedDocument.objects.filter(
        content_type=document.content_type,
        object_id=document.object_id,
        kind=document.kind,
    ).select_related("issued_by", "superseded_by")
    try:
        form = get_form(document.kind)
    except LookupError:
        form, sections = None, []
    else:
        sections = generic_sections(form, document.snapshot)
    source = document.source
    content_type = document.content_type
    return render(
        request,
        "documents/issued_detail.html",
        {
            "document": document,
            "form": form,
            "sections": [
                section for section in sections if not section["variable"].is_image
            ],
            "versions": versions,
            "source": source,
            "source_url": _url_of(source) if source is not None else "",
            "list_url": reverse(
                "documents:issued_list",
                args=[content_type.app_label, content_type.model, document.object_id],
            ),
        },
    )


def issued_file(request, pk):
    """Download the DOCX or PDF of an issued version (`?format=docx|pdf`)."""
    document = _issued(request, pk)
    fmt = _format(request)
    if fmt is None:
        return HttpResponseBadRequest(_("Choose the format: docx or pdf."))
    field = document.docx_file if fmt == "docx" else document.pdf_file
    stem = slugify(document.title)[:60] or document.kind
    return attachment_response(field, filename=f"{stem}-v{document.version}.{fmt}")
