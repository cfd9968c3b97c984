"""Pages about people and the organisation tree.

The signed-in user's profile; account administration (list, create and
invite, edit, deactivate); unit administration (the tree, create, edit,
deactivate, CSV upload); the invitation page where a new member of staff
sets a first password; password reset by email. Only the head of the
cooperation office and administrators reach the administration pages:
records are found through the permission gate, actions checked with
`require`, and every change goes through `mitra.core.services`.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import RequestConfig

from mitra.core import services
from mitra.core.files import StoredFileMissing
from mitra.core.filters import UserFilterSet
from mitra.core.forms import (
    MitraPasswordResetForm,
    UnitForm,
    UnitImportForm,
    UserCreateForm,
    UserForm,
)
from mitra.core.history import history_entries
from mitra.core.models import Invitation, Unit, User
from mitra.core.permissions import (
    Action,
    can,
    get_for_user_or_404,
    require,
    visible,
)
from mitra.core.tables import UserTable


@login_not_required
def page_not_found(request, exception):
    """The 404 page; a file gone from storage says so instead."""
    missing = isinstance(exception, StoredFileMissing)
    template = "file_missing.html" if missing else "404.html"
    return render(request, template, status=404)


def profile(request):
    """Show the signed-in user's role and the units they act for."""
    return render(
        request,
        "core/profile.html",
        {"units": request.user.units.select_related("parent")},
    )


