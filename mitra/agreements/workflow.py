"""The way of an agreement from draft to signature, and on to renewal,
amendment or termination.

1. *Drafting* (`mitra.agreements.drafting`): versions of the draft.
2. *Internal review*: the head names reviewers (legal, the unit's head,
   leadership, anyone on the staff); they act step by step on the current
   version, each approving, asking for changes (with a comment) or
   rejecting. Two reviewers acting at once take turns on the review's row
   lock; the one whose step has moved on is told so and nothing of theirs
   is stored.
3. *Negotiation*: the partner's contact gets a link that needs no account
   (`PartnerLink`) to read the current version, comment, send a
   counter-version and approve.
4. *Signing*: the final version is locked, then the signature recorded;
   our number is issued by the numbering service in the same transaction
   (never before, never twice), the signed scan stored, and the proposer,
   the units and the partner told.
5. *Renewal, addendum, termination* of an agreement in force.

Each step is an `AgreementEvent` on the agreement's timeline; the event's
`stage` moves the agreement across the pipeline board. Functions take
keyword arguments, run in one transaction and raise ValidationError with a
message for the person acting; nothing is stored then.
"""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mitra.agreements import services
from mitra.agreements.drafting import (
    _read_draft_file,
    _version_create,
    check_open_for_versions,
    current_version,
    final_version,
    lock_agreement,
)
from mitra.agreements.models import (
    PRE_SIGNING,
    SIGNED_STATUSES,
    AgreementEvent,
    AgreementFile,
    Amendment,
    ClauseChoice,
    Decision,
    DocumentType,
    EventKind,
    FileKind,
    PartnerLink,
    ReviewAssignment,
    ReviewerCapacity,
    ReviewOutcome,
    ReviewRound,
    Stage,
    Status,
    Validity,
    VersionSource,
)
from mitra.core import clock
from mitra.core.models import Role, User
from mitra.core.notifications import absolute_url, language_of, notify, queue_email
from mitra.core.validators import validate_pdf

logger = logging.getLogger(__name__)

#: Steps of a review in turn: legal first, leadership last.
REVIEW_ORDER = {
    ReviewerCapacity.LEGAL: 1,
    ReviewerCapacity.UNIT_HEAD: 2,
    ReviewerCapacity.OTHER: 3,
    ReviewerCapacity.LEADERSHIP: 4,
}
#: Longest comment a partner may send through its link.
MAX_COMMENT = 5000


class ReviewMovedOn(ValidationError):
    """The reviewer's step ended (or was never theirs) before they acted."""


class LinkGone(Exception):
    """A partner's link was used, revoked or has expired (`state` says which)."""

    def __init__(self, state):
        super().__init__(state)
        self.state = state


# --- The timeline ------------------------------------------------------------


def record_event(
    agreement,
    kind,
    *,
    by=None,
    actor_name="",
    stage="",
    text="",
    version=None,
    related=None,
    shared=False,
):
    """Add one entry to `agreement`'s timeline and return it."""
    return AgreementEvent.objects.create(
        agreement=agreement,
        kind=kind,
        stage=stage,
        at=clock.now(),
        actor=by if getattr(by, "pk", None) else None,
        actor_name=actor_name[:200],
        text=text,
        version=version,
        related=related,
        shared=shared,
    )


def _stage_of_status(agreement):
    return Stage.NEGOTIATION if agreement.status == Status.NEGOTIATION else Stage.DRAFT


# --- Telling people ----------------------------------------------------------


def _label(agreement):
    return (
        f"{agreement.get_document_type_display()} {agreement.number or agreement.title}"
    )


def _tell(users, agreement, title, body="", *, key=""):
    """Notify each active user once, in their own language.

    `title` (and `body`, when it is a lazy message rather than someone's
    text) may use %(document)s and %(partner)s.
    """
    seen = set()
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(language_of(user)):
            values = {"document": _label(agreement), "partner": agreement.partner.name}
            notify(
                user=user,
                title=str(title) % values,
                body=str(body) % values if isinstance(body, Promise) else body,
                subject=agreement,
                dedupe_key=f"{key}:{user.pk}" if key else "",
            )


def _office_people(agreement, *extra):
    """Whoever follows the agreement for the office, else the whole office."""
    people = [
        person
        for person in (agreement.responsible_user, agreement.created_by, *extra)
        if person is not None and person.is_active
    ]
    if not any(person.role in (Role.OFFICE, Role.HEAD) for person in people):
        people += list(
            User.objects.filter(is_active=True, role__in=(Role.OFFICE, Role.HEAD))
        )
    return people


def _unit_members(agreement):
    return list(
        User.objects.filter(is_active=True, units__in=agreement.units.all()).distinct()
    )


def _proposers(agreement):
    """Return (users, [(email, name)]) who proposed the cooperation.

    Read through the proposals app's link to the draft it became
    (`Proposal.agreement`), when that app provides it.
    """
    related = getattr(agreement, "proposals", None)
    if related is None:
        return [], []
    users, outsiders = [], []
    for proposal in related.all():
        user = getattr(proposal, "created_by", None)
        email = getattr(proposal, "proposer_email", "")
        if user is not None and user.is_active:
            users.append(user)
        elif email:
            outsiders.append((email, getattr(proposal, "proposer_name", "")))
    return users, outsiders


