"""The figures and the evidence of the institution's quality indicators.

An indicator (`Indicator`) is data: its code, statement and measure are the
institution's own. What is code is the *calculation* an indicator names:

* credit recognition (B.1.2.5.8 at the first institution): learning outside
  the study programme under an agreement, with the students whose credits
  (*SKS*) were recognised, per programme;
* competency certificates (B.1.2.6.16.c): certificates issued with
  professional organisations, training or certification bodies;
* policy coverage (B.1.2.9.1): which stages of cooperation a current policy
  or procedure document covers;
* planning documents (B.1.2.9.2): the year's approved programme and targets
  and a multi-year plan covering the year;
* network (B.1.2.9.3): agreements and partners in force by scope and
  tridharma field, with their relevance to the institution's vision.

Each calculation returns an `IndicatorResult`: a status, the figures as
tables, the records behind them and the evidence files, named as they are
placed in the evidence pack. An indicator with nothing behind it says "no
evidence yet" — never a zero that reads like a failure — and figures with
no evidence file to show for them say so ("figures recorded, no evidence
file yet") rather than "evidenced". Each listed file is checked to be in
storage (not read), so a file deleted behind Mitra's back is flagged on the
page as it is in the pack.

Activities belong to the year they start in, so an activity spanning two
years is counted once; agreements count for a year when in force at some
time during it.
"""

import dataclasses
import datetime
import logging
import re
from pathlib import PurePath

from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mitra.agreements.models import (
    PRE_SIGNING,
    Activity,
    Agreement,
    Participation,
)
from mitra.core.clock import today
from mitra.core.fields import Scope, Tridharma
from mitra.reports.models import Calculation, Indicator

logger = logging.getLogger(__name__)


class Status:
    """Where an indicator stands for a year, as the evidence shows it.

    A calculation judges its figures: complete (EVIDENCED), incomplete
    (PARTIAL) or nothing recorded (NO_EVIDENCE). Whether files back them is
    judged once for all, in `overall_status`: figures without any evidence
    file that can be read are only RECORDED, and a listed file missing from
    storage leaves the indicator at most PARTIAL.
    """

    EVIDENCED = "evidenced"
    PARTIAL = "partial"
    RECORDED = "recorded"
    NO_EVIDENCE = "no_evidence"
    UNAVAILABLE = "unavailable"

    LABELS = {
        EVIDENCED: gettext_lazy("Evidenced"),
        PARTIAL: gettext_lazy("Partly evidenced"),
        RECORDED: gettext_lazy("Figures recorded, no evidence file yet"),
        NO_EVIDENCE: gettext_lazy("No evidence yet"),
        UNAVAILABLE: gettext_lazy("Not yet available"),
    }
    DESCRIPTIONS = {
        EVIDENCED: gettext_lazy(
            "Everything the indicator asks for is recorded, and every evidence "
            "file listed can be downloaded."
        ),
        PARTIAL: gettext_lazy(
            "Evidence files exist, but part of what the indicator asks for is "
            "not recorded yet, or a listed file is missing from storage."
        ),
        RECORDED: gettext_lazy(
            "The records give figures, but no evidence file (a signed "
            "document, a report, a policy) is attached to them yet."
        ),
        NO_EVIDENCE: gettext_lazy("Nothing in the records for the year."),
        UNAVAILABLE: gettext_lazy(
            "Mitra does not compute this indicator, or the part of Mitra it "
            "reads from is missing."
        ),
    }
    COLOURS = {
        EVIDENCED: "success",
        PARTIAL: "warning",
        RECORDED: "info",
        NO_EVIDENCE: "secondary",
        UNAVAILABLE: "light",
    }

    @classmethod
    def legend(cls):
        """Each status with its label, meaning and colour, best first."""
        return [
            {
                "value": value,
                "label": cls.LABELS[value],
                "description": cls.DESCRIPTIONS[value],
                "colour": cls.COLOURS[value],
            }
            for value in cls.LABELS
        ]


