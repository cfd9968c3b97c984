"""Template helpers of the proposal pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Return `mapping[key]`, or None (for tables keyed by id)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