# --- Internal review ---------------------------------------------------------


def _steps(reviewers, in_turn):
    """Return (user, capacity, step) with steps numbered 1, 2, … without gaps."""
    if not in_turn:
        return [(user, capacity, 1) for user, capacity in reviewers]
    orders = sorted({REVIEW_ORDER[capacity] for _user, capacity in reviewers})
    step_of = {order: index for index, order in enumerate(orders, start=1)}
    return [
        (user, capacity, step_of[REVIEW_ORDER[capacity]])
        for user, capacity in reviewers
    ]


def review_start(*, agreement, by, reviewers, in_turn=True, note=""):
    """Send the current version of the draft to reviewers; return the round.

    `reviewers` is a list of (user, ReviewerCapacity). With `in_turn` the
    reviewers act in the order legal, unit head, others, leadership (those
    of one capacity together); otherwise all at once.
    """
    reviewers = [(user, capacity) for user, capacity in reviewers if user is not None]
    if not reviewers:
        raise ValidationError({"reviewers": [_("Name at least one reviewer.")]})
    if len({user.pk for user, _capacity in reviewers}) != len(reviewers):
        raise ValidationError({"reviewers": [_("Each reviewer is named once.")]})
    inactive = [str(user) for user, _capacity in reviewers if not user.is_active]
    if inactive:
        raise ValidationError(
            {
                "reviewers": [
                    _("%(names)s cannot review: the account is deactivated.")
                    % {"names": ", ".join(inactive)}
                ]
            }
        )

    with transaction.atomic():
        agreement = lock_agreement(agreement)
        check_open_for_versions(agreement)
        version = current_version(agreement)
        if version is None:
            raise ValidationError(
                _("There is no draft to review yet: generate or upload a version."),
                code="no_version",
            )
        now = clock.now()
        review = ReviewRound.objects.create(
            agreement=agreement,
            version=version,
            note=(note or "").strip(),
            assigned_by=by,
            started_at=now,
        )
        for user, capacity, step in _steps(reviewers, in_turn):
            ReviewAssignment.objects.create(
                review=review,
                reviewer=user,
                capacity=capacity,
                step=step,
                activated_at=now if step == 1 else None,
            )
        names = ", ".join(str(user) for user, _capacity in reviewers)
        record_event(
            agreement,
            EventKind.REVIEW_STARTED,
            by=by,
            stage=Stage.REVIEW,
            text=names,
            version=version,
        )
        _tell_reviewers(review, step=1)
    logger.info("Review %s of agreement %s started", review.pk, agreement.pk)
    return review


def _tell_reviewers(review, *, step):
    reviewers = [
        assignment.reviewer
        for assignment in review.assignments.filter(step=step).select_related(
            "reviewer"
        )
    ]
    _tell(
        reviewers,
        review.agreement,
        _("Please review the draft of %(document)s with %(partner)s"),
        _("Approve it, request changes or reject it on the agreement's workflow page."),
        key=f"agreements.review_request:{review.pk}:{step}",
    )


def _moved_on_message(review, mine):
    if mine.decision != Decision.PENDING and mine.decision != Decision.SKIPPED:
        return _(
            "You have already decided on this review (%(decision)s); nothing "
            "more was saved."
        ) % {"decision": mine.get_decision_display()}
    if review.outcome != ReviewOutcome.OPEN:
        closer = (
            review.assignments.exclude(
                decision__in=(Decision.PENDING, Decision.SKIPPED)
            )
            .select_related("reviewer")
            .order_by("-decided_at", "-pk")
            .first()
        )
        if review.outcome == ReviewOutcome.WITHDRAWN or closer is None:
            return _(
                "This review has moved on: it was %(outcome)s while you were "
                "deciding. Your decision was not saved."
            ) % {"outcome": review.get_outcome_display().lower()}
        return _(
            "This review has moved on: %(who)s decided “%(decision)s” while you "
            "were deciding, which ended the review. Your decision was not saved."
        ) % {"who": closer.reviewer, "decision": closer.get_decision_display()}
    return _(
        "It is not your turn yet: the reviewers of step %(step)s decide first. "
        "Your decision was not saved."
    ) % {"step": review.current_step}