@dataclasses.dataclass
class Link:
    """A cell or list entry that links to a record."""

    text: str
    url: str = ""

    def __str__(self):
        return self.text


@dataclasses.dataclass
class Table:
    title: str
    headers: list
    rows: list
    footer: list | None = None


@dataclasses.dataclass
class EvidenceFile:
    """A stored file behind an indicator, and its name in the evidence pack."""

    label: str
    file: object
    path: str
    url: str = ""
    record_url: str = ""
    missing: bool = False


@dataclasses.dataclass
class IndicatorResult:
    indicator: Indicator
    year: int
    status: str
    headline: str = ""
    tables: list = dataclasses.field(default_factory=list)
    records: list = dataclasses.field(default_factory=list)
    files: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)

    @property
    def status_label(self):
        return Status.LABELS[self.status]

    @property
    def status_description(self):
        return Status.DESCRIPTIONS[self.status]

    @property
    def missing_files(self):
        return [item for item in self.files if item.missing]

    @property
    def status_colour(self):
        return Status.COLOURS[self.status]

    @property
    def folder(self):
        return f"{safe_part(self.indicator.code)}/{self.year}"


# --- Periods -----------------------------------------------------------------


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def in_force_between(queryset, first, last):
    """Restrict agreements to those signed and in force at some time between
    `first` and `last` (a terminated one until its termination date).

    An agreement without a start date starts when signed; without either,
    it is taken to have started before the period.
    """
    return queryset.exclude(status__in=PRE_SIGNING).filter(
        Q(start_date__lte=last)
        | Q(start_date__isnull=True, signed_on__lte=last)
        | Q(start_date__isnull=True, signed_on__isnull=True),
        Q(end_date__isnull=True) | Q(end_date__gte=first),
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=first),
    )


def signed_in(queryset, year):
    """Restrict agreements to those signed in `year` (by their signing date,
    else their start date when the signing date was not recorded)."""
    first, last = year_bounds(year)
    return queryset.exclude(status__in=PRE_SIGNING).filter(
        Q(signed_on__range=(first, last))
        | Q(signed_on__isnull=True, start_date__range=(first, last))
    )


def activities_overlapping(first, last, prefix=""):
    """A Q for activities taking place at some time between two dates."""
    return Q(**{f"{prefix}start_date__lte": last}) & (
        Q(**{f"{prefix}end_date__gte": first})
        | Q(**{f"{prefix}end_date__isnull": True, f"{prefix}start_date__gte": first})
    )


def as_of(year):
    """The day a year's state is read on: its last day, or today if sooner."""
    return min(year_bounds(year)[1], today())


# --- File names in the pack --------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_part(text, limit=80):
    """Return `text` usable as one part of a path inside a ZIP file."""
    cleaned = _UNSAFE.sub("-", str(text)).strip(" .-")
    return cleaned[:limit].strip(" .-") or "file"


def _suffix(field_file):
    return PurePath(field_file.name or "").suffix.lower()[:10]


def agreement_label(agreement):
    return agreement.number or _("agreement %(pk)s") % {"pk": agreement.pk}


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return ""


def signed_file_evidence(agreement):
    """The agreement's signed document as an EvidenceFile, or None."""
    if not agreement.signed_file:
        return None
    return EvidenceFile(
        label=_("Signed %(type)s %(number)s")
        % {
            "type": agreement.get_document_type_display(),
            "number": agreement_label(agreement),
        },
        file=agreement.signed_file,
        path=f"{safe_part(agreement_label(agreement))}-signed.pdf",
        url=reverse("agreements:signed_file", args=[agreement.pk]),
        record_url=agreement.get_absolute_url(),
    )


