"""Outputs of an activity, recorded from the activity's page.

Whoever may change the activity may record or remove its outputs; whoever
sees it may download an output's evidence file.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mitra.agreements.models import Activity
from mitra.core.files import attachment_response
from mitra.core.permissions import Action, get_for_user_or_404, require
from mitra.reports import services
from mitra.reports.forms import ActivityOutputForm
from mitra.reports.models import ActivityOutput


def _back(activity):
    return redirect(activity.get_absolute_url() + "#outputs")


def output_add(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = get_for_user_or_404(
        Activity.objects.select_related("agreement"), request.user, pk=pk
    )
    require(request.user, Action.CHANGE, activity)
    form = ActivityOutputForm(request.POST, request.FILES, prefix="output")
    if form.is_valid():
        try:
            services.output_add(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The output was recorded."))
        return _back(activity)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return _back(activity)


def output_delete(request, pk):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    output = get_for_user_or_404(
        ActivityOutput.objects.select_related("activity__agreement"),
        request.user,
        pk=pk,
    )
    require(request.user, Action.DELETE, output)
    activity = output.activity
    services.output_delete(output=output, by=request.user)
    messages.success(request, _("The output was removed."))
    return _back(activity)


def output_file(request, pk):
    """Download the evidence file of an output the viewer may see."""
    output = get_for_user_or_404(ActivityOutput.objects.all(), request.user, pk=pk)
    return attachment_response(output.evidence)