def review_decide(*, assignment, by, decision, comment=""):
    """Record a reviewer's decision on their step and move the review on.

    A request for changes and a rejection need a comment, and end the
    review; the last approval of the last step approves it and the draft
    goes to negotiation. Raise ReviewMovedOn when the step is no longer
    the reviewer's to decide.
    """
    comment = (comment or "").strip()
    if decision not in (
        Decision.APPROVED,
        Decision.CHANGES_REQUESTED,
        Decision.REJECTED,
    ):
        raise ValidationError({"decision": [_("Choose a decision.")]})
    if decision != Decision.APPROVED and not comment:
        raise ValidationError(
            {
                "comment": [
                    _(
                        "Write a comment: say what should change, or why the "
                        "draft is rejected."
                    )
                ]
            }
        )

    with transaction.atomic():
        review = (
            ReviewRound.objects.select_for_update()
            .select_related("agreement__partner", "version")
            .get(pk=assignment.review_id)
        )
        mine = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if mine.reviewer_id != getattr(by, "pk", None):
            raise PermissionDenied
        if (
            review.outcome != ReviewOutcome.OPEN
            or mine.decision != Decision.PENDING
            or mine.step != review.current_step
        ):
            raise ReviewMovedOn(_moved_on_message(review, mine), code="moved_on")

        now = clock.now()
        mine.decision, mine.comment, mine.decided_at = decision, comment, now
        mine.save(update_fields=["decision", "comment", "decided_at"])
        agreement = review.agreement
        record_event(
            agreement,
            EventKind.REVIEW_DECISION,
            by=by,
            text=f"{mine.get_decision_display()}: {comment}".rstrip(": "),
            version=review.version,
        )
        if decision == Decision.APPROVED:
            _after_approval(review, by, now)
        else:
            _close(review, decision, by, now)
    assignment.refresh_from_db()
    return review


def _after_approval(review, by, now):
    waiting = review.assignments.filter(
        step=review.current_step, decision=Decision.PENDING
    )
    if waiting.exists():
        return
    later = (
        review.assignments.filter(step__gt=review.current_step).order_by("step").first()
    )
    if later is not None:
        review.current_step = later.step
        review.save(update_fields=["current_step"])
        review.assignments.filter(step=later.step).update(activated_at=now)
        _tell_reviewers(review, step=later.step)
        return

    review.outcome, review.closed_at = ReviewOutcome.APPROVED, now
    review.save(update_fields=["outcome", "closed_at"])
    agreement = review.agreement
    if agreement.status == Status.DRAFT:
        services.agreement_update(
            agreement=agreement, by=by, check_units=False, status=Status.NEGOTIATION
        )
    record_event(
        agreement,
        EventKind.REVIEW_APPROVED,
        by=by,
        stage=Stage.NEGOTIATION,
        version=review.version,
    )
    _tell(
        _office_people(agreement, review.assigned_by),
        agreement,
        _("The draft of %(document)s with %(partner)s was approved in review"),
        _("It can now be sent to the partner."),
        key=f"agreements.review_done:{review.pk}",
    )


def _close(review, decision, by, now):
    outcome = (
        ReviewOutcome.CHANGES_REQUESTED
        if decision == Decision.CHANGES_REQUESTED
        else ReviewOutcome.REJECTED
    )
    review.outcome, review.closed_at = outcome, now
    review.save(update_fields=["outcome", "closed_at"])
    review.assignments.filter(decision=Decision.PENDING).update(
        decision=Decision.SKIPPED
    )
    agreement = review.agreement
    kind = (
        EventKind.REVIEW_CHANGES
        if outcome == ReviewOutcome.CHANGES_REQUESTED
        else EventKind.REVIEW_REJECTED
    )
    record_event(
        agreement,
        kind,
        by=by,
        stage=_stage_of_status(agreement),
        version=review.version,
    )
    title = (
        _("Changes were requested on the draft of %(document)s with %(partner)s")
        if outcome == ReviewOutcome.CHANGES_REQUESTED
        else _("The draft of %(document)s with %(partner)s was rejected in review")
    )
    _tell(
        _office_people(agreement, review.assigned_by),
        agreement,
        title,
        _("See the reviewer's comment on the agreement's workflow page."),
        key=f"agreements.review_done:{review.pk}",
    )


def review_withdraw(*, review, by, reason=""):
    """Withdraw an open review (the draft is to change first)."""
    with transaction.atomic():
        review = (
            ReviewRound.objects.select_for_update()
            .select_related("agreement")
            .get(pk=review.pk)
        )
        if review.outcome != ReviewOutcome.OPEN:
            raise ValidationError(
                _("This review has already ended."), code="review_closed"
            )
        now = clock.now()
        review.outcome, review.closed_at = ReviewOutcome.WITHDRAWN, now
        review.save(update_fields=["outcome", "closed_at"])
        review.assignments.filter(decision=Decision.PENDING).update(
            decision=Decision.SKIPPED
        )
        record_event(
            review.agreement,
            EventKind.REVIEW_WITHDRAWN,
            by=by,
            stage=_stage_of_status(review.agreement),
            text=(reason or "").strip(),
        )
    return review


def pending_assignments(user):
    """Return the review steps waiting for `user` now."""
    return ReviewAssignment.objects.filter(
        reviewer=user,
        decision=Decision.PENDING,
        review__outcome=ReviewOutcome.OPEN,
        activated_at__isnull=False,
    )


# --- Negotiation through the partner's link ----------------------------------


def token_hash(token):
    """Return the hash a link's token is stored as."""
    return hashlib.sha256(token.encode()).hexdigest()


def partner_link_url(token, base_url=""):
    path = reverse("agreements:partner", args=[token])
    return base_url.rstrip("/") + path if base_url else absolute_url(path)