def activity_evidence(activity, evidence):
    name = slugify(evidence.description)[:40] or "file"
    return EvidenceFile(
        label=f"{activity.title}: {evidence.description}",
        file=evidence.file,
        path=(
            f"{safe_part(agreement_label(activity.agreement))}-activity-"
            f"{activity.pk}-{evidence.pk}-{name}{_suffix(evidence.file)}"
        ),
        url=reverse("agreements:evidence_file", args=[evidence.pk]),
        record_url=activity.get_absolute_url(),
    )


def unique_paths(files):
    """Keep the first of each file, and give clashing names a number."""
    seen_files, taken, kept = set(), set(), []
    for item in files:
        key = (item.file.storage.__class__, item.file.name)
        if key in seen_files:
            continue
        seen_files.add(key)
        path, stem, suffix, number = item.path, *_split(item.path), 2
        while path in taken:
            path = f"{stem}-{number}{suffix}"
            number += 1
        taken.add(path)
        kept.append(dataclasses.replace(item, path=path))
    return kept


def _split(path):
    pure = PurePath(path)
    return str(pure.with_suffix("")), pure.suffix


# --- Which version of each indicator a year uses -----------------------------


def indicators_for_year(year):
    """Return the active indicators, each in the wording `year` uses: the
    latest version not after the year (else the earliest one)."""
    chosen = {}
    rows = (
        Indicator.objects.filter(is_active=True)
        .prefetch_related("cooperation_types", "partner_kinds")
        .order_by("ordering", "code", "year")
    )
    for indicator in rows:
        current = chosen.get(indicator.code)
        if (
            current is None
            or (indicator.year <= year and indicator.year > current.year)
            or (current.year > year and indicator.year < current.year)
        ):
            chosen[indicator.code] = indicator
    return sorted(chosen.values(), key=lambda each: (each.ordering, each.code))


def compute(indicator, year, user):
    """Return the IndicatorResult of `indicator` for `year`, as `user` sees it."""
    calculation = CALCULATIONS.get(indicator.calculation)
    if calculation is None:
        return IndicatorResult(
            indicator,
            year,
            Status.UNAVAILABLE,
            headline=_("Not computed by Mitra: keep its evidence elsewhere."),
        )
    result = calculation(indicator, year, user)
    result.files = unique_paths(result.files)
    for item in result.files:
        item.missing = not in_storage(item.file)
    result.status = overall_status(result)
    missing = len(result.missing_files)
    if missing:
        result.notes.append(
            ngettext(
                "%(count)s evidence file listed is missing from storage: "
                "upload it again on its record.",
                "%(count)s evidence files listed are missing from storage: "
                "upload them again on their records.",
                missing,
            )
            % {"count": missing}
        )
    return result


def in_storage(field_file):
    """Whether a stored file is still there (its content is not read)."""
    try:
        return bool(field_file.name) and field_file.storage.exists(field_file.name)
    except (OSError, ValueError, SuspiciousFileOperation):
        return False


def overall_status(result):
    """The status of `result` once its files are taken into account.

    Figures a calculation found (complete or not) are only "recorded" while
    no evidence file can be read: an auditor asks for the documents, not the
    counts. A listed file missing from storage keeps the indicator partly
    evidenced until it is uploaded again.
    """
    if result.status not in (Status.EVIDENCED, Status.PARTIAL):
        return result.status
    present = [item for item in result.files if not item.missing]
    if not present:
        return Status.RECORDED
    if len(present) < len(result.files):
        return Status.PARTIAL
    return result.status


# --- Credit recognition and competency certificates --------------------------


def _qualifying_activities(indicator, year, user, count_field):
    """Activities started in `year` under a signed agreement that count for
    `indicator`: some participant counted in `count_field`, or of a form the
    indicator names; with a partner of a kind it names, if it names any."""
    first, last = year_bounds(year)
    types = [each.pk for each in indicator.cooperation_types.all()]
    kinds = [each.pk for each in indicator.partner_kinds.all()]
    counted = Participation.objects.filter(**{f"{count_field}__gt": 0})
    qualifying = Q(pk__in=counted.values("activity_id"))
    if types:
        qualifying |= Q(form_id__in=types)
    activities = (
        Activity.objects.for_user(user)
        .filter(qualifying, start_date__range=(first, last))
        .exclude(agreement__status__in=PRE_SIGNING)
    )
    if kinds:
        activities = activities.filter(agreement__partner__kind_id__in=kinds)
    return list(
        activities.select_related("agreement__partner", "unit", "form")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("unit"),
            ),
            "evidence",
        )
        .order_by("start_date", "pk")
    )


