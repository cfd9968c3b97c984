"""The registry of printed forms: every document Mitra prints is declared here.

A *printed form* is an official document the office prints or issues: the
agreement summary sheet, the minutes of a meeting (form BO.29.3.1), the
annual cooperation programme, the monitoring recap (BO.28.1.2), the
evaluation report (FO.28.2.1), the survey result, agreement drafts… Each
form declares, in code:

* a code (`minutes`), a title and the official form number the office may
  change;
* the variables its templates may use, with a description each: plain
  values, lists (looped over to fill a table, with the fields of each
  item), objects (with their fields) and images (charts, the logo);
* a function building those variables from a source object.

An app registers its forms in a module named `printed_forms.py`, found when
Mitra starts::

    from mitra.documents.registry import FormDefinition, Variable, register

    register(
        FormDefinition(
            code="minutes",
            title=_("Minutes of meeting"),
            form_number="BO.29.3.1",
            source_model="planning.Meeting",
            variables=[Variable.text("place", _("Where the meeting was held"))],
            build=minutes_context,  # build(meeting, *, user) -> dict
        )
    )

The office's DOCX templates and Mitra's HTML templates (for the PDF) are
checked against the declared variables, so a template can never ask for
something the form does not provide.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.utils.translation import gettext_lazy as _

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"


class Kind:
    """What kind of value a variable holds."""

    TEXT = "text"
    NUMBER = "number"
    LIST = "list"
    OBJECT = "object"
    IMAGE = "image"


KIND_LABELS = {
    Kind.TEXT: _("text"),
    Kind.NUMBER: _("number"),
    Kind.LIST: _("list"),
    Kind.OBJECT: _("object"),
    Kind.IMAGE: _("image"),
}


@dataclass(frozen=True)
class Variable:
    """One value a form provides to its templates.

    A list's `fields` are the fields of each item (loop over the list: `{%tr
    for item in activities %}` … `{{ item.title }}`); an object's `fields`
    are reached with a dot (`{{ partner.name }}`).
    """

    name: str
    description: str
    kind: str = Kind.TEXT
    fields: tuple = ()

    @classmethod
    def text(cls, name, description):
        return cls(name, description, Kind.TEXT)

    @classmethod
    def number(cls, name, description):
        return cls(name, description, Kind.NUMBER)

    @classmethod
    def image(cls, name, description):
        return cls(name, description, Kind.IMAGE)

    @classmethod
    def list(cls, name, description, fields):
        return cls(name, description, Kind.LIST, tuple(fields))

    @classmethod
    def object(cls, name, description, fields):
        return cls(name, description, Kind.OBJECT, tuple(fields))

    @property
    def is_list(self):
        return self.kind == Kind.LIST

    @property
    def is_image(self):
        return self.kind == Kind.IMAGE

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    def field_names(self):
        return {item.name for item in self.fields}

    def get_field(self, name):
        return next((item for item in self.fields if item.name == name), None)


#: Variables every form provides, filled by Mitra rather than by the form.
COMMON_VARIABLES = (
    Variable.text("institution_name", _("Name of the institution")),
    Variable.text("institution_address", _("Address of the institution")),
    Variable.image("institution_logo", _("Logo of the institution (may be empty)")),
    Variable.text("form_number", _("Official number of the form")),
    Variable.text("form_title", _("Title of the form")),
    Variable.text("printed_on", _("Date the document was produced")),
    Variable.text("document_version", _("Version number, when issued")),
    Variable.text("issued_on", _("Date of issue, when issued")),
    Variable.text("issued_by", _("Who issued it, when issued")),
)


@dataclass(frozen=True)
class FormDefinition:
    """A printed form: its identity, its variables and its context builder.

    `build(source, *, user)` returns a dict of the declared variables. Its
    values must be plain data (text, numbers, lists, dicts; dates already
    formatted for reading) because the same dict is the frozen snapshot of
    an issued document. Images are specs made by `mitra.documents.charts`.
    `user` is whoever prints it: hide what that user may not see.

    `source_model` ("app_label.ModelName") names the model a source object
    is an instance of; the permission on issued documents and the generic
    print page follow that model's rules. `record_type` tells the records
    register which kind of record an issued version of this form is (empty
    when it is none).
    """

    code: str
    title: str
    variables: tuple
    build: Callable
    form_number: str = ""
    source_model: str = ""
    description: str = ""
    record_type: str = ""
    default_template: Path | None = None
    html_template: str = ""
    default_layout: Callable | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "variables", tuple(self.variables))
        names = [variable.name for variable in self.all_variables()]
        duplicates = {name for name in names if names.count(name) > 1}
        if duplicates:
            raise ValueError(
                f"Form {self.code!r} declares {sorted(duplicates)} more than once "
                "(or reuses a common variable's name)."
            )

    def all_variables(self):
        """Return the common variables followed by the form's own."""
        return (*COMMON_VARIABLES, *self.variables)

    def variable_map(self):
        return {variable.name: variable for variable in self.all_variables()}

    def image_names(self):
        return {v.name for v in self.all_variables() if v.is_image}

    @property
    def default_template_path(self):
        return self.default_template or DEFAULTS_DIR / f"{self.code}.docx"

    @property
    def html_template_names(self):
        names = [f"documents/print/{self.code}.html", "documents/print/generic.html"]
        return [self.html_template, *names] if self.html_template else names

    def get_source_model(self):
        return apps.get_model(self.source_model) if self.source_model else None


_forms: dict[str, FormDefinition] = {}


def register(definition):
    """Add a form to the registry (once per code) and return it."""
    existing = _forms.get(definition.code)
    if existing is not None and existing is not definition:
        raise ValueError(f"A printed form with code {definition.code!r} exists.")
    _forms[definition.code] = definition
    return definition


def unregister(code):
    """Remove a form; for tests that register a form of their own."""
    _forms.pop(code, None)


def get_form(code):
    """Return the form with this code, or raise LookupError."""
    if isinstance(code, FormDefinition):
        return code
    try:
        return _forms[code]
    except KeyError:
        raise LookupError(f"No printed form with code {code!r}") from None


def all_forms():
    """Return every registered form, sorted by code."""
    return [_forms[code] for code in sorted(_forms)]


def forms_for_model(model):
    """Return the forms whose source is an instance of `model`."""
    label = model._meta.label_lower
    return [form for form in all_forms() if form.source_model.lower() == label]


def source_models() -> Iterable:
    """Return the distinct models that are the source of some form."""
    seen = {}
    for form in all_forms():
        model = form.get_source_model()
        if model is not None:
            seen.setdefault(model._meta.label_lower, model)
    return list(seen.values())
