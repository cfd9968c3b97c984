"""Numbering pages: the office's patterns, each with its next number.

Only the cooperation office and its head see these pages (the permission
gate's rule for numbering patterns). A preview shows the number the next
issue would give and never uses it up.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mitra.core.history import history_entries
from mitra.core.models import NumberingPattern, Unit
from mitra.core.numbering import known_kinds, pattern_preview, pattern_previews
from mitra.core.numbering_forms import SUGGESTED_PATTERN, NumberingPatternForm
from mitra.core.permissions import (
    Action,
    can,
    get_for_user_or_404,
    require,
    visible,
)


def _default_unit(user):
    """The unit numbers are previewed for: the user's first, else the root."""
    return (
        user.units.filter(is_active=True).order_by("code").first()
        or Unit.objects.filter(parent=None, is_active=True).order_by("code").first()
    )


def _preview_unit(request, units):
    chosen = request.GET.get("unit", "")
    if chosen.isdigit():
        for unit in units:
            if unit.pk == int(chosen):
                return unit
    return _default_unit(request.user)


def numbering_list(request):
    """List the numbering patterns with the next number of each."""
    require(request.user, Action.VIEW, NumberingPattern)
    patterns = list(visible(request.user, NumberingPattern.objects.all()))
    units = list(Unit.objects.filter(is_active=True).order_by("code"))
    unit = _preview_unit(request, units)
    previews = pattern_previews(patterns, unit=unit)
    kinds = known_kinds()
    for pattern in patterns:
        pattern.kind_label = kinds.get(pattern.kind, pattern.kind)
        pattern.next_number, pattern.preview_error = previews[pattern.pk]
    used = {pattern.kind for pattern in patterns}
    return render(
        request,
        "core/numbering_list.html",
        {
            "patterns": patterns,
            "missing": [
                (kind, label) for kind, label in kinds.items() if kind not in used
            ],
            "units": units,
            "preview_unit": unit,
            "can_add": can(request.user, Action.ADD, NumberingPattern),
        },
    )


def _preview(pattern, unit):
    """Return ``(number, problems)``: the next number, or why there is none."""
    try:
        return pattern_preview(pattern, unit=unit), []
    except ValidationError as error:
        return "", error.messages


def _form_preview(form):
    """Preview the pattern being filled in, as it stands in the form."""
    if not form.is_valid():
        return "", [error for errors in form.errors.values() for error in errors]
    return _preview(form.instance, form.cleaned_data.get("preview_unit"))


def _form_page(request, pattern):
    """Create (`pattern` None) or edit a pattern; "Preview" saves nothing."""
    unit = _default_unit(request.user)
    initial = {"preview_unit": unit}
    if pattern is None:
        initial.update({"pattern": SUGGESTED_PATTERN, "kind": request.GET.get("kind")})
    form = NumberingPatternForm(request.POST or None, instance=pattern, initial=initial)
    previewing = request.POST.get("action") == "preview"

    if form.is_bound and not previewing and form.is_valid():
        saved = form.save()
        messages.success(
            request,
            _("Numbering pattern for %(kind)s saved.") % {"kind": saved.kind},
        )
        return redirect("numbering_list")

    number, problems = "", []
    if previewing:
        number, problems = _form_preview(form)
        if request.htmx:
            return render(
                request,
                "core/numbering_preview.html",
                {"number": number, "problems": problems},
            )
    elif pattern is not None and not form.is_bound:
        number, problems = _preview(pattern, unit)
    return render(
        request,
        "core/numbering_form.html",
        {
            "form": form,
            "pattern": pattern,
            "number": number,
            "problems": problems,
            "history": history_entries(pattern) if pattern is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
def numbering_create(request):
    """Set the numbering pattern of a kind of record that has none yet."""
    require(request.user, Action.ADD, NumberingPattern)
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
def numbering_edit(request, pk):
    """Change a numbering pattern; the sequence carries on."""
    pattern = get_for_user_or_404(NumberingPattern.objects.all(), request.user, pk=pk)
    require(request.user, Action.CHANGE, pattern)
    return _form_page(request, pattern)