def _participation_result(indicator, year, user, *, count_field, count_label):
    activities = _qualifying_activities(indicator, year, user, count_field)
    result = IndicatorResult(indicator, year, Status.NO_EVIDENCE)
    if not activities:
        result.headline = _("No evidence yet: no activity in %(year)s counts.") % {
            "year": year
        }
        return result

    programmes = {}
    total = 0
    detail_rows = []
    for activity in activities:
        counts = [
            (part.unit, getattr(part, count_field))
            for part in activity.participations.all()
        ] or [(activity.unit, 0)]
        for unit, count in counts:
            key = unit.pk if unit else None
            entry = programmes.setdefault(
                key,
                {"unit": unit, "agreements": {}, "activities": [], "count": 0},
            )
            entry["agreements"][activity.agreement.pk] = activity.agreement
            entry["activities"].append(activity)
            entry["count"] += count
            total += count
        agreement = activity.agreement
        detail_rows.append(
            [
                Link(activity.title, activity.get_absolute_url()),
                Link(agreement_label(agreement), agreement.get_absolute_url()),
                agreement.partner.name,
                ", ".join(str(unit) if unit else "—" for unit, _count in counts),
                sum(count for _unit, count in counts),
            ]
        )

    ordered = sorted(
        programmes.values(),
        key=lambda entry: (entry["unit"] is None, str(entry["unit"] or "")),
    )
    result.tables = [
        Table(
            _("Per study programme, %(year)s") % {"year": year},
            [_("Study programme"), _("Agreements"), _("Activities"), count_label],
            [
                [
                    str(entry["unit"]) if entry["unit"] else _("(no programme)"),
                    len(entry["agreements"]),
                    len(entry["activities"]),
                    entry["count"],
                ]
                for entry in ordered
            ],
            footer=[
                _("Total"),
                len({activity.agreement.pk for activity in activities}),
                len(activities),
                total,
            ],
        ),
        Table(
            _("Activities"),
            [
                _("Activity"),
                _("Agreement"),
                _("Partner"),
                _("Study programmes"),
                count_label,
            ],
            detail_rows,
        ),
    ]
    agreements = {activity.agreement.pk: activity.agreement for activity in activities}
    result.records = [
        Link(
            f"{agreement.get_document_type_display()} {agreement_label(agreement)} "
            f"— {agreement.partner.name}",
            agreement.get_absolute_url(),
        )
        for agreement in agreements.values()
    ]
    result.files = [
        item
        for agreement in agreements.values()
        if (item := signed_file_evidence(agreement))
    ] + [
        activity_evidence(activity, evidence)
        for activity in activities
        for evidence in activity.evidence.all()
    ]
    result.status = Status.EVIDENCED if total else Status.PARTIAL
    result.headline = _(
        "%(label)s in %(year)s: %(total)s, from %(activities)s activities "
        "under %(agreements)s agreements."
    ) % {
        "label": count_label,
        "total": total,
        "year": year,
        "activities": len(activities),
        "agreements": len(agreements),
    }
    if not total:
        result.notes.append(
            _("Activities were found, but no participant is counted yet.")
        )
    return result


def credit_recognition(indicator, year, user):
    return _participation_result(
        indicator,
        year,
        user,
        count_field="students_credited",
        count_label=_("Students with credits recognised"),
    )


def competency_certificates(indicator, year, user):
    return _participation_result(
        indicator,
        year,
        user,
        count_field="certificates",
        count_label=_("Certificates issued"),
    )


