"""The partner satisfaction survey: instruments, rounds, invitations, answers.

* `Instrument` — a questionnaire: `Aspect`s (groups of questions) holding
  `Item`s. An item is answered on a 1-4 scale (with a label for each point,
  in Indonesian and English) or is an open question. A scale item is either
  one of the nine elements of the public-service satisfaction index
  (*Survei Kepuasan Masyarakat*, PermenPANRB 14/2017) or a cooperation item.
  An instrument a round has used is never edited again: copy it to change.
* `Round` — one run of the survey: the contacts invited, when it opens and
  closes, and whether it is anonymous.
* `Invitation` — one partner contact asked in a round. The contact answers
  through a link carrying a random token; only its hash is kept
  (`InvitationLink`, one per email sent, all dead once the survey is
  answered, the invitation revoked or the round closed).
* `Response` and `Answer` — what came back. In an anonymous round a
  response keeps no link to its invitation or partner (the invitation only
  learns that it was answered), so nothing in Mitra can tell who answered
  what.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.core.models import GatedQuerySet, TimeStampedModel

#: The points of the scale, lowest first.
SCALE = (1, 2, 3, 4)
#: Default labels of the points 1-4, in each language.
DEFAULT_LABELS = {
    "id": ["Tidak baik", "Kurang baik", "Baik", "Sangat baik"],
    "en": ["Poor", "Fair", "Good", "Very good"],
}


class ServiceElement(models.TextChoices):
    """The nine elements of the public-service satisfaction index, in order."""

    REQUIREMENTS = "U1", _("Requirements")
    PROCEDURE = "U2", _("Systems, mechanisms and procedures")
    TIME = "U3", _("Completion time")
    COST = "U4", _("Cost")
    PRODUCT = "U5", _("Product specification")
    COMPETENCE = "U6", _("Staff competence")
    CONDUCT = "U7", _("Staff conduct")
    COMPLAINTS = "U8", _("Handling of complaints and suggestions")
    FACILITIES = "U9", _("Facilities")


class Instrument(TimeStampedModel):
    """A questionnaire: aspects holding items, in two languages."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:instrument_detail", args=[self.pk])

    @property
    def is_locked(self):
        """Whether a round uses it (then it may only be copied)."""
        return self.rounds.exists()


class Aspect(models.Model):
    """A group of items in an instrument (e.g. "Quality and benefit")."""

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="aspects",
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["instrument", "order", "pk"]
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")

    def __str__(self):
        return self.name_en or self.name_id

    def name_in(self, language):
        return self.name_en if language == "en" and self.name_en else self.name_id


class ItemKind(models.TextChoices):
    SCALE = "scale", _("Scale 1-4")
    OPEN = "open", _("Open question")


class Item(models.Model):
    """One question of an instrument."""

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    aspect = models.ForeignKey(
        Aspect, verbose_name=_("aspect"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Short and unique in the instrument, e.g. U1 or K3."),
    )
    text_id = models.TextField(_("question (Indonesian)"))
    text_en = models.TextField(_("question (English)"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.SCALE
    )
    service_element = models.CharField(
        _("service element"),
        max_length=2,
        choices=ServiceElement.choices,
        blank=True,
        help_text=_(
            "One of the nine elements of the public-service satisfaction index; "
            "empty for a cooperation item."
        ),
    )
    labels_id = models.JSONField(
        _("labels of the points 1-4 (Indonesian)"), default=list, blank=True
    )
    labels_en = models.JSONField(
        _("labels of the points 1-4 (English)"), default=list, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["instrument", "aspect__order", "aspect", "order", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "code"], name="surveys_item_code_unique"
            ),
            models.UniqueConstraint(
                fields=["instrument", "service_element"],
                condition=~Q(service_element=""),
                name="surveys_item_one_per_element",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text_en or self.text_id}"[:80]

    @property
    def is_scale(self):
        return self.kind == ItemKind.SCALE

    @property
    def is_service(self):
        return self.is_scale and bool(self.service_element)

    @property
    def is_cooperation(self):
        return self.is_scale and not self.service_element

    def text_in(self, language):
        return self.text_en if language == "en" and self.text_en else self.text_id

    def labels_in(self, language):
        """Return the four labels of the scale in `language`."""
        labels = self.labels_en if language == "en" else self.labels_id
        if isinstance(labels, list) and len(labels) == len(SCALE):
            return [str(label) for label in labels]
        return list(DEFAULT_LABELS.get(language, DEFAULT_LABELS["id"]))


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(TimeStampedModel):
    """One run of the survey with an instrument, for chosen partner contacts."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), help_text=_("The year the results are reported for.")
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    opens_on = models.DateField(
        _("opens on"),
        help_text=_("Invitations go out on this day (at once if it has come)."),
    )
    closes_on = models.DateField(
        _("closes on"),
        help_text=_("The last day answers are accepted; the links then expire."),
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers are kept without any link to who gave them: the office "
            "sees totals only."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-closes_on", "-pk"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="surveys_round_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:round_detail", args=[self.pk])

    def accepts_answers(self, on):
        """Whether answers are accepted on the date `on` (a local date)."""
        return self.status == RoundStatus.OPEN and self.opens_on <= on <= self.closes_on


class Invitation(models.Model):
    """One partner contact invited to answer a round.

    Name, email and language are copied from the contact when it is
    invited, so the round's record stays readable if the contact changes.
    Deliberately without change history or an update time: in an anonymous
    round, when an invitation was answered must not be recorded.
    """

    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    contact = models.ForeignKey(
        "partners.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="id"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    responded = models.BooleanField(_("answered"), default=False)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["round", "name", "pk"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "contact"], name="surveys_one_invitation_per_contact"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class InvitationLink(models.Model):
    """The hash of one link's token (one per email sent to the contact)."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced = models.BooleanField(
        default=False, help_text=_("A newer link was sent instead of this one.")
    )

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self):
        return f"link {self.pk}"


class Response(models.Model):
    """One completed questionnaire.

    `invitation`, `partner` and `submitted_at` are empty in an anonymous
    round.
    """

    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self):
        return f"{self.round} #{self.pk}"


class Answer(models.Model):
    """The answer to one item: a point of the scale, or text."""

    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.PositiveSmallIntegerField(
        _("value"),
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[-1])],
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["response", "item"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item"], name="surveys_one_answer_per_item"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=4),
                name="surveys_answer_on_the_scale",
            ),
        ]

    def __str__(self):
        return str(self.value) if self.value is not None else self.text[:40]