def partner_link_send(*, agreement, by, contact=None, base_url=""):
    """Give the partner's contact a new link to the draft; return (link, url).

    Earlier links of the agreement stop working. The link is emailed to the
    contact (when they have an address) and returned so the office can
    pass it on another way; only its hash is kept.
    """
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        contact = contact or agreement.partner_contact
        if contact is None:
            raise ValidationError(
                {"contact": [_("Choose the partner's contact who receives the link.")]}
            )
        if contact.partner_id != agreement.partner_id:
            raise ValidationError(
                {"contact": [_("The contact must belong to the agreement's partner.")]}
            )
        if agreement.status not in PRE_SIGNING:
            raise ValidationError(
                _("The agreement is signed: there is nothing left to negotiate."),
                code="signed",
            )
        if current_version(agreement) is None:
            raise ValidationError(
                _("There is no draft to send yet: generate or upload a version."),
                code="no_version",
            )
        if agreement.reviews.filter(outcome=ReviewOutcome.OPEN).exists():
            raise ValidationError(
                _("The draft is still in internal review."), code="in_review"
            )

        now = clock.now()
        PartnerLink.objects.filter(agreement=agreement).live(now).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        link = PartnerLink.objects.create(
            agreement=agreement,
            contact=contact,
            token_hash=token_hash(token),
            created_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.MITRA_PARTNER_LINK_DAYS),
        )
        if agreement.status == Status.DRAFT:
            services.agreement_update(
                agreement=agreement,
                by=by,
                check_units=False,
                status=Status.NEGOTIATION,
            )
        record_event(
            agreement,
            EventKind.LINK_SENT,
            by=by,
            stage=Stage.NEGOTIATION,
            text=str(contact),
        )
        url = partner_link_url(token, base_url)
        if contact.email:
            _email_link(link, url)
    logger.info("Partner link %s sent for agreement %s", link.pk, agreement.pk)
    return link, url


def _email_link(link, url):
    agreement = link.agreement
    with translation.override(language_of(link.contact)):
        subject = gettext("Draft agreement for your review: %(title)s") % {
            "title": agreement.title
        }
        body = render_to_string(
            "agreements/workflow/email_partner_link.txt",
            {
                "agreement": agreement,
                "contact": link.contact,
                "link": url,
                "expires_on": date_format(
                    timezone.localtime(link.expires_at), "DATE_FORMAT"
                ),
                "institution_name": settings.MITRA_INSTITUTION_NAME,
            },
        )
    queue_email(
        to=link.contact.email,
        subject=subject,
        body=body,
        dedupe_key=f"agreements.partner_link:{link.pk}",
    )


def partner_link_revoke(*, link, by):
    """Make a partner's link stop working at once."""
    with transaction.atomic():
        link = PartnerLink.objects.select_for_update().get(pk=link.pk)
        if link.state(clock.now()) != "live":
            return link
        link.revoked_at = clock.now()
        link.save(update_fields=["revoked_at"])
        record_event(
            link.agreement, EventKind.LINK_REVOKED, by=by, text=str(link.contact)
        )
    return link


def partner_link_find(token):
    """Return the link a token belongs to, or None (forged or mistyped).

    Only hashes are stored, so a wrong token matches nothing and tells
    nothing.
    """
    if not token or len(token) > 200:
        return None
    return (
        PartnerLink.objects.select_related("agreement__partner", "contact")
        .filter(token_hash=token_hash(token))
        .first()
    )


def partner_link_opened(link):
    """Note when the partner last opened the link."""
    PartnerLink.objects.filter(pk=link.pk).update(last_opened_at=clock.now())


def _live(link):
    """Lock `link` and return it fresh, or raise LinkGone."""
    link = (
        PartnerLink.objects.select_for_update()
        .select_related("agreement__partner", "contact")
        .get(pk=link.pk)
    )
    state = link.state(clock.now())
    if state != "live":
        raise LinkGone(state)
    return link


def partner_comment(*, link, text):
    """Record the partner's comment on the draft and tell the office."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write your comment.")]})
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {
                "text": [
                    _("The comment is too long: at most %(count)s characters.")
                    % {"count": MAX_COMMENT}
                ]
            }
        )
    with transaction.atomic():
        link = _live(link)
        agreement = lock_agreement(link.agreement)
        event = record_event(
            agreement,
            EventKind.PARTNER_COMMENT,
            actor_name=link.contact.name,
            text=text,
            version=current_version(agreement),
            shared=True,
        )
        _tell(
            _office_people(agreement, link.created_by),
            agreement,
            _("%(partner)s commented on the draft of %(document)s"),
            text[:500],
        )
    return event


def partner_counter_version(*, link, file, note=""):
    """Store the partner's own version of the draft (DOCX or PDF)."""
    data, kind = _read_draft_file(file)
    with transaction.atomic():
        link = _live(link)
        agreement = lock_agreement(link.agreement)
        try:
            check_open_for_versions(agreement)
        except ValidationError as error:
            raise ValidationError(
                {
                    "file": [
                        _(
                            "A new version cannot be received at the moment: the "
                            "draft is being finalised by the institution. Please "
                            "send a comment instead."
                        )
                    ]
                }
            ) from error
        version = _version_create(
            agreement,
            source=VersionSource.PARTNER,
            data=data,
            kind=kind,
            note=note,
            author_name=link.contact.name,
            name=getattr(file, "name", ""),
        )
        record_event(
            agreement,
            EventKind.PARTNER_VERSION,
            actor_name=link.contact.name,
            text=version.note,
            version=version,
            shared=True,
        )
        _tell(
            _office_people(agreement, link.created_by),
            agreement,
            _("%(partner)s sent a counter-version of %(document)s"),
        )
    return version