# --- Policy coverage ---------------------------------------------------------

ASPECTS = [
    ("initiation", gettext_lazy("Initiation")),
    ("execution", gettext_lazy("Execution")),
    ("monitoring", gettext_lazy("Monitoring")),
    ("evaluation", gettext_lazy("Evaluation")),
    ("satisfaction", gettext_lazy("Partner satisfaction evaluation")),
]


def policy_coverage(indicator, year, user):
    try:
        from mitra.records.selectors import current_policies
    except ImportError:
        return IndicatorResult(
            indicator,
            year,
            Status.UNAVAILABLE,
            headline=_("The library of policy documents is not yet available."),
        )

    on = as_of(year)
    policies = list(current_policies(on))
    result = IndicatorResult(indicator, year, Status.NO_EVIDENCE)
    if not policies:
        result.headline = _("No evidence yet: no current policy document.")
        return result

    covered = {
        aspect: [policy for policy in policies if aspect in (policy.covers or [])]
        for aspect, _label in ASPECTS
    }
    result.tables = [
        Table(
            _("Stages covered on %(date)s") % {"date": date_format(on, "DATE_FORMAT")},
            [_("Stage"), _("Covered by")],
            [
                [
                    label,
                    [
                        Link(_policy_title(policy), _record_url(policy))
                        for policy in covered[aspect]
                    ]
                    or _("not covered"),
                ]
                for aspect, label in ASPECTS
            ],
        ),
        Table(
            _("Current documents"),
            [
                _("Document"),
                _("Version"),
                _("Approved on"),
                _("Review due"),
                _("Public"),
            ],
            [
                [
                    Link(policy.title, _record_url(policy)),
                    policy.version,
                    policy.approved_on,
                    policy.review_due,
                    _("yes") if policy.is_published else _("no"),
                ]
                for policy in policies
            ],
        ),
    ]
    result.records = [
        Link(_policy_title(policy), _record_url(policy)) for policy in policies
    ]
    result.files = [
        EvidenceFile(
            label=_policy_title(policy),
            file=policy.file,
            path=(
                f"policy-{slugify(policy.title)[:60] or policy.pk}"
                f"-v{safe_part(policy.version, 20)}{_suffix(policy.file)}"
            ),
            url=_url("records:policy_file", policy.pk),
            record_url=_record_url(policy),
        )
        for policy in policies
        if policy.file
    ]
    count = sum(1 for aspect, _label in ASPECTS if covered[aspect])
    result.status = Status.EVIDENCED if count == len(ASPECTS) else Status.PARTIAL
    result.headline = _(
        "%(count)s of %(total)s stages covered by a current document."
    ) % {
        "count": count,
        "total": len(ASPECTS),
    }
    return result


def _policy_title(policy):
    return f"{policy.title} (v{policy.version})"


def _record_url(obj):
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return ""


# --- Planning documents ------------------------------------------------------


def _issued_pdfs(source, label):
    """The current issued versions of `source` as evidence files."""
    from mitra.documents.models import IssuedDocument

    files = []
    for document in IssuedDocument.objects.of(source).current():
        if not document.pdf_file:
            continue
        stem = slugify(document.title)[:60] or document.kind
        files.append(
            EvidenceFile(
                label=f"{label} (v{document.version})",
                file=document.pdf_file,
                path=f"{stem}-v{document.version}.pdf",
                url=_url("documents:issued_file", document.pk, query="?format=pdf"),
                record_url=_url("documents:issued_detail", document.pk),
            )
        )
    return files


