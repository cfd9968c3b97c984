"""The printed forms of the registry that belong to no other app yet.

The *agreement summary sheet* is one page (or a few) describing one
cooperation document: its numbers, the parties and signatories, units,
fields, dates and validity, its place among parent and child documents, and
the activities carried out under it.
"""

import datetime

from django.db.models import IntegerField, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mitra.core.clock import today
from mitra.documents.defaults.agreement_summary import agreement_summary_layout
from mitra.documents.registry import FormDefinition, Variable, register

EN_DASH = "\u2013"

_RELATIVE_FIELDS = (
    Variable.text("number", _("Our number")),
    Variable.text("document_type", _("Document type")),
    Variable.text("title", _("Title")),
    Variable.text("partner", _("Partner")),
    Variable.text("period", _("Start and end")),
    Variable.text("validity", _("Validity today")),
)

AGREEMENT_SUMMARY_VARIABLES = (
    Variable.text("number", _("Our number of the agreement")),
    Variable.text("partner_number", _("The partner's number of the agreement")),
    Variable.text("document_type", _("Document type (MoU, MoA/PKS, IA, …)")),
    Variable.text("title", _("Title of the agreement")),
    Variable.text("status", _("Workflow status")),
    Variable.text("validity", _("Validity today (in force, expiring, …)")),
    Variable.text("scope", _("Scope (local, national, international)")),
    Variable.text("fields", _("Tridharma fields")),
    Variable.text("start_date", _("Start date")),
    Variable.text("end_date", _("End date, or open-ended")),
    Variable.text("duration", _("Duration (years, months, days)")),
    Variable.text("signed_on", _("Date of signature")),
    Variable.text("value", _("Value in rupiah")),
    Variable.text("funding_source", _("Funding source")),
    Variable.text("renews", _("The agreement this one renews")),
    Variable.object(
        "partner",
        _("The partner"),
        [
            Variable.text("name", _("Name")),
            Variable.text("code", _("Partner code")),
            Variable.text("kind", _("Kind")),
            Variable.text("scope", _("Scope")),
            Variable.text("country", _("Country")),
            Variable.text("address", _("Address")),
            Variable.text("website", _("Website")),
            Variable.text("email", _("Email")),
            Variable.text("phone", _("Phone")),
        ],
    ),
    Variable.object(
        "partner_contact",
        _("The partner's responsible person"),
        [
            Variable.text("name", _("Name")),
            Variable.text("position", _("Position")),
            Variable.text("email", _("Email")),
            Variable.text("phone", _("Phone")),
        ],
    ),
    Variable.text("responsible_person", _("Our responsible person")),
    Variable.text("our_signatory_name", _("Our signatory")),
    Variable.text("our_signatory_position", _("Our signatory's position")),
    Variable.text("partner_signatory_name", _("The partner's signatory")),
    Variable.text(
        "partner_signatory_position", _("The partner's signatory's position")
    ),
    Variable.list(
        "parties",
        _("The parties, first ours, then the partner"),
        [
            Variable.text("role", _("Role (first party, second party)")),
            Variable.text("name", _("Name of the party")),
            Variable.text("signatory_name", _("Signatory")),
            Variable.text("signatory_position", _("Signatory's position")),
        ],
    ),
    Variable.list(
        "units",
        _("Our units"),
        [Variable.text("code", _("Code")), Variable.text("name", _("Name"))],
    ),
    Variable.text("units_text", _("Our units, as one line")),
    Variable.list(
        "cooperation_types",
        _("Cooperation types"),
        [Variable.text("code", _("Code")), Variable.text("name", _("Name"))],
    ),
    Variable.text("cooperation_types_text", _("Cooperation types, as one line")),
    Variable.list("parents", _("Parent documents"), _RELATIVE_FIELDS),
    Variable.list("children", _("Documents under this one"), _RELATIVE_FIELDS),
    Variable.list(
        "activities",
        _("Activities carried out under the agreement"),
        [
            Variable.text("number", _("Row number")),
            Variable.text("title", _("Title")),
            Variable.text("form", _("Form of activity")),
            Variable.text("unit", _("Unit")),
            Variable.text("start_date", _("Start date")),
            Variable.text("end_date", _("End date")),
            Variable.text("period", _("Start and end")),
            Variable.text("output", _("Output")),
            Variable.text("benefit", _("Benefit for the study programme")),
            Variable.number("students", _("Students involved")),
            Variable.number("students_credited", _("Students with credits recognised")),
            Variable.number("certificates", _("Certificates issued")),
            Variable.number("lecturers", _("Lecturers involved")),
        ],
    ),
    Variable.number("activity_count", _("Number of activities")),
)


def _date(value):
    from mitra.documents.services import long_date

    return long_date(value)