def _add_errors(form, error):
    """Show a service's ValidationError on the form's fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _base_url(request):
    return request.build_absolute_uri("/")


# --- Accounts ----------------------------------------------------------------


def _user(request, pk):
    return get_for_user_or_404(
        User.objects.prefetch_related("units"), request.user, pk=pk
    )


def user_list(request):
    """List the accounts, filtered by role, unit and state, searched, sorted."""
    require(request.user, Action.MANAGE_USERS, User)
    rows = visible(request.user, User.objects.prefetch_related("units"))
    filterset = UserFilterSet(request.GET or None, queryset=rows, request=request)
    table = UserTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": settings.MITRA_PAGE_SIZE}).configure(
        table
    )
    return render(
        request, "core/users_list.html", {"filterset": filterset, "table": table}
    )


@require_http_methods(["GET", "POST"])
def user_create(request):
    """Create an account and, by default, email the person an invitation."""
    require(request.user, Action.MANAGE_USERS, User)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["send_invitation"]:
                invitation = services.user_invite(
                    **form.account(), by=request.user, base_url=_base_url(request)
                )
                account = invitation.user
                messages.success(
                    request,
                    _("The account was created and an invitation sent to %(email)s.")
                    % {"email": account.email},
                )
            else:
                account = services.user_create(**form.account(), by=request.user)
                messages.success(request, _("The account was created."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("user_detail", account.pk)
    return render(request, "core/users_form.html", {"form": form})


def user_detail(request, pk):
    """Show an account with its units, invitations and change history."""
    require(request.user, Action.MANAGE_USERS, User)
    account = _user(request, pk)
    invitations = list(
        Invitation.objects.filter(user=account).select_related("created_by")[:5]
    )
    for invitation in invitations:
        invitation.status = services.invitation_status(invitation)
    can_change = can(request.user, Action.CHANGE, account)
    return render(
        request,
        "core/users_detail.html",
        {
            "account": account,
            "units": list(account.units.all()),
            "invitations": invitations,
            "history": history_entries(account),
            "can_change": can_change,
            "can_invite": can_change
            and account.is_active
            and not account.has_usable_password(),
            "is_self": account.pk == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    """Edit an account's details, role, units and active flag."""
    require(request.user, Action.MANAGE_USERS, User)
    account = _user(request, pk)
    require(request.user, Action.CHANGE, account)
    form = UserForm(request.POST or None, instance=account, editor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            # The form wrote its values onto `account`; compare with a fresh copy.
            services.user_update(
                user=_user(request, pk),
                by=request.user,
                units=list(form.cleaned_data["units"]),
                **form.changes(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("user_detail", pk)
    return render(
        request,
        "core/users_form.html",
        {"form": form, "account": _user(request, pk)},
    )


def _user_action(request, pk, action, done):
    require(request.user, Action.MANAGE_USERS, User)
    account = _user(request, pk)
    require(request.user, Action.CHANGE, account)
    try:
        action(account)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("user_detail", pk)


@require_POST
def user_deactivate(request, pk):
    """Deactivate an account: it can no longer log in; its history stays."""
    return _user_action(
        request,
        pk,
        lambda account: services.user_deactivate(user=account, by=request.user),
        _("The account was deactivated. Its records and history are kept."),
    )


@require_POST
def user_reactivate(request, pk):
    """Let a deactivated account log in again."""
    return _user_action(
        request,
        pk,
        lambda account: services.user_reactivate(user=account, by=request.user),
        _("The account was reactivated."),
    )


@require_POST
def user_invitation_send(request, pk):
    """Email a new invitation link; the previous link stops working."""
    return _user_action(
        request,
        pk,
        lambda account: services.invitation_send(
            user=account, by=request.user, base_url=_base_url(request)
        ),
        _("A new invitation was sent; the previous link no longer works."),
    )


# --- The invitation page (no log-in) ------------------------------------------------


def _invitation_gone(request, status):
    return render(
        request,
        "core/invitation_gone.html",
        {"used": status == "used"},
        status=410,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Let an invited person set their password, once.

    A used, expired or replaced link answers 410 Gone; a token that matches
    no invitation answers 404, telling nothing about accounts.
    """
    invitation = services.invitation_find(token)
    if invitation is None:
        raise Http404
    status = services.invitation_status(invitation)
    if status != "pending" or not invitation.user.is_active:
        return _invitation_gone(request, status)

    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except services.InvitationGone:
            return _invitation_gone(request, "used")
        except ValidationError as error:
            form.add_error("new_password2", error)
        else:
            messages.success(
                request,
                _("Your password is set. Log in with the username %(username)s.")
                % {"username": account.username},
            )
            return redirect("login")
    return render(
        request,
        "core/invitation_accept.html",
        {"form": form, "invitee": invitation.user, "invitation": invitation},
    )


# --- Password reset by email ---------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with the email going through the outbox.

    Whether an address belongs to an account is never revealed: the same
    page follows in every case.
    """

    form_class = MitraPasswordResetForm


# --- Units ------------------------------------------------------------------------


def _unit(request, pk):
    return get_for_user_or_404(
        Unit.objects.select_related("parent"), request.user, pk=pk
    )


def unit_tree(units):
    """Return `units` as (unit, depth) pairs in tree order, children by code.

    A unit whose parent is not among `units` starts a tree of its own, and
    units caught in a loop of parents are listed at the end, so none is lost.
    """
    ids = {unit.pk for unit in units}
    children = {}
    for unit in sorted(units, key=lambda unit: unit.code):
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)

    ordered, seen = [], set()
    stack = [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        ordered.append((unit, depth))
        stack.extend(
            (child, depth + 1) for child in reversed(children.get(unit.pk, []))
        )
    ordered.extend(
        (unit, 0) for unit in sorted(units, key=lambda u: u.code) if unit.pk not in seen
    )
    return ordered


def unit_list(request):
    """Show the unit tree with each unit's kind, level, aliases and members."""
    require(request.user, Action.CHANGE, Unit)
    show_all = request.GET.get("all") == "1"
    rows = visible(request.user, Unit.objects.all()).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    if not show_all:
        rows = rows.filter(is_active=True)
    return render(
        request,
        "core/units_list.html",
        {
            "tree": unit_tree(list(rows)),
            "show_all": show_all,
            "can_import": can(request.user, Action.IMPORT, Unit),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_create(request):
    """Add a unit to the tree."""
    require(request.user, Action.ADD, Unit)
    initial = {}
    parent_code = request.GET.get("parent")
    if parent_code:
        initial["parent"] = (
            visible(request.user, Unit.objects.all()).filter(code=parent_code).first()
        )
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(by=request.user, **form.changes())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The unit %(code)s was added.") % {"code": unit.code}
            )
            return redirect("unit_list")
    return render(request, "core/units_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    """Edit a unit; its history is shown below the form."""
    unit = _unit(request, pk)
    require(request.user, Action.CHANGE, unit)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit=_unit(request, pk), by=request.user, **form.changes()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("unit_list")
    unit = _unit(request, pk)
    return render(
        request,
        "core/units_form.html",
        {
            "form": form,
            "unit": unit,
            "members": list(unit.members.order_by("first_name", "username")),
            "history": history_entries(unit),
        },
    )


def _unit_action(request, pk, action, done):
    unit = _unit(request, pk)
    require(request.user, Action.CHANGE, unit)
    try:
        action(unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("unit_edit", pk)


@require_POST
def unit_deactivate(request, pk):
    """Deactivate a unit; records and members keep pointing to it."""
    return _unit_action(
        request,
        pk,
        lambda unit: services.unit_deactivate(unit=unit, by=request.user),
        _("The unit was deactivated."),
    )


@require_POST
def unit_reactivate(request, pk):
    """Make a deactivated unit active again."""
    return _unit_action(
        request,
        pk,
        lambda unit: services.unit_reactivate(unit=unit, by=request.user),
        _("The unit was reactivated."),
    )


@require_http_methods(["GET", "POST"])
def unit_import(request):
    """Upload a units CSV; every problem is listed and nothing is saved."""
    require(request.user, Action.IMPORT, Unit)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created, updated = services.units_import(text=form.cleaned_data["file"])
        except ValidationError as error:
            errors = error.messages
        except csv.Error:
            errors = [_("The file could not be read as CSV.")]
        else:
            messages.success(
                request,
                _("Units loaded: %(created)s created, %(updated)s updated.")
                % {"created": created, "updated": updated},
            )
            return redirect("unit_list")
    return render(request, "core/units_import.html", {"form": form, "errors": errors})
