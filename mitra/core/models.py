"""The institution's organisation tree, its people and their roles.

A *unit* is a node of the institution: the institution itself, a *jurusan*
(department), a *prodi* (study programme, always under a jurusan) or a
service unit such as the cooperation office. Staff belong to one or more
units and act for those units and everything below them.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Abstract base recording when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """The roles a staff account can hold (superusers are `admin`)."""

    OFFICE = "office", _("Cooperation office staff")
    HEAD = "head", _("Head of the cooperation office")
    LEADER = "leader", _("Leadership")
    UNIT = "unit", _("Unit staff")
    AUDITOR = "auditor", _("Quality auditor")


class UnitKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    JURUSAN = "jurusan", _("Department (jurusan)")
    PRODI = "prodi", _("Study programme (prodi)")
    UNIT = "unit", _("Service unit")


class UnitQuerySet(models.QuerySet):
    def for_user(self, user):
        from mitra.core.permissions import visible

        return visible(user, self)


class Unit(TimeStampedModel):
    """A node of the organisation tree (institution, jurusan, prodi, unit)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        blank=True,
        help_text=_("Programme level of a prodi: D3, D4, S1, S2 Terapan, …"),
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names and abbreviations used for this unit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def descendant_ids(self):
        """Return the ids of this unit and every unit below it."""
        from mitra.core.units import descendant_ids

        return descendant_ids([self.pk])


class User(AbstractUser):
    """A staff account with one role and the units it acts for."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.UNIT
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units"), blank=True, related_name="members"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_label(self):
        if self.is_superuser:
            return _("Administrator")
        return self.get_role_display()

    @cached_property
    def acting_unit_ids(self):
        """Ids of the user's units and every unit below them (cached)."""
        from mitra.core.units import descendant_ids

        return frozenset(descendant_ids(self.units.values_list("pk", flat=True)))
