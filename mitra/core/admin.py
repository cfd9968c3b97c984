"""The Django admin of core, and what every admin of Mitra is built on.

Uploads are private (MEDIA_URL is None): `PrivateFilesMixin` shows a stored
file by its name, linked to the permission-checked download view of Mitra
that hands it out, and never asks the storage for a URL. The admin is also
held to the rules of Mitra's services: `AppRulesMixin` refuses to change or
delete what the app's pages refuse (a signed agreement, a monitoring round
with an issued recap, …), asking the app's own rule and giving its reason,
and deletes through the app's service where there is one.
"""

import re
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminFileWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.forms.utils import flatatt
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from mitra.core.models import JobRun, Notification, OutboxEmail, Unit, User

#: A path segment carrying a personal link's secret (a random token or a
#: signed value, 32 characters or more).
LINK_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-:.]{32,}(?=/|\s|$)")


def mask_link_tokens(text):
    """Return `text` with the secret part of every personal link masked."""
    return LINK_TOKEN.sub("…", text or "")


# --- Private files ----------------------------------------------------------


def _stored_file_html(field_file, url):
    """Return a stored file's name, linked to `url` when there is one."""
    if url:
        return format_html('<a href="{}">{}</a>', url, field_file.name)
    return format_html("{}", field_file.name)


class PrivateFileWidget(AdminFileWidget):
    """The admin's upload field, naming the stored file without its URL.

    `download_url(instance)` returns the address of Mitra's download view
    for the file's row, or "" when there is none.
    """

    def __init__(self, attrs=None, *, download_url=None):
        super().__init__(attrs)
        self.download_url = download_url

    def is_initial(self, value):
        # Django asks the file for its URL here, which a private one lacks.
        return False

    def render(self, name, value, attrs=None, renderer=None):
        upload = super().render(name, value, attrs, renderer)
        if not (isinstance(value, FieldFile) and value):
            return upload
        url = self.download_url(value.instance) if self.download_url else ""
        clear = ""
        if not self.is_required:
            checkbox_name = self.clear_checkbox_name(name)
            checkbox_id = self.clear_checkbox_id(checkbox_name)
            clear = format_html(
                ' <span class="clearable-file-input"><input type="checkbox"{}>'
                ' <label for="{}">{}</label></span>',
                flatatt({"name": checkbox_name, "id": checkbox_id}),
                checkbox_id,
                self.clear_checkbox_label,
            )
        return format_html(
            '<p class="file-upload">{}: {}{}<br>{}: {}</p>',
            self.initial_text,
            _stored_file_html(value, url),
            clear,
            self.input_text,
            upload,
        )


class _StoredFileDisplay:
    """A read-only file field as the admin shows it: name and download link.

    Used in place of the field wherever the admin would display it read-only
    (Django's own display links to `FieldFile.url`).
    """

    def __init__(self, model_admin, field):
        self.model_admin = model_admin
        self.field_name = field.name
        self.__name__ = field.name
        self.short_description = field.verbose_name

    def __call__(self, obj):
        field_file = getattr(obj, self.field_name)
        if not field_file:
            return self.model_admin.get_empty_value_display()
        url = self.model_admin.file_download_url(self.field_name, obj)
        return _stored_file_html(field_file, url)


