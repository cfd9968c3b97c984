"""The web flow of a register import: upload, map columns, preview, confirm."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.permissions import Action, get_for_user_or_404, require
from mitra.imports.forms import ColumnMappingForm, RegisterUploadForm
from mitra.imports.models import ImportBatch
from mitra.imports.parsing import propose_mapping
from mitra.imports.services import (
    ImportError_,
    Outcome,
    apply_plan,
    plan_import,
    preview_plan,
    read_register,
)


def _batch(request, pk, *, open_only=True):
    batch = get_for_user_or_404(ImportBatch.objects.all(), request.user, pk=pk)
    if open_only and batch.status != ImportBatch.Status.UPLOADED:
        messages.info(request, _("This import is already finished."))
        return batch, redirect("imports:result", pk=batch.pk)
    return batch, None


def _sheet(batch):
    with batch.file.open("rb") as handle:
        return read_register(handle.read(), batch.filename)


def upload(request):
    """Receive a register file and propose how its columns map."""
    require(request.user, Action.IMPORT, ImportBatch)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ImportBatch.objects.create(
            file=upload,
            filename=upload.name[:255],
            mapping={str(i): f for i, f in propose_mapping(form.sheet.headers).items()},
            created_by=request.user,
        )
        return redirect("imports:mapping", pk=batch.pk)
    recent = ImportBatch.objects.for_user(request.user).select_related("created_by")[
        :10
    ]
    return render(request, "imports/upload.html", {"form": form, "recent": recent})


def mapping(request, pk):
    """Let the person correct which column holds which field."""
    batch, finished = _batch(request, pk)
    if finished:
        return finished
    try:
        sheet = _sheet(batch)
    except ImportError_ as error:
        messages.error(request, error.message)
        return redirect("imports:upload")
    form = ColumnMappingForm(
        request.POST or None, headers=sheet.headers, mapping=batch.mapping
    )
    if request.method == "POST" and form.is_valid():
        batch.mapping = {str(i): f for i, f in form.mapping.items()}
        batch.save(update_fields=["mapping"])
        return redirect("imports:preview", pk=batch.pk)
    sample = sheet.rows[:5]
    columns = [
        (field, [row.values[index] for row in sample if index < len(row.values)])
        for index, field in enumerate(form)
    ]
    return render(
        request,
        "imports/mapping.html",
        {"batch": batch, "form": form, "sheet": sheet, "columns": columns},
    )


def _plan(batch):
    return plan_import(
        _sheet(batch), batch.mapping, confirmed_partners=batch.confirmed_partners
    )


def preview(request, pk):
    """Show what every row would become; confirm likely duplicate partners."""
    batch, finished = _batch(request, pk)
    if finished:
        return finished
    try:
        plan = _plan(batch)
    except ImportError_ as error:
        messages.error(request, error.message)
        return redirect("imports:mapping", pk=batch.pk)
    digest = plan.digest()
    if batch.result.get("preview_digest") != digest:
        batch.result = {**batch.result, "preview_digest": digest}
        batch.save(update_fields=["result"])
    # Apply and roll back, so the preview shows exactly what confirming does.
    preview_plan(plan, by=request.user)

    if request.method == "POST":
        confirmed = dict(batch.confirmed_partners)
        chosen = set(request.POST.getlist("confirm"))
        for pair in plan.possible_duplicates:
            if pair["confirm_key"] in chosen:
                confirmed[pair["confirm_key"]] = pair["confirm_target"]
        batch.confirmed_partners = confirmed
        batch.save(update_fields=["confirmed_partners"])
        return redirect("imports:preview", pk=batch.pk)

    counts = {
        outcome: plan.count(outcome)
        for outcome in (
            Outcome.CREATED,
            Outcome.UPDATED,
            Outcome.UNCHANGED,
            Outcome.REPEATED,
            Outcome.REJECTED,
        )
    }
    return render(
        request,
        "imports/preview.html",
        {"batch": batch, "plan": plan, "counts": counts},
    )


@require_POST
def confirm(request, pk):
    """Import the accepted rows in one transaction."""
    with transaction.atomic():
        batch, finished = _batch(request, pk)
        if finished:
            return finished
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.UPLOADED:
            return redirect("imports:result", pk=batch.pk)
        try:
            plan = _plan(batch)
        except ImportError_ as error:
            messages.error(request, error.message)
            return redirect("imports:mapping", pk=batch.pk)
        if plan.digest() != batch.result.get("preview_digest"):
            # The stored data changed since the person looked: show it again.
            messages.warning(
                request,
                _(
                    "The data changed since this preview was shown. Check the "
                    "new preview before importing."
                ),
            )
            return redirect("imports:preview", pk=batch.pk)
        batch.result = apply_plan(plan, by=request.user, source=batch.filename)
        batch.result["warnings"] = [
            {
                "row": row.row,
                "number": row.number,
                "warnings": [str(w) for w in row.warnings],
            }
            for row in plan.rows
            if row.warnings and row.outcome != Outcome.REJECTED
        ]
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.save(update_fields=["result", "status", "committed_at"])
    messages.success(request, _("The register was imported."))
    return redirect("imports:result", pk=batch.pk)


@require_POST
def cancel(request, pk):
    batch, finished = _batch(request, pk)
    if finished:
        return finished
    batch.status = ImportBatch.Status.CANCELLED
    batch.save(update_fields=["status"])
    messages.info(request, _("The import was cancelled; nothing was saved."))
    return redirect("imports:upload")


def result(request, pk):
    batch, _finished = _batch(request, pk, open_only=False)
    return render(request, "imports/result.html", {"batch": batch})