def duration_text(start, end):
    """Return "4 years, 2 months" for the inclusive span from start to end."""
    if not start or not end or end < start:
        return ""
    after = end + datetime.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    year, month = divmod(start.month - 1 + months, 12)
    anchor_year, anchor_month = start.year + year, month + 1
    last_day = (
        datetime.date(anchor_year + anchor_month // 12, anchor_month % 12 + 1, 1)
        - datetime.timedelta(days=1)
    ).day
    anchor = datetime.date(anchor_year, anchor_month, min(start.day, last_day))
    days = (after - anchor).days
    years, months = divmod(months, 12)
    parts = []
    if years:
        parts.append(
            ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
        )
    if months:
        parts.append(
            ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
        )
    if days:
        parts.append(
            ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        )
    return ", ".join(parts)


def _period(start, end, *, open_ended):
    if not start and not end:
        return ""
    if end:
        shown_end = _date(end)
    elif open_ended:
        shown_end = gettext("open-ended")
    else:
        shown_end = "…"
    return f"{_date(start) or '…'} {EN_DASH} {shown_end}"


def _relative(agreement, on):
    from mitra.agreements.models import Validity

    return {
        "number": agreement.number or "",
        "document_type": agreement.get_document_type_display(),
        "title": agreement.title,
        "partner": agreement.partner.name,
        "period": _period(
            agreement.start_date,
            agreement.end_date,
            open_ended=not agreement.is_pre_signing,
        ),
        "validity": str(Validity(agreement.validity_on(on)).label),
    }


def agreement_summary_context(agreement, *, user):
    """Return the variables of the agreement summary sheet.

    Parent and child documents are limited to those `user` may see (all of
    them when `user` is None, for an official issue).
    """
    from mitra.agreements.models import Activity, Agreement, Validity
    from mitra.documents.services import letterhead

    on = today()
    agreements = Agreement.objects.all()
    if user is not None:
        agreements = Agreement.objects.for_user(user)
    agreement = (
        Agreement.objects.select_related(
            "partner__kind", "partner_contact", "responsible_user", "renews"
        )
        .prefetch_related("units", "cooperation_types")
        .get(pk=agreement.pk)
    )
    relatives = agreements.select_related("partner").order_by("start_date", "pk")
    parents = relatives.filter(children=agreement)
    children = relatives.filter(parents=agreement)
    counts = {
        key: Coalesce(Sum(f"participations__{key}"), 0, output_field=IntegerField())
        for key in ("students", "students_credited", "certificates", "lecturers")
    }
    activities = (
        Activity.objects.filter(agreement=agreement)
        .select_related("form", "unit")
        .annotate(**counts)
        .order_by("start_date", "pk")
    )
    partner, contact = agreement.partner, agreement.partner_contact
    units = list(agreement.units.all())
    types = list(agreement.cooperation_types.all())
    institution = letterhead().name or _institution_name()
    renews = agreement.renews if agreement.renews_id else None
    if renews is not None and not agreements.filter(pk=renews.pk).exists():
        renews = None

    return {
        "number": agreement.number or "",
        "partner_number": agreement.partner_number,
        "document_type": agreement.get_document_type_display(),
        "title": agreement.title,
        "status": agreement.get_status_display(),
        "validity": str(Validity(agreement.validity_on(on)).label),
        "scope": agreement.get_effective_scope_display(),
        "fields": agreement.fields_display(),
        "start_date": _date(agreement.start_date),
        "end_date": (
            _date(agreement.end_date)
            if agreement.end_date
            else ("" if agreement.is_pre_signing else gettext("open-ended"))
        ),
        "duration": duration_text(agreement.start_date, agreement.end_date),
        "signed_on": _date(agreement.signed_on),
        "value": (
            "Rp " + number_format(agreement.value, 0, force_grouping=True)
            if agreement.value is not None
            else ""
        ),
        "funding_source": agreement.funding_source,
        "renews": (
            f"{renews.number or gettext('(no number)')} — {renews.title}"
            if renews
            else ""
        ),
        "partner": {
            "name": partner.name,
            "code": partner.code or "",
            "kind": partner.kind.name if partner.kind else "",
            "scope": partner.get_scope_display(),
            "country": partner.country,
            "address": partner.address,
            "website": partner.website,
            "email": partner.email,
            "phone": partner.phone,
        },
        "partner_contact": {
            "name": contact.name if contact else "",
            "position": contact.position if contact else "",
            "email": contact.email if contact else "",
            "phone": contact.phone if contact else "",
        },
        "responsible_person": str(agreement.responsible_user or ""),
        "our_signatory_name": agreement.our_signatory_name,
        "our_signatory_position": agreement.our_signatory_position,
        "partner_signatory_name": agreement.partner_signatory_name,
        "partner_signatory_position": agreement.partner_signatory_position,
        "parties": [
            {
                "role": gettext("First party"),
                "name": institution,
                "signatory_name": agreement.our_signatory_name,
                "signatory_position": agreement.our_signatory_position,
            },
            {
                "role": gettext("Second party"),
                "name": partner.name,
                "signatory_name": agreement.partner_signatory_name,
                "signatory_position": agreement.partner_signatory_position,
            },
        ],
        "units": [{"code": unit.code, "name": unit.name} for unit in units],
        "units_text": ", ".join(unit.name for unit in units),
        "cooperation_types": [{"code": kind.code, "name": kind.name} for kind in types],
        "cooperation_types_text": ", ".join(kind.name for kind in types),
        "parents": [_relative(item, on) for item in parents],
        "children": [_relative(item, on) for item in children],
        "activities": [
            {
                "number": str(index),
                "title": activity.title,
                "form": activity.form.name if activity.form else "",
                "unit": activity.unit.name if activity.unit else "",
                "start_date": _date(activity.start_date),
                "end_date": _date(activity.end_date),
                "period": _period(
                    activity.start_date, activity.end_date, open_ended=False
                ),
                "output": activity.output,
                "benefit": activity.benefit,
                "students": activity.students,
                "students_credited": activity.students_credited,
                "certificates": activity.certificates,
                "lecturers": activity.lecturers,
            }
            for index, activity in enumerate(activities, start=1)
        ],
        "activity_count": len(activities),
    }


def _institution_name():
    from django.conf import settings

    return settings.MITRA_INSTITUTION_NAME


AGREEMENT_SUMMARY = register(
    FormDefinition(
        code="agreement_summary",
        title=_("Agreement summary sheet"),
        description=_(
            "One cooperation document at a glance: parties, dates, "
            "validity, related documents and activities."
        ),
        source_model="agreements.Agreement",
        variables=AGREEMENT_SUMMARY_VARIABLES,
        build=agreement_summary_context,
        default_layout=agreement_summary_layout,
    )
)
