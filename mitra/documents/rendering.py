"""Turning a form's context into files: DOCX through docxtpl, PDF through HTML.

The DOCX is the form's template (the office's own, or Mitra's default)
filled by docxtpl, which reads Jinja tags written in Word: `{{ number }}`,
`{%tr for item in activities %}` … `{%tr endfor %}` around a table row,
`{%p if … %}` around a paragraph. Templates run in Jinja's sandbox with
autoescaping (a partner named "A & B" must not break the XML), so a
template can read the values it is given and nothing else.

The PDF is never converted from the DOCX: an HTML template per form
(`templates/documents/print/<code>.html`, else the generic one) is filled
from the same context and laid out by WeasyPrint, which may load nothing
but the data URIs of the images Mitra put in it.

An uploaded template is checked here before it is stored (`check_template`):
it must open as a Word document, its Jinja must parse, every variable it
reads must be declared by the form, and it must fill without error.
"""

import base64
import difflib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import ChainableUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import LxmlError

from mitra.documents import charts
from mitra.documents.registry import Kind, get_form

logger = logging.getLogger(__name__)

#: Longest text or list a template may build with `*` (a runaway guard).
MAX_PRODUCT_LENGTH = 100_000


class PrintError(ValidationError):
    """A document could not be produced; the message says why."""


class _FormEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, also refusing arithmetic that would exhaust memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("exponent too large")
        if operator == "*":
            sizes = [
                len(value) * other
                for value, other in ((left, right), (right, left))
                if isinstance(value, str | list | tuple) and isinstance(other, int)
            ]
            if any(size > MAX_PRODUCT_LENGTH for size in sizes):
                raise SecurityError("repeated text too long")
        return super().call_binop(context, operator, left, right)


def jinja_environment():
    """Return the sandboxed environment templates are filled in.

    `_("…")` translates a label into the language of the request, which is
    how Mitra's default templates are printed in Indonesian or English.
    """
    env = _FormEnvironment(
        autoescape=True,
        undefined=ChainableUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    return env


# --- Which template --------------------------------------------------------


def active_template(form):
    """Return the office's template in use for `form`, or None (the default)."""
    from mitra.documents.models import PrintedForm

    settings_row = (
        PrintedForm.objects.select_related("active_template")
        .filter(code=get_form(form).code)
        .first()
    )
    return settings_row.active_template if settings_row else None


def template_bytes(form, template=None):
    """Return the DOCX bytes of `template`, else of the form's default."""
    form = get_form(form)
    if template is not None:
        with template.file.open("rb") as handle:
            return handle.read()
    path = form.default_template_path
    if not path.exists():
        raise PrintError(
            _("Mitra has no default template for the form %(form)s yet.")
            % {"form": form.title},
            code="no_default",
        )
    return path.read_bytes()


# --- DOCX ------------------------------------------------------------------


def _docx_context(form, context, document):
    values = dict(context)
    for name in form.image_names():
        picture = charts.image_bytes(values.get(name))
        if picture is None:
            values[name] = ""
            continue
        width = charts._number(values[name].get("width_mm")) or 25
        values[name] = InlineImage(document, io.BytesIO(picture[0]), width=Mm(width))
    return values


def _fill(form, source, context):
    """Fill the DOCX template bytes `source` and return the result's bytes."""
    document = DocxTemplate(io.BytesIO(source))
    document.render(
        _docx_context(form, context, document), jinja_env=jinja_environment()
    )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def render_docx(*, form, context, template=None):
    """Return the DOCX bytes of `form` filled with `context`.

    The office's active template is used unless `template` (a FormTemplate)
    is given; with none, Mitra's default. Raise PrintError when the
    template fails on this data.
    """
    form = get_form(form)
    template = template if template is not None else active_template(form)
    source = template_bytes(form, template)
    try:
        return _fill(form, source, context)
    except Exception as error:
        # The template is the office's own Jinja: whatever it does wrong on
        # this data (a division by zero, a bad filter argument) is its
        # error to report, never a crash of the page.
        logger.warning("The template of form %s failed: %s", form.code, error)
        raise PrintError(
            _("The template of %(form)s could not be filled: %(error)s")
            % {"form": form.title, "error": _error_text(error)},
            code="render_failed",
        ) from error


# --- PDF -------------------------------------------------------------------


def _html_context(form, context):
    values = dict(context)
    for name in form.image_names():
        picture = charts.image_bytes(values.get(name))
        if picture is None:
            values[name] = None
            continue
        data, mime = picture
        values[name] = {
            "src": f"data:{mime};base64,{base64.b64encode(data).decode()}",
            "width_mm": charts._number(values[name].get("width_mm")) or 25,
        }
    return values


def render_html(*, form, context):
    """Return the HTML the PDF of `form` is laid out from."""
    form = get_form(form)
    values = _html_context(form, context)
    values["printed_form"] = form
    values["generic_sections"] = generic_sections(form, values)
    return render_to_string(form.html_template_names, values)


def render_pdf(*, form, context):
    """Return the PDF bytes of `form` filled with `context` (via HTML)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_html(form=form, context=context)
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def generic_sections(form, values):
    """Return the form's variables as rows for the generic print template."""
    sections = []
    for variable in form.variables:
        value = values.get(variable.name)
        entry = {"variable": variable, "value": value}
        if variable.kind == Kind.LIST:
            entry["columns"] = variable.fields
            entry["rows"] = [
                [
                    item.get(column.name, "") if isinstance(item, dict) else ""
                    for column in variable.fields
                ]
                for item in value or []
            ]
        elif variable.kind == Kind.OBJECT:
            value = value if isinstance(value, dict) else {}
            entry["pairs"] = [
                (column.description, value.get(column.name, ""))
                for column in variable.fields
            ]
        sections.append(entry)
    return sections


# --- Checking an uploaded template -------------------------------------------


@dataclass
class TemplateReport:
    """What `check_template` learned about a template that passed."""

    variables: list = field(default_factory=list)


def _error_text(error):
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    near = [line.strip() for line in getattr(error, "docx_context", []) or []]
    near = " ".join(line for line in near if line)[:120]
    if near:
        return gettext("%(error)s (near “%(text)s”)") % {"error": text, "text": near}
    return text


def _unknown_attributes(form, tree):
    """Return `name.field` strings a template reads but the form lacks.

    Looks at fields of declared objects (`{{ partner.nmae }}`) and of the
    items of declared lists, through the loop variable
    (`{% for a in activities %}{{ a.titel }}`).
    """
    declared = form.variable_map()
    unknown = set()

    def visit(node, aliases):
        if isinstance(node, nodes.For):
            iterated = node.iter
            if (
                isinstance(iterated, nodes.Name)
                and iterated.name in aliases
                and isinstance(node.target, nodes.Name)
            ):
                variable = aliases[iterated.name]
                if variable.is_list:
                    inner = {**aliases, node.target.name: _item_of(variable)}
                    for child in node.body:
                        visit(child, inner)
                    for child in node.else_:
                        visit(child, aliases)
                    visit(iterated, aliases)
                    return
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
            variable = aliases.get(node.node.name)
            if (
                variable is not None
                and variable.kind == Kind.OBJECT
                and node.attr not in variable.field_names()
            ):
                unknown.add(f"{variable.name}.{node.attr}")
        for child in node.iter_child_nodes():
            visit(child, aliases)

    visit(tree, declared)
    return unknown


def _item_of(variable):
    """A list's item seen as an object with the list's fields."""
    from mitra.documents.registry import Variable

    return Variable.object(variable.name, variable.description, variable.fields)


def sample_context(form):
    """Return a context of made-up values shaped like the form's variables."""

    def sample(variable):
        if variable.kind == Kind.NUMBER:
            return 1
        if variable.kind == Kind.IMAGE:
            return charts.bar_chart(title="", labels=["A"], values=[1], width_mm=60)
        if variable.kind == Kind.LIST:
            return [{item.name: sample(item) for item in variable.fields}]
        if variable.kind == Kind.OBJECT:
            return {item.name: sample(item) for item in variable.fields}
        return "…"

    return {variable.name: sample(variable) for variable in form.all_variables()}


def _paragraph_text(source, line_number):
    """Return the readable text of line `line_number` of split template XML."""
    lines = source.splitlines()
    if not line_number or line_number > len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[line_number - 1])
    return " ".join(text.split())[:120]