class PrivateFilesMixin:
    """Show the model's stored files by name, linked to Mitra's download views.

    `file_downloads` maps a file field's name to the URL name of the view
    that hands the file out (it takes the row's pk), or to a function of the
    row returning that view's address. That view checks the permission, so
    the link opens the file only for whoever may see it.
    """

    file_downloads = {}

    def file_download_url(self, name, obj):
        """Return the address of Mitra's download view for `obj`'s file."""
        target = self.file_downloads.get(name)
        if not target or obj is None or obj.pk is None:
            return ""
        if callable(target):
            return target(obj)
        return reverse(target, args=[obj.pk])

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.FileField):
            kwargs.setdefault(
                "widget",
                PrivateFileWidget(
                    download_url=partial(self.file_download_url, db_field.name)
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def _file_fields(self):
        return {
            field.name: field
            for field in self.model._meta.concrete_fields
            if isinstance(field, models.FileField)
        }

    @cached_property
    def _file_displays(self):
        # One display per field, the same object on every call: the admin
        # finds a read-only field by comparing it with its list of them.
        return {
            name: _StoredFileDisplay(self, field)
            for name, field in self._file_fields().items()
        }

    def _file_display(self, field):
        return self._file_displays[field.name]

    def _editable(self, request, obj):
        return obj is None or self.has_change_permission(request, obj)

    def _read_only_files(self, request, obj, declared):
        files = self._file_fields()
        if not self._editable(request, obj):
            return list(files.values())
        return [files[name] for name in declared if name in files]

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        files = self._read_only_files(request, obj, declared)
        names = [field.name for field in files if field.name not in declared]
        return [*declared, *names, *(self._file_display(field) for field in files)]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        declared = super().get_readonly_fields(request, obj)
        shown = {
            field.name: self._file_display(field)
            for field in self._read_only_files(request, obj, declared)
        }
        if not shown:
            return fieldsets
        return [
            (title, {**options, "fields": _swap(options["fields"], shown)})
            for title, options in fieldsets
        ]


def _swap(fields, shown):
    """Return `fields` with each read-only file field replaced by its display,
    each once (a default layout lists the field and its display both)."""
    result, seen = [], set()
    for entry in fields:
        if isinstance(entry, (list, tuple)):
            entry = tuple(shown.get(name, name) for name in entry)
        else:
            entry = shown.get(entry, entry)
        if entry in seen:
            continue
        seen.add(entry)
        result.append(entry)
    return result


# --- The app's rules --------------------------------------------------------

READ_ONLY_REASON = _(
    "The admin only shows these rows: they change through Mitra's own pages, "
    "which keep their rules."
)


class AppRulesMixin:
    """Refuse in the admin what Mitra's pages refuse, with the app's reason.

    An admin names the rule by overriding `change_refusal` or
    `delete_refusal`: each returns the reason the app gives for refusing
    (asking the app's own rule, never restating it), or None. A refused
    change shows the row read-only with the reason; a refused deletion is a
    page giving the reason (status 403). Where the app deletes through a
    service, the admin overrides `delete_model` to call it, and rows are
    then deleted one at a time (no bulk action), each through the service.
    """

    def change_refusal(self, request, obj):
        return None

    def delete_refusal(self, request, obj):
        return None

    def _has_delete_rule(self):
        return type(self).delete_refusal is not AppRulesMixin.delete_refusal

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not self.change_refusal(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not self.delete_refusal(request, obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._has_delete_rule():
            actions.pop("delete_selected", None)
        return actions

    def refused(self, request, obj, reason, *, title):
        """Answer a refused change or deletion with the app's reason."""
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(obj),
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "reason": reason,
            "app_url": obj.get_absolute_url()
            if hasattr(obj, "get_absolute_url")
            else "",
        }
        return TemplateResponse(
            request, "admin/mitra/refused.html", context, status=403
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        reason = self.change_refusal(request, obj) if obj is not None else None
        if reason and self.has_view_permission(request, obj):
            if request.method == "POST":
                title = _("Change %s") % self.opts.verbose_name
                return self.refused(request, obj, reason, title=title)
            self.message_user(request, reason, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        title = _("Cannot delete %(name)s") % {"name": self.opts.verbose_name}
        if obj is not None and self.has_view_permission(request, obj):
            reason = self.delete_refusal(request, obj)
            if reason:
                return self.refused(request, obj, reason, title=title)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refusal:
            # The service refused at the last moment (a change meanwhile).
            return self.refused(request, obj, " ".join(refusal.messages), title=title)


class MitraAdmin(PrivateFilesMixin, AppRulesMixin, admin.ModelAdmin):
    """The base of Mitra's admin pages."""


class MitraHistoryAdmin(PrivateFilesMixin, AppRulesMixin, SimpleHistoryAdmin):
    """The base of the admin pages of models with a change history.

    Reverting to a past version (the history's form) is a change, refused
    where a change is.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                reason = self.change_refusal(request, obj)
                if not reason:
                    raise PermissionDenied
                title = _("Change %s") % self.opts.verbose_name
                return self.refused(request, obj, reason, title=title)
        return super().history_form_view(request, object_id, version_id, extra_context)


class MitraTabularInline(PrivateFilesMixin, admin.TabularInline):
    """The base of Mitra's inline rows; read-only where their row is."""

    def _editable(self, request, obj):
        parent = self.admin_site._registry.get(self.parent_model)
        return super()._editable(request, obj) and (
            parent is None or parent.has_change_permission(request, obj)
        )


class _ShownOnly:
    """Neither add, change nor delete: the rows change through Mitra's own
    pages."""

    def delete_refusal(self, request, obj):
        return READ_ONLY_REASON

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(_ShownOnly, MitraAdmin):
    """Rows the admin only shows: they change through Mitra's own pages."""


class ReadOnlyHistoryAdmin(_ShownOnly, MitraHistoryAdmin):
    """Rows with a history the admin only shows (no revert either)."""


@admin.register(Unit)
class UnitAdmin(MitraHistoryAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_superuser"]
    filter_horizontal = ["units", "groups", "user_permissions"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Mitra"), {"fields": ("role", "units", "position", "phone")}),
    )


@admin.register(Notification)
class NotificationAdmin(MitraAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at", "subject_type", "subject_id", "dedupe_key"]
    date_hierarchy = "created_at"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(MitraAdmin):
    """The outbox: the office sees here what failed, why, and when it retries.

    An email's text is shown, never edited, with the personal part of every
    link masked: whoever reads the outbox cannot answer a partner's survey
    or follow a partner's proposal in their place.
    """

    exclude = ["body", "html_body"]

    list_display = [
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "status",
        "attempts",
        "last_error",
        "dedupe_key",
        "next_attempt_at",
        "created_at",
        "sent_at",
        "masked_body",
        "masked_html_body",
    ]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("text"))
    def masked_body(self, email):
        return format_html("<pre>{}</pre>", mask_link_tokens(email.body))

    @admin.display(description=_("HTML text"))
    def masked_html_body(self, email):
        return mask_link_tokens(email.html_body) or self.get_empty_value_display()

    @admin.action(description=_("Try the selected failed emails again"))
    def retry(self, request, queryset):
        count = queryset.filter(
            status__in=[OutboxEmail.Status.FAILED, OutboxEmail.Status.GAVE_UP]
        ).update(status=OutboxEmail.Status.PENDING, attempts=0, next_attempt_at=None)
        self.message_user(
            request,
            _("%(count)s emails will be sent at the next outbox run.")
            % {"count": count},
        )


@admin.register(JobRun)
class JobRunAdmin(MitraAdmin):
    list_display = ["job", "as_of", "ok", "started_at", "finished_at"]
    list_filter = ["ok", "job"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "job",
        "as_of",
        "ok",
        "summary",
        "error",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
