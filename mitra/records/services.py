"""Writes to the records register and the policy library.

Every page, the admin, imports and commands go through these functions; the
models refuse what they refuse anyway (see `mitra.records.models`), and
these functions check first so the refusal reads well.

Records:

* `register_issued_document(document=…)` — called for every issued document
  (the receiver of `document_issued`); registers it when its kind belongs to
  a record type (the type's `document_kinds`, or the form's `record_type`).
* `record_register(...)` — a file registered by hand.
* `record_update`, `record_delete` — refused while a record is kept or held.
* `legal_hold_set`, `legal_hold_clear` — the head's, with a reason.
* `disposal_list_build` → `disposal_list_approve` (the head) or
  `disposal_list_cancel`: building stores the archive first; approving
  deletes each listed record and writes the disposal log, skipping a record
  held or kept longer meanwhile (`skip_reason`, which the list's page shows
  through `disposal_list_items`).
"""

import csv
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mitra.core import clock
from mitra.core.exports import neutralise
from mitra.core.models import Role
from mitra.records import retention
from mitra.records.models import (
    CoverageArea,
    DisposalItem,
    DisposalList,
    DisposalLog,
    DisposalStatus,
    PolicyDocument,
    Record,
    RecordProtected,
    RecordType,
    SkipReason,
    protection_error,
    validate_policy_file,
    validate_record_file,
)

logger = logging.getLogger(__name__)

INDEX_NAME = "index.csv"


