"""Writes on the organisation tree and on staff accounts.

Units: loading the tree from a CSV, creating, editing, deactivating.
Accounts: creating, editing, deactivating (never deleting, so what a person
did stays theirs), and inviting new staff by email. An *invitation* is a
one-time link that lets a new user set their first password; only a hash
of its random token is stored, and it expires after
`settings.MITRA_INVITATION_DAYS`.
"""

import csv
import datetime
import hashlib
import io
import logging
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mitra.core import clock
from mitra.core.models import Invitation, Role, Unit, UnitKind, User
from mitra.core.notifications import absolute_url, queue_email

logger = logging.getLogger(__name__)

UNIT_COLUMNS = ("code", "name", "kind", "parent", "level", "aliases")


def units_import(*, text):
    """Create or update units from CSV text shaped like units-contoh.csv.

    Columns: code, name, kind (institution | jurusan | prodi | unit), parent
    (a code, in the file or already stored), level, aliases (|-separated).
    Every row is checked before anything is written; one bad row rejects the
    file with each problem named. Return (created, updated) counts.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [
        name
        for name in ("code", "name", "kind")
        if name not in (reader.fieldnames or [])
    ]
    if missing:
        raise ValidationError(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    rows, errors = [], []
    for line, row in enumerate(reader, start=2):
        row = {key: (value or "").strip() for key, value in row.items() if key}
        if not any(row.values()):
            continue
        if not row["code"] or not row["name"]:
            errors.append(
                _("Line %(line)s: code and name are required.") % {"line": line}
            )
        if row["kind"] not in UnitKind.values:
            errors.append(
                _("Line %(line)s: unknown kind %(kind)s.")
                % {"line": line, "kind": row["kind"]}
            )
        for name in ("code", "name", "level"):
            limit = Unit._meta.get_field(name).max_length
            if len(row.get(name, "")) > limit:
                errors.append(
                    _("Line %(line)s: %(column)s is longer than %(limit)s characters.")
                    % {"line": line, "column": name, "limit": limit}
                )
        if row["code"] and row.get("parent") == row["code"]:
            errors.append(
                _("Line %(line)s: a unit cannot be its own parent.") % {"line": line}
            )
        rows.append((line, row))

    codes = {row["code"] for _line, row in rows}
    stored = set(Unit.objects.values_list("code", flat=True))
    for line, row in rows:
        parent = row.get("parent", "")
        if parent and parent not in codes | stored:
            errors.append(
                _("Line %(line)s: unknown parent %(parent)s.")
                % {"line": line, "parent": parent}
            )
    if errors:
        raise ValidationError(errors)

    created = updated = 0
    with transaction.atomic():
        by_code = {}
        for _line, row in rows:
            unit, was_created = Unit.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "level": row.get("level", ""),
                    "aliases": [
                        alias.strip()
                        for alias in row.get("aliases", "").split("|")
                        if alias.strip()
                    ],
                },
            )
            by_code[unit.code] = unit
            created += was_created
            updated += not was_created
        for _line, row in rows:
            parent_code = row.get("parent", "")
            parent = (
                by_code.get(parent_code) or Unit.objects.get(code=parent_code)
                if parent_code
                else None
            )
            unit = by_code[row["code"]]
            if unit.parent_id != (parent.pk if parent else None):
                unit.parent = parent
                unit.save(update_fields=["parent", "updated_at"])
    logger.info("Units imported: %s created, %s updated", created, updated)
    return created, updated


# --- Units -------------------------------------------------------------------

UNIT_FIELDS = ("code", "name", "kind", "parent", "level", "aliases")


def _unit_check(unit):
    """Raise ValidationError when `unit` would break the tree's shape."""
    parent = unit.parent
    if (
        parent is not None
        and unit.pk is not None
        and parent.pk in unit.descendant_ids()
    ):
        raise ValidationError(
            {"parent": _("A unit cannot be placed under itself or one below it.")}
        )
    if unit.kind == UnitKind.PRODI and (
        parent is None or parent.kind != UnitKind.JURUSAN
    ):
        raise ValidationError(
            {"parent": _("A study programme (prodi) belongs under a jurusan.")}
        )
    if unit.kind != UnitKind.PRODI and unit.level:
        raise ValidationError({"level": _("Only a study programme has a level.")})