def planning_documents(indicator, year, user):
    try:
        Programme = apps.get_model("planning", "AnnualProgramme")
        TargetSet = apps.get_model("planning", "AnnualTargetSet")
        Target = apps.get_model("planning", "AnnualTarget")
        Plan = apps.get_model("planning", "MultiYearPlan")
    except LookupError:
        return IndicatorResult(
            indicator,
            year,
            Status.UNAVAILABLE,
            headline=_("The planning documents are not yet available."),
        )

    programme = Programme.objects.filter(year=year).first()
    target_set = TargetSet.objects.filter(year=year).first()
    has_targets = Target.objects.filter(year=year).exists()
    plans = list(
        Plan.objects.filter(start_year__lte=year, end_year__gte=year).order_by(
            "-approved_on", "-pk"
        )
    )
    plan = next(
        (each for each in plans if each.approved_on), plans[0] if plans else None
    )

    programme_ok = bool(programme and programme.approved_on)
    targets_ok = bool(has_targets and target_set and target_set.status == "approved")
    plan_ok = bool(plan and plan.approved_on)
    present = [bool(programme), has_targets, bool(plan)]

    def when(value):
        return value.isoformat() if value else _("not approved")

    rows = [
        [
            Link(
                _("Annual cooperation programme %(year)s") % {"year": year},
                _record_url(programme) if programme else "",
            ),
            _("present") if programme else _("missing"),
            when(programme.approved_on) if programme else "—",
        ],
        [
            Link(
                _("Annual targets %(year)s") % {"year": year},
                _record_url(target_set) if target_set else "",
            ),
            _("present") if has_targets else _("missing"),
            (_("approved") if targets_ok else _("not approved"))
            if has_targets
            else "—",
        ],
        [
            Link(
                str(plan)
                if plan
                else _("Multi-year plan covering %(year)s") % {"year": year},
                _record_url(plan) if plan else "",
            ),
            _("present") if plan else _("missing"),
            when(plan.approved_on) if plan else "—",
        ],
    ]
    result = IndicatorResult(indicator, year, Status.NO_EVIDENCE)
    result.tables = [
        Table(
            _("Planning documents for %(year)s") % {"year": year},
            [_("Document"), _("Present"), _("Approved")],
            rows,
        )
    ]
    result.records = [row[0] for row, ok in zip(rows, present, strict=True) if ok]
    if programme:
        result.files += _issued_pdfs(programme, _("Annual cooperation programme"))
    if target_set:
        result.files += _issued_pdfs(target_set, _("Annual targets"))
    if plan and plan.file:
        result.files.append(
            EvidenceFile(
                label=str(plan),
                file=plan.file,
                path=f"multi-year-plan-{plan.start_year}-{plan.end_year}{_suffix(plan.file)}",
                url=_url("planning:plan_file", plan.pk),
                record_url=_record_url(plan),
            )
        )
    approved = sum([programme_ok, targets_ok, plan_ok])
    if approved == 3:
        result.status = Status.EVIDENCED
    elif any(present):
        result.status = Status.PARTIAL
    result.headline = (
        _("%(count)s of 3 planning documents present and approved for %(year)s.")
        % {"count": approved, "year": year}
        if any(present)
        else _("No evidence yet: no planning document for %(year)s.") % {"year": year}
    )
    return result


# --- The network -------------------------------------------------------------


