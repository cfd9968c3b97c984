"""The accreditation table "Kerjasama Tridharma" (LKPS table 1), on screen
and as a workbook in BAN-PT's layout.

Any staff member may produce it: it lists only signed agreements, which all
staff read.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from mitra.core.exports import XLSX_TYPE
from mitra.core.models import Unit
from mitra.core.permissions import Action, require
from mitra.reports.forms import LkpsForm
from mitra.reports.lkps import (
    EXTRA_COLUMNS,
    HEADINGS,
    TINGKAT,
    lkps_table,
    lkps_workbook,
)


def lkps(request):
    require(request.user, Action.VIEW, Unit)
    data = request.GET.copy() if request.GET else None
    if data is not None and "extra" not in data and "shown" not in data:
        data.setlist("extra", settings.MITRA_LKPS_EXTRA_COLUMNS)
    form = LkpsForm(
        data,
        user=request.user,
        initial={"extra": settings.MITRA_LKPS_EXTRA_COLUMNS},
    )
    result = None
    if data is not None and form.is_valid():
        result = lkps_table(
            programme=form.cleaned_data["programme"],
            ts=form.chosen_ts(),
            user=request.user,
            extra_columns=form.cleaned_data["extra"],
        )
        if request.GET.get("format") == "xlsx":
            return _xlsx(request, result)
    return render(
        request,
        "reports/lkps.html",
        {
            "form": form,
            "result": result,
            "headings": HEADINGS,
            "tingkat": [label for _value, label in TINGKAT],
            "extra_labels": EXTRA_COLUMNS,
        },
    )


def _xlsx(request, result):
    content = lkps_workbook(result, absolute_url=request.build_absolute_uri)
    stem = slugify(result.programme.code) or "prodi"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="lkps-table-1-{stem}-ts{result.ts}.xlsx"'
    )
    return response