def _unit_save(unit, *, by, reason=""):
    unit.full_clean()
    _unit_check(unit)
    unit._history_user = by
    if reason:
        unit._change_reason = reason
    unit.save()
    return unit


def unit_create(*, by, code, name, kind, parent=None, level="", aliases=()):
    """Create a unit of the tree and return it."""
    unit = Unit(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        level=level,
        aliases=list(aliases),
    )
    return _unit_save(unit, by=by)


def unit_update(*, unit, by, **changes):
    """Change a unit's code, name, kind, parent, level or aliases."""
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update() got unexpected fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(unit, name, list(value) if name == "aliases" else value)
    return _unit_save(unit, by=by)


def unit_deactivate(*, unit, by):
    """Mark a unit inactive; its records and members keep pointing to it.

    Refused while an active unit still sits below it, so the tree never
    hangs active units under an inactive one.
    """
    children = list(unit.children.filter(is_active=True).order_by("code"))
    if children:
        raise ValidationError(
            _("Deactivate the units below it first: %(units)s.")
            % {"units": ", ".join(child.code for child in children)}
        )
    if unit.is_active:
        unit.is_active = False
        _unit_save(unit, by=by, reason=_("Deactivated"))
    return unit


def unit_reactivate(*, unit, by):
    """Make an inactive unit active again (its parent must be active)."""
    if unit.parent is not None and not unit.parent.is_active:
        raise ValidationError(
            _("Reactivate the unit above it first: %(unit)s.")
            % {"unit": unit.parent.code}
        )
    if not unit.is_active:
        unit.is_active = True
        _unit_save(unit, by=by, reason=_("Reactivated"))
    return unit


# --- Accounts ------------------------------------------------------------------

USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "role",
    "position",
    "phone",
    "is_active",
)


class InvitationGone(Exception):
    """The invitation was used, has expired or was replaced by a newer one."""


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_status(invitation, now=None):
    """Return "used", "expired" (also when replaced) or "pending"."""
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= (now or clock.now()):
        return "expired"
    return "pending"


def invitation_find(token):
    """Return the invitation a link's token belongs to, or None.

    Only the hash is stored, so a forged or mistyped token simply matches
    nothing.
    """
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("user", "created_by")
        .filter(token_hash=_hash_token(token))
        .first()
    )


def _invitations_revoke(user, now):
    """Make every still-valid link of `user` stop working (it answers 410)."""
    return Invitation.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def _check_email(email, *, exclude=None):
    taken = User.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(
            {"email": _("Another account already uses this email address.")}
        )


def _units_reason(before, after):
    """Describe a change of units for the history, by unit code."""
    if before == after:
        return ""
    return _("Units: %(old)s → %(new)s") % {
        "old": ", ".join(sorted(before)) or "—",
        "new": ", ".join(sorted(after)) or "—",
    }


@transaction.atomic
def user_create(
    *,
    by,
    email,
    role,
    units=(),
    username="",
    first_name="",
    last_name="",
    position="",
    phone="",
    reason="",
):
    """Create a staff account without a usable password and return it.

    The person sets a password through an invitation
    (`invitation_send`). The username defaults to the email address.
    """
    email = User.objects.normalize_email(email.strip())
    username = (username or email).strip()
    _check_email(email)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("Another account already uses this username.")}
        )
    user = User(
        username=username,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        position=position,
        phone=phone,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._history_user = by
    user._change_reason = " · ".join(
        part
        for part in (reason, _units_reason(set(), {unit.code for unit in units}))
        if part
    )
    user.save()
    user.units.set(units)
    logger.info("Account %s created by %s", user.pk, by.pk)
    return user


def invitation_send(*, user, by, base_url=""):
    """Email `user` a new link to set their password; revoke older links.

    `base_url` is the site's address the link starts with (e.g.
    ``https://mitra.example.ac.id``; by default `MITRA_BASE_URL`). Refused
    for a deactivated account and for one that already has a password
    (that person uses "forgot password"). Return the new Invitation.
    """
    if not user.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it first."))
    if user.has_usable_password():
        raise ValidationError(
            _(
                "This person has already set a password; if it is lost, they "
                "can ask for a reset link on the log-in page."
            )
        )
    if not user.email:
        raise ValidationError(_("This account has no email address."))

    now = clock.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        _invitations_revoke(user, now)
        invitation = Invitation.objects.create(
            user=user,
            token_hash=_hash_token(token),
            created_by=by,
            expires_at=now + datetime.timedelta(days=settings.MITRA_INVITATION_DAYS),
        )
        path = reverse("invitation_accept", args=[token])
        link = base_url.rstrip("/") + path if base_url else absolute_url(path)
        _invitation_email(invitation, link)
    logger.info("Invitation %s sent to account %s", invitation.pk, user.pk)
    return invitation


def _invitation_email(invitation, link):
    # The invitee's language is not known yet: write in the site's own.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": invitation.user,
            "invited_by": invitation.created_by,
            "link": link,
            "expires_at": invitation.expires_at,
            "institution_name": settings.MITRA_INSTITUTION_NAME,
        }
        subject = _("Your Mitra account: set your password")
        body = render_to_string("core/invitation_email.txt", context)
    queue_email(
        to=invitation.user.email,
        subject=str(subject),
        body=body,
        dedupe_key=f"invitation:{invitation.pk}",
    )