def partner_approve(*, link, version_number):
    """Record the partner's approval of the version they read; the link is
    then used up.

    `version_number` is the version shown to the partner: a newer one added
    meanwhile must be read first.
    """
    with transaction.atomic():
        link = _live(link)
        agreement = lock_agreement(link.agreement)
        version = current_version(agreement)
        if version is None or version.number != version_number:
            raise ValidationError(
                _(
                    "A newer version of the draft was added while you were "
                    "reading. Please read it before approving."
                ),
                code="newer_version",
            )
        if version.source == VersionSource.PARTNER:
            raise ValidationError(
                _(
                    "This is your own counter-version: the institution answers "
                    "it first."
                ),
                code="own_version",
            )
        now = clock.now()
        version.partner_approved_at = now
        version.save(update_fields=["partner_approved_at"])
        link.used_at = now
        link.save(update_fields=["used_at"])
        record_event(
            agreement,
            EventKind.PARTNER_APPROVED,
            actor_name=link.contact.name,
            text=f"v{version.number}",
            version=version,
            shared=True,
        )
        _tell(
            _office_people(agreement, link.created_by),
            agreement,
            _("%(partner)s approved the draft of %(document)s"),
            _("The final version can now be locked for signature."),
        )
    return version


def office_message(*, agreement, by, text):
    """Write to the partner on the draft's thread (they see it on their page)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the message.")]})
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.status not in PRE_SIGNING:
            raise ValidationError(
                _("The agreement is signed: there is nothing left to negotiate."),
                code="signed",
            )
        event = record_event(
            agreement,
            EventKind.OFFICE_REPLY,
            by=by,
            text=text,
            version=current_version(agreement),
            shared=True,
        )
        latest = (
            PartnerLink.objects.filter(agreement=agreement)
            .select_related("contact")
            .first()
        )
        contact = latest.contact if latest is not None else agreement.partner_contact
        if contact is not None and contact.email:
            with translation.override(language_of(contact)):
                subject = gettext("New message about the draft: %(title)s") % {
                    "title": agreement.title
                }
                body = render_to_string(
                    "agreements/workflow/email_office_message.txt",
                    {"agreement": agreement, "contact": contact, "text": text},
                )
            queue_email(
                to=contact.email,
                subject=subject,
                body=body,
                dedupe_key=f"agreements.office_message:{event.pk}",
            )
    return event


# --- The final version -------------------------------------------------------


def final_lock(*, agreement, by):
    """Lock the current version as the one to sign; return warnings.

    Warn (never refuse) when no internal review approved this version or
    the partner has not approved it through its link.
    """
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.status not in PRE_SIGNING:
            raise ValidationError(_("The agreement is already signed."), code="signed")
        if final_version(agreement) is not None:
            raise ValidationError(
                _("A final version is already locked."), code="already_locked"
            )
        if agreement.reviews.filter(outcome=ReviewOutcome.OPEN).exists():
            raise ValidationError(
                _("The draft is still in internal review."), code="in_review"
            )
        version = current_version(agreement)
        if version is None:
            raise ValidationError(
                _("There is no draft to lock yet: generate or upload a version."),
                code="no_version",
            )
        version.locked_at, version.locked_by = clock.now(), by
        version.save(update_fields=["locked_at", "locked_by"])
        record_event(
            agreement,
            EventKind.FINAL_LOCKED,
            by=by,
            stage=Stage.READY,
            text=f"v{version.number}",
            version=version,
            shared=agreement.status == Status.NEGOTIATION,
        )
    warnings = []
    if not version.reviews.filter(outcome=ReviewOutcome.APPROVED).exists():
        warnings.append(gettext("No internal review approved this version."))
    if version.partner_approved_at is None and version.source != VersionSource.PARTNER:
        warnings.append(
            gettext("The partner has not approved this version through its link.")
        )
    return warnings


def final_unlock(*, agreement, by, reason=""):
    """Unlock the final version so that the draft can change again."""
    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.status not in PRE_SIGNING:
            raise ValidationError(
                _("The agreement is signed: its final version stays locked."),
                code="signed",
            )
        version = final_version(agreement)
        if version is None:
            raise ValidationError(_("No version is locked."), code="not_locked")
        version.locked_at, version.locked_by = None, None
        version.save(update_fields=["locked_at", "locked_by"])
        record_event(
            agreement,
            EventKind.FINAL_UNLOCKED,
            by=by,
            stage=_stage_of_status(agreement),
            text=(reason or "").strip(),
            version=version,
        )
    return version


# --- Signing -----------------------------------------------------------------


def _check_scan(file, field, *, required):
    if not file:
        if required:
            raise ValidationError({field: [_("Upload the signed document (PDF).")]})
        return
    try:
        validate_pdf(file)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    file.seek(0)


def agreement_sign(
    *,
    agreement,
    by,
    signed_on,
    start_date,
    end_date,
    signed_file,
    our_signatory_name="",
    our_signatory_position="",
    partner_signatory_name="",
    partner_signatory_position="",
    partner_number=None,
    partner_copy=None,
    number="",
    unit=None,
):
    """Record the signature of `agreement` and issue its number.

    Refused when it is already signed (a second attempt) or no final version
    is locked. The number is `number` when the office typed one, the one
    the agreement already carries, else the next of the document type's
    numbering pattern (for `unit`) — issued here, in the transaction that
    saves the signature, so a failure leaves no number used up. An
    agreement that renews another shows on it as "renewed by"; an addendum
    applies its changes to the agreement it amends. Return the
    AgreementResult.
    """
    from mitra.core.numbering import agreement_kind, number_issue

    errors = {}
    if signed_on is None:
        errors["signed_on"] = [_("Give the date of signature.")]
    if start_date is None:
        errors["start_date"] = [_("A signed agreement needs a start date.")]
    if errors:
        raise ValidationError(errors)
    _check_scan(signed_file, "signed_file", required=True)
    _check_scan(partner_copy, "partner_copy", required=False)

    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.status not in PRE_SIGNING:
            raise ValidationError(
                _(
                    "This agreement is already signed (number %(number)s); it "
                    "cannot be signed twice."
                )
                % {"number": agreement.number or "—"},
                code="already_signed",
            )
        final = final_version(agreement)
        if final is None:
            raise ValidationError(
                _(
                    "There is no final version to sign: lock the final version "
                    "of the draft first."
                ),
                code="no_final_version",
            )
        number = (number or "").strip() or agreement.number
        if not number:
            number = number_issue(
                kind=agreement_kind(agreement.document_type), unit=unit, on=signed_on
            )
        values = {
            "number": number,
            "status": Status.SIGNED,
            "signed_on": signed_on,
            "start_date": start_date,
            "end_date": end_date,
            "signed_file": signed_file,
        }
        signatories = {
            "our_signatory_name": our_signatory_name,
            "our_signatory_position": our_signatory_position,
            "partner_signatory_name": partner_signatory_name,
            "partner_signatory_position": partner_signatory_position,
        }
        values.update({key: value for key, value in signatories.items() if value})
        if partner_number is not None:
            values["partner_number"] = partner_number
        agreement._change_reason = "signed"
        result = services.agreement_update(
            agreement=agreement, by=by, check_units=False, **values
        )
        if partner_copy:
            AgreementFile.objects.create(
                agreement=agreement,
                kind=FileKind.SIGNED_COPY,
                description=gettext("The partner's signed copy"),
                file=partner_copy,
                uploaded_by=by,
                uploaded_at=clock.now(),
            )
        record_event(
            agreement,
            EventKind.SIGNED,
            by=by,
            stage=Stage.SIGNED,
            text=number,
            version=final,
        )
        if agreement.renews_id:
            _renewal_signed(agreement, by)
        _apply_amendment(agreement, by)
        _announce_signing(agreement)
    logger.info("Agreement %s signed as %s", agreement.pk, number)
    return result


def _renewal_signed(agreement, by):
    old = lock_agreement(agreement.renews)
    if old.status == Status.IN_RENEWAL:
        old._change_reason = "renewed"
        services.agreement_update(
            agreement=old, by=by, check_units=False, status=Status.SIGNED
        )
    record_event(
        old, EventKind.RENEWED, by=by, text=agreement.number, related=agreement
    )


def amendment_changes(amendment):
    """Return the agreement values an amendment changes (for agreement_update)."""
    changes = {}
    if amendment.new_start_date:
        changes["start_date"] = amendment.new_start_date
    if amendment.make_open_ended:
        changes["end_date"] = None
    elif amendment.new_end_date:
        changes["end_date"] = amendment.new_end_date
    if amendment.new_scope:
        changes["scope"] = amendment.new_scope
    for name in (
        "our_signatory_name",
        "our_signatory_position",
        "partner_signatory_name",
        "partner_signatory_position",
    ):
        value = getattr(amendment, f"new_{name}")
        if value:
            changes[name] = value
    if amendment.new_partner_contact_id:
        changes["partner_contact"] = amendment.new_partner_contact
    units = list(amendment.new_units.all())
    if units:
        changes["units"] = units
    kinds = list(amendment.new_cooperation_types.all())
    if kinds:
        changes["cooperation_types"] = kinds
    return changes


def _apply_amendment(addendum, by):
    amendment = (
        Amendment.objects.filter(addendum=addendum, applied_at__isnull=True)
        .select_related("amends")
        .first()
    )
    if amendment is None:
        return
    target = lock_agreement(amendment.amends)
    target._change_reason = gettext("Amended by addendum %(number)s") % {
        "number": addendum.number
    }
    try:
        services.agreement_update(
            agreement=target, by=by, check_units=False, **amendment_changes(amendment)
        )
    except ValidationError as error:
        raise ValidationError(
            _("The addendum's changes do not fit the amended agreement: %(errors)s")
            % {"errors": " ".join(error.messages)},
            code="amendment_invalid",
        ) from error
    amendment.applied_at = clock.now()
    amendment.save(update_fields=["applied_at"])
    record_event(
        target,
        EventKind.AMENDED,
        by=by,
        text=amendment.description,
        related=addendum,
    )


def _announce_signing(agreement):
    users, outsiders = _proposers(agreement)
    title = _("%(document)s with %(partner)s is signed")
    _tell(
        [*users, agreement.responsible_user, *_unit_members(agreement)],
        agreement,
        title,
        _("It is in force from its start date."),
        key=f"agreements.signed:{agreement.pk}",
    )
    addresses = list(outsiders)
    contact = agreement.partner_contact
    if contact is not None and contact.email:
        addresses.append((contact.email, contact.name, contact))
    for entry in addresses:
        email, name = entry[0], entry[1]
        language = language_of(entry[2]) if len(entry) > 2 else settings.LANGUAGE_CODE
        with translation.override(language):
            subject = gettext("Signed: %(title)s") % {"title": agreement.title}
            body = render_to_string(
                "agreements/workflow/email_signed.txt",
                {"agreement": agreement, "name": name},
            )
        queue_email(
            to=email,
            subject=subject,
            body=body,
            dedupe_key=f"agreements.signed:{agreement.pk}:{email.lower()}",
        )


# --- Renewal, addendum, termination ------------------------------------------


def _check_in_force(agreement):
    if agreement.status not in SIGNED_STATUSES or agreement.validity_on(
        clock.today()
    ) not in (Validity.IN_FORCE, Validity.EXPIRING, Validity.NOT_STARTED):
        raise ValidationError(
            _("Only an agreement in force can be renewed or amended."),
            code="not_in_force",
        )


def _add_months(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def renewal_dates(agreement):
    """Return (start, end) of a renewal: from the day after the old end, for
    as long as the old agreement ran (None, None when it is open-ended)."""
    if agreement.end_date is None:
        return None, None
    start = agreement.end_date + datetime.timedelta(days=1)
    if agreement.start_date is None:
        return start, None
    months = (start.year - agreement.start_date.year) * 12 + (
        start.month - agreement.start_date.month
    )
    if start.day == agreement.start_date.day and months > 0:
        return start, _add_months(start, months) - datetime.timedelta(days=1)
    return start, start + (agreement.end_date - agreement.start_date)


def renewal_start(*, agreement, by):
    """Open the renewal of an agreement in force as a new draft; return it.

    The draft carries the old agreement's partner, parents, units, fields,
    cooperation types, people and chosen clauses, and follows on from its
    end; the old agreement is "in renewal" until the renewal is signed.
    """
    with transaction.atomic():
        old = lock_agreement(agreement)
        if old.status == Status.IN_RENEWAL:
            raise ValidationError(
                _("A renewal of this agreement is already in progress."),
                code="in_renewal",
            )
        _check_in_force(old)
        start, end = renewal_dates(old)
        result = services.agreement_create(
            by=by,
            check_units=False,
            partner=old.partner,
            document_type=old.document_type,
            title=old.title,
            parents=list(old.parents.all()),
            units=list(old.units.all()),
            cooperation_types=list(old.cooperation_types.all()),
            fields=old.fields,
            status=Status.DRAFT,
            scope=old.scope,
            start_date=start,
            end_date=end,
            no_parent_reason=old.no_parent_reason,
            our_signatory_name=old.our_signatory_name,
            our_signatory_position=old.our_signatory_position,
            partner_signatory_name=old.partner_signatory_name,
            partner_signatory_position=old.partner_signatory_position,
            responsible_user=old.responsible_user,
            partner_contact=old.partner_contact,
            value=old.value,
            funding_source=old.funding_source,
            renews=old,
        )
        new = result.agreement
        ClauseChoice.objects.bulk_create(
            ClauseChoice(agreement=new, clause_id=choice.clause_id, position=index)
            for index, choice in enumerate(old.clause_choices.all(), start=1)
        )
        old._change_reason = "renewal started"
        services.agreement_update(
            agreement=old, by=by, check_units=False, status=Status.IN_RENEWAL
        )
        record_event(old, EventKind.RENEWAL_STARTED, by=by, related=new)
        record_event(
            new,
            EventKind.DRAFT_CREATED,
            by=by,
            stage=Stage.DRAFT,
            text=gettext("Renewal of %(document)s") % {"document": _label(old)},
            related=old,
        )
    logger.info("Renewal %s of agreement %s started", new.pk, old.pk)
    return new


#: Amendment fields the services accept.
AMENDMENT_FIELDS = (
    "description",
    "new_start_date",
    "new_end_date",
    "make_open_ended",
    "new_scope",
    "new_our_signatory_name",
    "new_our_signatory_position",
    "new_partner_signatory_name",
    "new_partner_signatory_position",
    "new_partner_contact",
)


def _set_amendment(amendment, values, units, cooperation_types):
    unknown = set(values) - set(AMENDMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown amendment fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        if value is None and name not in ("new_start_date", "new_end_date"):
            value = "" if name != "new_partner_contact" else None
        if isinstance(value, str):
            value = value.strip()
        setattr(amendment, name, value)
    errors = {}
    if not amendment.description:
        errors["description"] = [_("Say what the addendum changes.")]
    if amendment.make_open_ended and amendment.new_end_date:
        errors["new_end_date"] = [
            _("Give a new end date or make it open-ended, not both.")
        ]
    start = amendment.new_start_date or amendment.amends.start_date
    if amendment.new_end_date and start and amendment.new_end_date < start:
        errors["new_end_date"] = [_("The end date is before the start date.")]
    contact = amendment.new_partner_contact
    if contact is not None and contact.partner_id != amendment.amends.partner_id:
        errors["new_partner_contact"] = [
            _("The contact must belong to the agreement's partner.")
        ]
    if errors:
        raise ValidationError(errors)
    amendment.save()
    if units is not None:
        amendment.new_units.set(units)
    if cooperation_types is not None:
        amendment.new_cooperation_types.set(cooperation_types)


def addendum_start(
    *, agreement, by, title, units=None, cooperation_types=None, **changes
):
    """Open an addendum amending an agreement in force; return its draft.

    `changes` are AMENDMENT_FIELDS (a `description` of the change is
    required); they are applied to the amended agreement when the addendum
    is signed.
    """
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": [_("A title is required.")]})
    with transaction.atomic():
        amended = lock_agreement(agreement)
        _check_in_force(amended)
        result = services.agreement_create(
            by=by,
            check_units=False,
            partner=amended.partner,
            document_type=DocumentType.ADDENDUM,
            title=title,
            parents=[amended],
            units=list(amended.units.all()),
            cooperation_types=list(amended.cooperation_types.all()),
            fields=amended.fields,
            status=Status.DRAFT,
            scope=amended.scope,
            our_signatory_name=amended.our_signatory_name,
            our_signatory_position=amended.our_signatory_position,
            partner_signatory_name=amended.partner_signatory_name,
            partner_signatory_position=amended.partner_signatory_position,
            responsible_user=amended.responsible_user,
            partner_contact=amended.partner_contact,
        )
        addendum = result.agreement
        amendment = Amendment(addendum=addendum, amends=amended)
        amendment._history_user = by
        _set_amendment(amendment, changes, units, cooperation_types)
        record_event(amended, EventKind.ADDENDUM_STARTED, by=by, related=addendum)
        record_event(
            addendum,
            EventKind.DRAFT_CREATED,
            by=by,
            stage=Stage.DRAFT,
            text=amendment.description,
            related=amended,
        )
    return addendum


def amendment_update(*, amendment, by, units=None, cooperation_types=None, **changes):
    """Change what an addendum not yet signed will change."""
    with transaction.atomic():
        addendum = lock_agreement(amendment.addendum)
        if addendum.status not in PRE_SIGNING:
            raise ValidationError(
                _("The addendum is signed: its changes are applied."), code="signed"
            )
        amendment = Amendment.objects.select_related("amends").get(pk=amendment.pk)
        amendment._history_user = by
        _set_amendment(amendment, changes, units, cooperation_types)
    return amendment


def agreement_terminate(*, agreement, by, terminated_on, reason, letter):
    """End a signed agreement before its term, with the reason and the
    termination letter (PDF)."""
    reason = (reason or "").strip()
    errors = {}
    if terminated_on is None:
        errors["terminated_on"] = [_("Give the date the agreement ends.")]
    if not reason:
        errors["reason"] = [_("Give the reason for ending the agreement.")]
    if not letter:
        errors["letter"] = [_("Upload the termination letter (PDF).")]
    if errors:
        raise ValidationError(errors)
    _check_scan(letter, "letter", required=True)

    with transaction.atomic():
        agreement = lock_agreement(agreement)
        if agreement.status not in SIGNED_STATUSES:
            raise ValidationError(
                _("Only a signed agreement can be terminated."), code="not_signed"
            )
        agreement._change_reason = "terminated"
        try:
            services.agreement_update(
                agreement=agreement,
                by=by,
                check_units=False,
                status=Status.TERMINATED,
                terminated_on=terminated_on,
                termination_reason=reason,
            )
        except ValidationError as error:
            if "terminated_on" in getattr(error, "message_dict", {}):
                raise ValidationError(
                    {"terminated_on": error.message_dict["terminated_on"]}
                ) from error
            raise
        AgreementFile.objects.create(
            agreement=agreement,
            kind=FileKind.TERMINATION_LETTER,
            description=gettext("Termination letter"),
            file=letter,
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        record_event(
            agreement,
            EventKind.TERMINATED,
            by=by,
            stage=Stage.TERMINATED,
            text=reason,
        )
        _tell(
            [agreement.responsible_user, *_unit_members(agreement)],
            agreement,
            _("%(document)s with %(partner)s was terminated"),
            reason[:500],
            key=f"agreements.terminated:{agreement.pk}",
        )
    return agreement
