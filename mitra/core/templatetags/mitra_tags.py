"""Template helpers shared by every page."""

from django import forms, template
from django.utils.http import urlencode

register = template.Library()

_SELECTS = (forms.Select, forms.SelectMultiple, forms.NullBooleanSelect)
_PLAIN = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def bootstrap(field):
    """Render a bound field's widget with Bootstrap's classes and error state."""
    widget = field.field.widget
    if isinstance(widget, _PLAIN):
        return field
    css = "form-select" if isinstance(widget, _SELECTS) else "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """Return the current query string with some parameters replaced."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"
