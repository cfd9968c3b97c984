"""Every page of the Django admin opens on the demo, with files kept private.

Production has no MEDIA_URL: uploads are handed out only by Mitra's own
permission-checked views, so no admin page may ask a stored file for its URL.
"""

import io

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from mitra.agreements.models import Agreement, Status
from mitra.core.admin import PrivateFilesMixin
from mitra.core.clock import today
from mitra.core.models import User
from mitra.documents.models import IssuedDocument
from mitra.imports.models import ImportBatch
from mitra.monitoring.models import MonitoringRound
from mitra.planning.models import (
    AnnualProgramme,
    IssueStatus,
    Meeting,
    MinutesStatus,
    NeedsMapping,
)
from mitra.records.models import DisposalList, PolicyDocument, Record
from mitra.records.services import disposal_list_build
from mitra.surveys.models import Round as SurveyRound
from mitra.surveys.models import RoundStatus
from tests.agreements.uploads import PDF_BYTES


def _one_with_a_file(queryset):
    """Return a row that has a stored file where the model keeps files."""
    for field in queryset.model._meta.get_fields():
        if isinstance(field, models.FileField):
            row = queryset.exclude(**{field.name: ""}).first()
            if row is not None:
                return row
    return queryset.first()


@pytest.fixture
def demo(db, settings):
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    settings.MEDIA_URL = None


def test_it_opens_the_list_and_a_change_page_of_every_model(demo, client):
    """Status 200, or 403 where an admin refuses on purpose; never a 500."""
    # given objects with stored files
    assert IssuedDocument.objects.exclude(pdf_file="").exists()
    assert Record.objects.exclude(file="").exists()
    assert PolicyDocument.objects.exclude(file="").exists()
    signed = Agreement.objects.filter(status=Status.SIGNED).first()
    signed.signed_file.save("signed.pdf", ContentFile(PDF_BYTES))
    superuser = User.objects.filter(is_superuser=True).first()
    # the demo's record past retention, on a disposal list with its archive
    disposal_list_build(by=superuser)
    client.force_login(superuser)
    client.raise_request_exception = False
    opened, failures = set(), []

    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        if changelist.status_code not in (200, 403):
            failures.append((model._meta.label, "list", changelist.status_code))
        obj = _one_with_a_file(model_admin.get_queryset(changelist.wsgi_request))
        if obj is None:
            continue
        page = client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        if page.status_code not in (200, 403):
            failures.append((model._meta.label, obj.pk, page.status_code))
        opened.add(model)

    assert not failures, failures
    # and the pages opened include those of the models that keep files
    assert {IssuedDocument, Record, PolicyDocument, Agreement, DisposalList} <= opened


def test_a_stored_file_shows_its_name_and_links_to_mitras_download(demo, client):
    record = Record.objects.exclude(file="").first()
    policy = PolicyDocument.objects.first()
    document = IssuedDocument.objects.exclude(pdf_file="").first()
    client.force_login(User.objects.filter(is_superuser=True).first())

    pages = [
        (
            reverse("admin:records_record_change", args=[record.pk]),
            record.file.name,
            reverse("records:file", args=[record.pk]),
        ),
        (
            reverse("admin:records_policydocument_change", args=[policy.pk]),
            policy.file.name,
            reverse("records:policy_file", args=[policy.pk]),
        ),
        (
            reverse("admin:documents_issueddocument_change", args=[document.pk]),
            document.pdf_file.name,
            reverse("documents:issued_file", args=[document.pk]) + "?format=pdf",
        ),
    ]
    for url, name, download in pages:
        body = client.get(url).content.decode()
        assert name in body
        assert f'href="{download}"' in body


def test_what_the_app_keeps_the_admin_neither_changes_nor_deletes(demo, client):
    """Issued minutes, programmes and mappings, a closed survey round, a
    closed monitoring round with its recap, a signed agreement and a record
    in retention: each refused, also through a revert of its history."""
    kept = [
        Meeting.objects.get(status=MinutesStatus.APPROVED),
        AnnualProgramme.objects.get(status=IssueStatus.ISSUED),
        NeedsMapping.objects.get(status=IssueStatus.ISSUED),
        SurveyRound.objects.get(status=RoundStatus.CLOSED),
        MonitoringRound.objects.get(status="closed"),
        Agreement.objects.filter(status=Status.SIGNED).first(),
        Record.objects.filter(retain_until__gte=today()).first(),
    ]
    client.force_login(User.objects.filter(is_superuser=True).first())

    for obj in kept:
        meta = obj._meta
        url = f"admin:{meta.app_label}_{meta.model_name}_%s"
        deleting = client.get(reverse(url % "delete", args=[obj.pk]))
        deleted = client.post(reverse(url % "delete", args=[obj.pk]), {"post": "yes"})
        assert (deleting.status_code, deleted.status_code) == (403, 403), obj
        assert type(obj).objects.filter(pk=obj.pk).exists()
        if isinstance(obj, (MonitoringRound, Agreement)):
            continue  # the app changes these; it only keeps them
        saved = client.post(reverse(url % "change", args=[obj.pk]), {})
        assert saved.status_code == 403, obj
        if isinstance(admin.site._registry[type(obj)], SimpleHistoryAdmin):
            version = obj.history.earliest()
            revert = reverse(url % "simple_history", args=[obj.pk, version.pk])
            assert client.post(revert, {}).status_code == 403, obj


#: File fields Mitra has no download page for: the admin shows their name.
NO_DOWNLOAD_VIEW = {(ImportBatch, "file")}


def test_every_admin_of_stored_files_links_them_to_mitras_downloads():
    unlinked = []
    for model_admin in admin.site._registry.values():
        inlines = [
            inline(model_admin.model, admin.site) for inline in model_admin.inlines
        ]
        for shown in [model_admin, *inlines]:
            for field in shown.model._meta.concrete_fields:
                if not isinstance(field, models.FileField):
                    continue
                private = isinstance(shown, PrivateFilesMixin)
                linked = field.name in getattr(shown, "file_downloads", {})
                if not private or not (
                    linked or (shown.model, field.name) in NO_DOWNLOAD_VIEW
                ):
                    unlinked.append(f"{shown.model._meta.label}.{field.name}")

    assert not unlinked, unlinked


def test_the_storage_has_no_url_to_give_without_a_media_url(settings):
    settings.MEDIA_URL = None
    assert default_storage.url("records/record/a.pdf") == ""

    settings.MEDIA_URL = "/media/"
    assert default_storage.url("records/record/a.pdf") == "/media/records/record/a.pdf"