def network(indicator, year, user):
    first, last = year_bounds(year)
    agreements = list(
        in_force_between(Agreement.objects.for_user(user), first, last)
        .select_related("partner", "vision_relevance")
        .order_by("partner__name", "start_date", "pk")
    )
    result = IndicatorResult(indicator, year, Status.NO_EVIDENCE)
    if not agreements:
        result.headline = _("No evidence yet: no agreement in force in %(year)s.") % {
            "year": year
        }
        return result

    cells = {
        (scope, field): {"agreements": 0, "partners": set()}
        for scope in Scope.values
        for field in Tridharma.values
    }
    scopes_met, fields_met, unclassified = set(), set(), 0
    for agreement in agreements:
        scope = agreement.effective_scope
        scopes_met.add(scope)
        if not agreement.fields:
            unclassified += 1
        for field in agreement.fields:
            fields_met.add(field)
            cells[(scope, field)]["agreements"] += 1
            cells[(scope, field)]["partners"].add(agreement.partner_id)

    def scope_partners(scope):
        return len({a.partner_id for a in agreements if a.effective_scope == scope})

    result.tables = [
        Table(
            _("Agreements (partners) in force in %(year)s") % {"year": year},
            [_("Scope"), *[label for _value, label in Tridharma.choices], _("All")],
            [
                [
                    label,
                    *[
                        _pair(
                            cells[(scope, field)]["agreements"],
                            len(cells[(scope, field)]["partners"]),
                        )
                        for field in Tridharma.values
                    ],
                    _pair(
                        sum(1 for a in agreements if a.effective_scope == scope),
                        scope_partners(scope),
                    ),
                ]
                for scope, label in Scope.choices
            ],
        ),
        Table(
            _("Agreements and their relevance to the vision"),
            [_("Agreement"), _("Partner"), _("Scope"), _("Fields"), _("Relevance")],
            [
                [
                    Link(
                        f"{agreement.get_document_type_display()} "
                        f"{agreement_label(agreement)}",
                        agreement.get_absolute_url(),
                    ),
                    agreement.partner.name,
                    agreement.get_effective_scope_display(),
                    agreement.fields_display() or "—",
                    Link(
                        _relevance(agreement) or _("(not noted)"),
                        reverse("reports:relevance", args=[agreement.pk]),
                    ),
                ]
                for agreement in agreements
            ],
        ),
    ]
    result.records = [
        Link(
            f"{agreement.get_document_type_display()} {agreement_label(agreement)} "
            f"— {agreement.partner.name}",
            agreement.get_absolute_url(),
        )
        for agreement in agreements
    ]
    result.files = [
        item for agreement in agreements if (item := signed_file_evidence(agreement))
    ]
    noted = sum(1 for agreement in agreements if _relevance(agreement))
    result.headline = _(
        "%(agreements)s agreements with %(partners)s partners in force in "
        "%(year)s; %(noted)s with their relevance noted."
    ) % {
        "agreements": len(agreements),
        "partners": len({agreement.partner_id for agreement in agreements}),
        "year": year,
        "noted": noted,
    }
    # Relevance to the vision is half of what the indicator states: the
    # network is evidenced only when every agreement in it has its note.
    complete = (
        scopes_met == set(Scope.values)
        and fields_met == set(Tridharma.values)
        and noted == len(agreements)
    )
    result.status = Status.EVIDENCED if complete else Status.PARTIAL
    missing_scopes = [
        label for value, label in Scope.choices if value not in scopes_met
    ]
    if missing_scopes:
        result.notes.append(
            _("No agreement in force at these scopes: %(scopes)s.")
            % {"scopes": ", ".join(str(label) for label in missing_scopes)}
        )
    if noted < len(agreements):
        result.notes.append(
            ngettext(
                "%(count)s agreement has no relevance to the vision noted yet.",
                "%(count)s agreements have no relevance to the vision noted yet.",
                len(agreements) - noted,
            )
            % {"count": len(agreements) - noted}
        )
    if unclassified:
        result.notes.append(
            ngettext(
                "%(count)s agreement has no tridharma field recorded.",
                "%(count)s agreements have no tridharma field recorded.",
                unclassified,
            )
            % {"count": unclassified}
        )
    return result


def _pair(agreements, partners):
    """A cell of the network: agreements, with the partners in brackets."""
    return f"{agreements} ({partners})"


def _relevance(agreement):
    try:
        return agreement.vision_relevance.note
    except Agreement.vision_relevance.RelatedObjectDoesNotExist:
        return ""


CALCULATIONS = {
    Calculation.CREDIT_RECOGNITION: credit_recognition,
    Calculation.COMPETENCY_CERTIFICATES: competency_certificates,
    Calculation.POLICY_COVERAGE: policy_coverage,
    Calculation.PLANNING_DOCUMENTS: planning_documents,
    Calculation.NETWORK: network,
}