def user_invite(
    *,
    email,
    role,
    units,
    by,
    base_url="",
    username="",
    first_name="",
    last_name="",
    position="",
    phone="",
):
    """Create an account for a new member of staff and email them an
    invitation link to set their password. Return the Invitation."""
    with transaction.atomic():
        user = user_create(
            by=by,
            email=email,
            role=role,
            units=units,
            username=username,
            first_name=first_name,
            last_name=last_name,
            position=position,
            phone=phone,
            reason=_("Invited by email"),
        )
        return invitation_send(user=user, by=by, base_url=base_url)


def invitation_accept(*, invitation, password):
    """Set the invitee's password once; raise InvitationGone afterwards.

    The password is checked against the configured validators (raising
    ValidationError). Return the user.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("user")
            .get(pk=invitation.pk)
        )
        user = invitation.user
        if invitation_status(invitation) != "pending" or not user.is_active:
            raise InvitationGone
        validate_password(password, user)
        now = clock.now()
        user.set_password(password)
        user._history_user = user
        user._change_reason = _("Password set through the invitation")
        user.save(update_fields=["password"])
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        _invitations_revoke(user, now)
    logger.info("Invitation %s used", invitation.pk)
    return user


def _refuse_own(user, by, changes):
    if user.pk != by.pk:
        return
    if "role" in changes and changes["role"] != user.role:
        raise ValidationError({"role": _("You cannot change your own role.")})
    if changes.get("is_active") is False:
        raise ValidationError(
            {"is_active": _("You cannot deactivate your own account.")}
        )


@transaction.atomic
def user_update(*, user, by, units=None, **changes):
    """Change an account's details, role, units or active flag.

    Deactivating keeps every record and history entry of the person; it
    blocks their log-in and revokes their pending invitation. A user
    cannot change their own role or deactivate themselves.
    """
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"user_update() got unexpected fields: {sorted(unknown)}")
    if "role" in changes and changes["role"] not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _refuse_own(user, by, changes)
    if "email" in changes:
        changes["email"] = User.objects.normalize_email(changes["email"].strip())
        _check_email(changes["email"], exclude=user)

    reasons = []
    was_active = user.is_active
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, changes[name])
    if was_active != user.is_active:
        reasons.append(_("Deactivated") if was_active else _("Reactivated"))
    if units is not None:
        before = {unit.code for unit in user.units.all()}
        after = {unit.code for unit in units}
        if before != after:
            reasons.append(_units_reason(before, after))
    if not changed and not reasons:
        return user

    user.full_clean(exclude=["password"])
    user._history_user = by
    user._change_reason = " · ".join(reasons)
    user.save()
    if units is not None:
        user.units.set(units)
    if was_active and not user.is_active:
        _invitations_revoke(user, clock.now())
    logger.info("Account %s changed by %s", user.pk, by.pk)
    return user


def user_deactivate(*, user, by):
    """Deactivate an account: its history stays, its log-in stops."""
    return user_update(user=user, by=by, is_active=False)


def user_reactivate(*, user, by):
    """Let a deactivated account log in again."""
    return user_update(user=user, by=by, is_active=True)