def template_variables(form, data):
    """Return the top-level variables a DOCX template reads, and its trees.

    Raise ValidationError naming the problem: not a Word document, broken
    Jinja syntax (with the text of the paragraph where it breaks).
    """
    try:
        document = DocxTemplate(io.BytesIO(data))
        document.init_docx()
        parts = [document.get_xml()]
        for uri in (document.HEADER_URI, document.FOOTER_URI):
            parts += [
                document.get_part_xml(part)
                for _key, part in document.get_headers_footers(uri)
            ]
        parts = [
            re.sub(r"<w:p([ >])", r"\n<w:p\1", document.patch_xml(part))
            for part in parts
        ]
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        LxmlError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
    ) as error:
        raise ValidationError(
            _("The file is not a valid Word document (DOCX)."), code="not_docx"
        ) from error
    env = jinja_environment()
    names, trees = set(), []
    for part in parts:
        try:
            tree = env.parse(part)
            names |= meta.find_undeclared_variables(tree)
        except TemplateSyntaxError as error:
            near = _paragraph_text(part, error.lineno)
            message = (
                _("The template's tags are broken: %(error)s (in “%(text)s”).")
                if near
                else _("The template's tags are broken: %(error)s.")
            )
            raise ValidationError(
                message,
                params={"error": error.message or "", "text": near},
                code="syntax",
            ) from error
        trees.append(tree)
    return names, trees


def check_template(form, data):
    """Check an uploaded DOCX template for `form`; return a TemplateReport.

    `data` is the file's bytes, already checked to be a safe DOCX archive.
    Raise ValidationError naming each problem found.
    """
    form = get_form(form)
    names, trees = template_variables(form, data)
    declared = form.variable_map()
    unknown = {name for name in names if name not in declared}
    for tree in trees:
        unknown |= _unknown_attributes(form, tree)
    if unknown:
        raise ValidationError(_unknown_message(form, unknown), code="unknown_variable")

    try:
        _fill(form, data, sample_context(form))
    except Exception as error:
        raise ValidationError(
            _("The template could not be filled: %(error)s"),
            params={"error": _error_text(error)},
            code="render_failed",
        ) from error
    return TemplateReport(variables=sorted(names & set(declared)))


def _unknown_message(form, unknown):
    known = sorted(declared_names(form))
    parts = []
    for name in sorted(unknown):
        guess = difflib.get_close_matches(name, known, n=1)
        if guess:
            parts.append(
                gettext("%(name)s (did you mean %(guess)s?)")
                % {"name": name, "guess": guess[0]}
            )
        else:
            parts.append(name)
    return ngettext(
        "The template uses a variable this form does not provide: %(names)s.",
        "The template uses variables this form does not provide: %(names)s.",
        len(parts),
    ) % {"names": ", ".join(parts)}


def declared_names(form):
    """Return every name a template may use, fields as `name.field`."""
    names = set()
    for variable in get_form(form).all_variables():
        names.add(variable.name)
        names |= {f"{variable.name}.{item.name}" for item in variable.fields}
    return names