def is_head(user):
    """Return whether `user` decides holds and disposals (head or admin)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == Role.HEAD)
    )


def _require_head(user, message):
    if not is_head(user):
        raise ValidationError(message, code="not_head")


def _clean_text(value, length):
    return " ".join(str(value or "").split())[:length]


def _sha256(handle):
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- Registration -------------------------------------------------------------


def record_type_for_kind(kind):
    """Return the record type an issued document of `kind` belongs to, or None.

    The types' `document_kinds` decide; a printed form may also name its
    record type (`FormDefinition.record_type`, a type's code or one of its
    kinds).
    """
    types = list(RecordType.objects.all())
    for record_type in types:
        if kind in (record_type.document_kinds or []):
            return record_type
    try:
        from mitra.documents.registry import get_form

        declared = get_form(kind).record_type
    except LookupError:
        declared = ""
    if declared:
        for record_type in types:
            if declared == record_type.code or declared in (
                record_type.document_kinds or []
            ):
                return record_type
    return None


def register_issued_document(*, document):
    """Register `document` (an IssuedDocument) as a record, if it is one.

    Return the new record, or None when its kind is no record type's.
    Registering twice returns the existing record.
    """
    existing = Record.objects.filter(document=document).first()
    if existing is not None:
        return existing
    record_type = record_type_for_kind(document.kind)
    if record_type is None:
        return None
    issued_on = timezone.localdate(document.issued_at)
    record = Record(
        record_type=record_type,
        title=_clean_text(document.title, 300) or record_type.display_name,
        issued_on=issued_on,
        retain_until=retention.retain_until(issued_on, record_type.years),
        storage_location=record_type.storage_location,
        document=document,
        registered_by=document.issued_by,
        registered_at=clock.now(),
    )
    record._history_user = document.issued_by
    record.save()
    logger.info("Issued document %s registered as record %s", document.pk, record.pk)
    return record


def on_document_issued(sender, document, **kwargs):
    """Receiver of `document_issued`: register the record in the same
    transaction (a failure here rolls the issue back)."""
    register_issued_document(document=document)


def record_register(*, record_type, title, issued_on, file, by, note=""):
    """Register a file by hand as a record of `record_type`.

    The file is checked by its content (PDF, Word, Excel, PowerPoint, JPEG
    or PNG) and its SHA-256 kept. Raise ValidationError naming the field.
    """
    errors = {}
    title = _clean_text(title, 300)
    if not title:
        errors["title"] = _("Give the record a title.")
    if issued_on is None:
        errors["issued_on"] = _("Give the date of issue.")
    elif issued_on < clock.EARLIEST_DATE:
        errors["issued_on"] = _("Give a date between %(first)s and %(last)s.") % {
            "first": clock.EARLIEST_DATE.year,
            "last": clock.today().year,
        }
    elif issued_on > clock.today():
        errors["issued_on"] = _("The date of issue cannot be in the future.")
    if file is None:
        errors["file"] = _("Choose the file to keep.")
    else:
        try:
            validate_record_file(file)
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)

    file.seek(0)
    checksum = _sha256(file)
    file.seek(0)
    name = PurePath(getattr(file, "name", "") or "record").name[-255:]
    record = Record(
        record_type=record_type,
        title=title,
        issued_on=issued_on,
        retain_until=retention.retain_until(issued_on, record_type.years),
        storage_location=record_type.storage_location,
        original_name=name,
        checksum=checksum,
        note=(note or "").strip(),
        registered_by=by,
        registered_at=clock.now(),
    )
    with transaction.atomic():
        record.file.save(name, file, save=False)
        record._history_user = by
        try:
            record.save()
        except Exception:
            record.file.delete(save=False)
            raise
    logger.info("Record %s registered by hand", record.pk)
    return record


# --- Changes ------------------------------------------------------------------


@transaction.atomic
def record_update(*, record, by, title, storage_location, note=""):
    """Change a record's title, storage location or note.

    Refused while the record is kept (before its retention ends) or held.
    """
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.is_protected():
        raise protection_error(record)
    record.title = _clean_text(title, 300) or record.title
    record.storage_location = _clean_text(storage_location, 300)
    record.note = (note or "").strip()
    record._history_user = by
    record.save()
    return record


def record_delete(*, record, by):
    """Remove one record past its retention: a disposal of its own.

    Refused while the record is kept or held. Otherwise the head builds and
    approves a disposal list of this one record, so its archive is stored
    and the deletion logged like any other disposal.
    """
    if record.is_protected():
        raise protection_error(record)
    _require_head(by, _("Only the head of the office disposes of records."))
    with transaction.atomic():
        disposal = disposal_list_build(by=by, records=[record])
        return disposal_list_approve(disposal_list=disposal, by=by)


def _set_hold(record, *, by, reason, on_hold):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    _require_head(by, _("Only the head of the office sets or clears a legal hold."))
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        # Setting a hold twice would write over the reason and date of the
        # first, which the history and the record's page are read by.
        if record.on_hold and on_hold:
            raise ValidationError(
                _("This record is already under a legal hold."), code="already_held"
            )
        if not record.on_hold and not on_hold:
            raise ValidationError(
                _("This record is not under a legal hold."), code="not_held"
            )
        record.on_hold = on_hold
        record.hold_reason = reason
        record.hold_by = by
        record.hold_changed_at = clock.now()
        record._history_user = by
        record._change_reason = reason[:500]
        record.save()
    logger.info("Legal hold on record %s set to %s", record.pk, on_hold)
    return record


def legal_hold_set(*, record, by, reason):
    """Put `record` under a legal hold: kept, unchanged, never disposed.

    Refused when the record is held already (clear the hold first).
    """
    return _set_hold(record, by=by, reason=reason, on_hold=True)


def legal_hold_clear(*, record, by, reason):
    """Lift the legal hold of `record` (its retention applies again).

    Refused when the record is not held.
    """
    return _set_hold(record, by=by, reason=reason, on_hold=False)


@transaction.atomic
def record_type_update(
    *, record_type, by, storage_location, retention_years, document_kinds=None
):
    """Change a record type's storage location, retention or document kinds.

    A longer retention also lengthens that of the type's records already in
    the register; a shorter one applies to new records only, so no record
    is ever released earlier than it was promised to be kept.
    """
    if retention_years is not None and retention_years < 1:
        raise ValidationError(
            {"retention_years": _("Keep records for one year at least.")}
        )
    storage_location = _clean_text(storage_location, 300)
    if not storage_location:
        raise ValidationError({"storage_location": _("Say where records are kept.")})
    record_type.storage_location = storage_location
    record_type.retention_years = retention_years
    if document_kinds is not None:
        record_type.document_kinds = sorted(
            {_clean_text(kind, 60) for kind in document_kinds if kind.strip()}
        )
    record_type._history_user = by
    record_type.save()

    years = record_type.years
    for record in Record.objects.select_for_update().filter(record_type=record_type):
        longer = retention.retain_until(record.issued_on, years)
        if longer > record.retain_until:
            record.retain_until = longer
            record._history_user = by
            record.save()
    return record_type


# --- Archive and disposal -----------------------------------------------------


@dataclass
class _Archived:
    """What the archive holds of one record."""

    members: list = field(default_factory=list)
    checksums: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def _record_files(record):
    """Return `(label, field_file)` for each stored file of `record`."""
    if record.document_id is not None:
        document = record.document
        return [("pdf", document.pdf_file), ("docx", document.docx_file)]
    return [("file", record.file)]


def _member_name(record, field_file, original_name=""):
    folder = f"{record.pk:06d}-{slugify(record.title)[:60] or 'record'}"
    name = original_name or PurePath(field_file.name).name.split("-", 1)[-1]
    return f"{folder}/{name}"


def build_archive(records):
    """Return `(zip_bytes, {record_pk: _Archived})` for `records`.

    The ZIP holds each record's files in a folder of its own and an index
    (`index.csv`) describing every record; a file missing from storage is
    named in the index and left out, the archive is still built.
    """
    archived = {}
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            entry = archived.setdefault(record.pk, _Archived())
            for _label, field_file in _record_files(record):
                if not field_file:
                    continue
                original = record.original_name if record.document_id is None else ""
                member = _member_name(record, field_file, original)
                try:
                    with field_file.open("rb") as handle:
                        data = handle.read()
                except (FileNotFoundError, OSError, ValueError):
                    entry.missing.append(field_file.name)
                    continue
                archive.writestr(member, data)
                entry.members.append(member)
                entry.checksums.append(hashlib.sha256(data).hexdigest())
        archive.writestr(INDEX_NAME, _index_csv(records, archived))
    return output.getvalue(), archived


def _index_csv(records, archived):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(
        [
            gettext("Record number"),
            gettext("Record type"),
            gettext("Title"),
            gettext("Issued on"),
            gettext("Kept until"),
            gettext("Storage location"),
            gettext("Issued document"),
            gettext("Files in the archive"),
            gettext("SHA-256"),
            gettext("Missing from storage"),
        ]
    )
    for record in records:
        entry = archived[record.pk]
        writer.writerow(
            neutralise(value)
            for value in [
                record.pk,
                record.record_type.display_name,
                record.title,
                record.issued_on.isoformat(),
                record.retain_until.isoformat(),
                record.storage_location,
                record.document_id or "",
                " | ".join(entry.members),
                " | ".join(entry.checksums),
                " | ".join(entry.missing),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _listed_record_ids():
    return DisposalItem.objects.filter(
        disposal_list__status=DisposalStatus.PROPOSED, record__isnull=False
    ).values("record_id")


def disposable_records(on=None):
    """Return the records that may go on a disposal list on `on`.

    Past retention, not under a hold, and not already on a list awaiting
    approval.
    """
    on = on or clock.today()
    return (
        Record.objects.disposable(on)
        .exclude(pk__in=_listed_record_ids())
        .select_related("record_type", "document")
        .order_by("issued_on", "pk")
    )


def disposal_list_build(*, by, on=None, records=None):
    """Propose for disposal the records past retention (or those given).

    The archive of the listed records is built and stored first; the list
    cannot be approved without it. Raise ValidationError when there is
    nothing to dispose of or a given record is still kept or held.
    """
    on = on or clock.today()
    with transaction.atomic():
        candidates = disposable_records(on)
        if records is not None:
            wanted = [record.pk for record in records]
            chosen = list(candidates.filter(pk__in=wanted))
            if len(chosen) != len(set(wanted)):
                raise ValidationError(
                    _(
                        "Only records past their retention, not under a hold "
                        "and not already listed can be disposed of."
                    ),
                    code="not_disposable",
                )
        else:
            chosen = list(candidates)
        if not chosen:
            raise ValidationError(
                _("No record is past its retention."), code="nothing_to_dispose"
            )
        # Lock the rows: a hold set meanwhile waits for the list to exist.
        list(
            Record.objects.select_for_update()
            .filter(pk__in=[r.pk for r in chosen])
            .values_list("pk")
        )

        data, archived = build_archive(chosen)
        disposal = DisposalList(
            as_of=on,
            created_by=by,
            created_at=clock.now(),
            archive_checksum=hashlib.sha256(data).hexdigest(),
            archive_missing=[
                name for entry in archived.values() for name in entry.missing
            ],
        )
        disposal.archive.save(
            f"disposal-archive-{on:%Y%m%d}.zip", ContentFile(data), save=False
        )
        try:
            disposal.save()
            DisposalItem.objects.bulk_create(
                DisposalItem(
                    disposal_list=disposal,
                    record=record,
                    record_number=record.pk,
                    record_type=record.record_type.display_name,
                    title=record.title,
                    issued_on=record.issued_on,
                    retain_until=record.retain_until,
                    archived_files=archived[record.pk].members,
                )
                for record in chosen
            )
        except Exception:
            disposal.archive.delete(save=False)
            raise
    logger.info("Disposal list %s built with %s records", disposal.pk, len(chosen))
    return disposal


def _check_archive(disposal):
    """Raise ValidationError unless the stored archive is the one built."""
    try:
        with disposal.archive.open("rb") as handle:
            checksum = _sha256(handle)
            handle.seek(0)
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
    except (FileNotFoundError, OSError, ValueError, zipfile.BadZipFile):
        checksum, names = "", set()
    if checksum != disposal.archive_checksum or INDEX_NAME not in names:
        raise ValidationError(
            _(
                "The archive of this list is missing or damaged; cancel the "
                "list and build a new one."
            ),
            code="archive_missing",
        )


def _dispose_document(document, by):
    """Dispose of an issued document with its record, where the documents
    app allows it; return True when the document stays in that app."""
    from mitra.documents import services as documents

    dispose = getattr(documents, "issued_document_dispose", None)
    if dispose is None:
        return True
    dispose(document=document, by=by)
    return False


def skip_reason(record, on):
    """Return the `SkipReason` approving a disposal on `on` gives `record`,
    or "" when it is disposed of.

    A record put under a hold, or given a longer retention, since its list
    was built stays in the register; so does one no longer there.
    """
    if record is None:
        return SkipReason.GONE
    if record.on_hold:
        return SkipReason.HELD
    if record.is_retained(on):
        return SkipReason.RETAINED
    return ""


def _skip_text(reason, kept_until):
    if reason == SkipReason.RETAINED and kept_until:
        return gettext("kept until %(date)s") % {
            "date": date_format(kept_until, "DATE_FORMAT")
        }
    return str(SkipReason(reason).label) if reason else ""


@dataclass
class ListedRecord:
    """One record of a disposal list and what its approval does (or did).

    `skipped` says why the record is (or was) left in the register, "" when
    it is (or was) disposed of; both stay empty on a cancelled list.
    """

    item: DisposalItem
    disposed: bool = False
    skipped: str = ""


def disposal_list_items(disposal):
    """Return the `ListedRecord`s of `disposal`, in the list's order.

    Before approval each says whether its record would be skipped today;
    after it, which records were skipped and why, as recorded on approval.
    """
    items = list(disposal.items.select_related("record"))
    if disposal.status == DisposalStatus.PROPOSED:
        today = clock.today()
        listed = []
        for item in items:
            reason = skip_reason(item.record, today)
            kept_until = item.record.retain_until if item.record else None
            listed.append(ListedRecord(item, skipped=_skip_text(reason, kept_until)))
        return listed
    if disposal.status != DisposalStatus.DISPOSED:
        return [ListedRecord(item) for item in items]
    logged = set(disposal.log_entries.values_list("record_number", flat=True))
    return [
        ListedRecord(item, disposed=True)
        if item.record_number in logged
        else ListedRecord(
            item,
            skipped=_skip_text(item.skipped, item.kept_until)
            or gettext("reason not recorded"),
        )
        for item in items
    ]


def disposal_list_approve(*, disposal_list, by):
    """Approve `disposal_list` (the head): delete each listed record, log it.

    The stored archive is checked first. A record put under a hold or given
    a longer retention since the list was built is skipped and stays.
    Return the list.
    """
    _require_head(by, _("Only the head of the office approves a disposal."))
    files_to_delete = []
    with transaction.atomic():
        disposal = DisposalList.objects.select_for_update().get(pk=disposal_list.pk)
        if disposal.status != DisposalStatus.PROPOSED:
            raise ValidationError(
                _("This list was already decided."), code="already_decided"
            )
        _check_archive(disposal)
        now, today = clock.now(), clock.today()
        items = disposal.items.select_related("record__record_type")
        for item in items:
            record = (
                Record.objects.select_for_update(of=("self",))
                .select_related("document")
                .filter(pk=item.record_id)
                .first()
            )
            reason = skip_reason(record, today)
            if reason:
                # Kept with the list: the page says later why it stayed.
                item.skipped = reason
                if reason == SkipReason.RETAINED:
                    item.kept_until = record.retain_until
                item.save(update_fields=["skipped", "kept_until"])
                continue
            files_to_delete += [record.file.name] if record.file else []
            document = record.document
            log = DisposalLog(
                disposal_list=disposal,
                record_number=record.pk,
                record_type=item.record_type,
                title=record.title,
                issued_on=record.issued_on,
                retain_until=record.retain_until,
                storage_location=record.storage_location,
                file_name=record.original_name or (document.title if document else ""),
                checksum=record.checksum,
                document_number=record.document_id,
                disposed_at=now,
                disposed_by=by,
            )
            record._disposing = True
            record._history_user = by
            record.delete()
            if document is not None:
                log.document_kept = _dispose_document(document, by)
            log.save()
        disposal.status = DisposalStatus.DISPOSED
        disposal.decided_by = by
        disposal.decided_at = now
        disposal.save()
        transaction.on_commit(lambda: _delete_files(files_to_delete))
    logger.info("Disposal list %s approved", disposal.pk)
    return disposal


def _delete_files(names):
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("A disposed record's file could not be deleted.")


@transaction.atomic
def disposal_list_cancel(*, disposal_list, by, note=""):
    """Cancel a list awaiting approval; its records stay, its archive is kept."""
    disposal = DisposalList.objects.select_for_update().get(pk=disposal_list.pk)
    if disposal.status != DisposalStatus.PROPOSED:
        raise ValidationError(
            _("This list was already decided."), code="already_decided"
        )
    disposal.status = DisposalStatus.CANCELLED
    disposal.decided_by = by
    disposal.decided_at = clock.now()
    disposal.note = (note or "").strip()
    disposal.save()
    return disposal


# --- Policy documents ---------------------------------------------------------


def _policy_errors(*, title, covers, approved_on, review_due, is_published, file):
    errors = {}
    if not _clean_text(title, 300):
        errors["title"] = _("Give the document a title.")
    unknown = set(covers or []) - set(CoverageArea.values)
    if unknown:
        errors["covers"] = _("Unknown stage: %(names)s.") % {
            "names": ", ".join(sorted(unknown))
        }
    if approved_on and approved_on > clock.today():
        errors["approved_on"] = _("The approval date cannot be in the future.")
    if review_due and approved_on and review_due < approved_on:
        errors["review_due"] = _("The review falls before the approval.")
    if is_published and not approved_on:
        errors["is_published"] = _("Only an approved document can be published.")
    if file is not None:
        try:
            validate_policy_file(file)
        except ValidationError as error:
            errors["file"] = error.messages
    return errors


def _ordered_covers(covers):
    return [area for area in CoverageArea.values if area in set(covers or [])]


def policy_create(
    *,
    by,
    title,
    kind,
    file,
    covers=(),
    version="1",
    owner=None,
    approved_on=None,
    review_due=None,
    summary="",
    is_published=False,
    lineage=None,
):
    """Add a policy, procedure or form document to the library.

    `lineage` is given by `policy_new_version` only (the versions' family).
    """
    errors = _policy_errors(
        title=title,
        covers=covers,
        approved_on=approved_on,
        review_due=review_due,
        is_published=is_published,
        file=file,
    )
    if file is None:
        errors["file"] = _("Choose the document's file.")
    if errors:
        raise ValidationError(errors)
    policy = PolicyDocument(
        title=_clean_text(title, 300),
        kind=kind,
        covers=_ordered_covers(covers),
        version=_clean_text(version, 20) or "1",
        owner=owner,
        approved_on=approved_on,
        review_due=review_due,
        summary=(summary or "").strip(),
        original_name=PurePath(getattr(file, "name", "") or "document").name[-255:],
        is_published=is_published,
        lineage=lineage,
        created_by=by,
    )
    with transaction.atomic():
        policy.file.save(policy.original_name, file, save=False)
        policy._history_user = by
        try:
            policy.save()
        except Exception:
            policy.file.delete(save=False)
            raise
    return policy


#: What an approved document's text is: fixed once approved, changed only
#: by a new version (`policy_new_version`); its file is fixed too.
POLICY_FIXED_WHEN_APPROVED = ("title", "kind", "version", "covers", "approved_on")


def policy_fixed_fields(policy):
    """Return the fields of `policy` that no longer change (its approved text)."""
    if not policy.approved_on:
        return ()
    return (*POLICY_FIXED_WHEN_APPROVED, "file")


@transaction.atomic
def policy_update(
    *,
    policy,
    by,
    title,
    kind,
    covers=(),
    version=None,
    owner=None,
    approved_on=None,
    review_due=None,
    summary="",
    is_published=False,
    file=None,
):
    """Change a document's description, dates or publication.

    Once approved, its title, kind, version, coverage, approval date and
    file are fixed: an approved text changes through a new version
    (`policy_new_version`). Its owner, summary, review date (never before
    the approval) and publication still change. `version` None keeps it.
    """
    stored = PolicyDocument.objects.select_for_update().get(pk=policy.pk)
    version = stored.version if version is None else _clean_text(version, 20)
    errors = _policy_errors(
        title=title,
        covers=covers,
        approved_on=approved_on,
        review_due=review_due,
        is_published=is_published,
        file=file,
    )
    if not version:
        errors["version"] = _("Give the version's number.")
    if stored.approved_on:
        wanted = {
            "title": _clean_text(title, 300),
            "kind": kind,
            "version": version,
            "covers": _ordered_covers(covers),
            "approved_on": approved_on,
        }
        for name in POLICY_FIXED_WHEN_APPROVED:
            if wanted[name] != getattr(stored, name):
                errors[name] = _(
                    "Fixed once the document is approved: a new version changes it."
                )
        if file is not None:
            errors["file"] = _("An approved document changes through a new version.")
    newer = stored.superseded_by
    if is_published and newer is not None and newer.approved_on:
        errors["is_published"] = _("A superseded version is not published.")
    if errors:
        raise ValidationError(errors)
    stored.title = _clean_text(title, 300)
    stored.kind = kind
    stored.version = version
    stored.covers = _ordered_covers(covers)
    stored.owner = owner
    stored.approved_on = approved_on
    stored.review_due = review_due
    stored.summary = (summary or "").strip()
    stored.is_published = is_published
    if file is not None:
        stored.original_name = PurePath(getattr(file, "name", "") or "doc").name
        stored.file.save(stored.original_name[-255:], file, save=False)
    stored._history_user = by
    stored.save()
    return stored


@transaction.atomic
def policy_new_version(
    *,
    policy,
    by,
    version,
    file,
    title=None,
    approved_on=None,
    review_due=None,
    summary=None,
):
    """Issue a new version of `policy`; the old one is superseded, kept and
    readable. The new version keeps the kind, coverage, owner and
    publication of the old, and its title unless `title` gives a new one;
    it cannot be approved before the version it replaces."""
    policy = PolicyDocument.objects.select_for_update().get(pk=policy.pk)
    if policy.superseded_by_id:
        raise ValidationError(
            _("This version is already superseded: start from the newest one."),
            code="superseded",
        )
    version = _clean_text(version, 20)
    errors = {} if version else {"version": _("Give the new version's number.")}
    if version and version == policy.version:
        errors["version"] = _("The new version needs a number of its own.")
    if file is None:
        errors["file"] = _("Choose the new version's file.")
    if approved_on and policy.approved_on and approved_on < policy.approved_on:
        errors["approved_on"] = _(
            "The new version cannot be approved before the version it "
            "replaces (%(date)s)."
        ) % {"date": date_format(policy.approved_on, "DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    new = policy_create(
        by=by,
        title=policy.title if title is None else title,
        kind=policy.kind,
        file=file,
        covers=policy.covers,
        version=version,
        owner=policy.owner,
        approved_on=approved_on,
        review_due=review_due,
        summary=policy.summary if summary is None else summary,
        is_published=policy.is_published and approved_on is not None,
        lineage=policy.lineage,
    )
    policy.superseded_by = new
    policy.is_published = False if new.is_published else policy.is_published
    policy._history_user = by
    policy._change_reason = "superseded"
    policy.save()
    return new


@transaction.atomic
def policy_delete(*, policy, by):
    """Delete a document never approved (an approved one is superseded)."""
    if policy.approved_on or policy.supersedes.exists():
        raise ValidationError(
            _("An approved document is kept; issue a new version instead."),
            code="approved",
        )
    policy._history_user = by
    policy.delete()


__all__ = [
    "RecordProtected",
    "disposable_records",
    "disposal_list_approve",
    "disposal_list_build",
    "disposal_list_cancel",
    "disposal_list_items",
    "legal_hold_clear",
    "legal_hold_set",
    "policy_create",
    "policy_delete",
    "policy_fixed_fields",
    "policy_new_version",
    "policy_update",
    "record_delete",
    "record_register",
    "record_type_update",
    "register_issued_document",
    "skip_reason",
]
