"""Reading the planning records: the needs matrix, its gaps, target progress.

Every function here runs a fixed number of queries whatever the number of
units, cooperation types, targets or agreements: the unit tree and the
agreements that matter are read once, and matched in Python.

Two rules are decided here and described in the README:

* **A gap** is a unit's need (low, medium or high) for a cooperation type
  that no agreement in force covers: an agreement covers a unit when one of
  its units is that unit or a unit below it (a prodi's agreement covers its
  jurusan's need too), and it lists that cooperation type. The day looked
  at is today for the current year, 31 December for a past year and
  1 January for a future one (`gap_date`).
* **Progress on a target** counts, for a target on agreements, the
  agreements signed in the year (the signing date, else the start date;
  terminated ones still count, since they were signed) and, for a target
  on activities, the activities started in the year. An agreement or
  activity counts for a unit's target when it belongs to that unit or a
  unit below it (an activity without a unit belongs to its agreement's
  units); document type, scope (the agreement's own, else its partner's)
  and cooperation type (the agreement's types, the activity's form) must
  match when the target names them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf

from mitra.core.clock import today
from mitra.core.models import Unit, UnitKind
from mitra.core.permissions import Action, can
from mitra.planning.models import (
    NEEDED_LEVELS,
    AnnualTarget,
    AnnualTargetSet,
    CooperationType,
    NeedCell,
    NeedLevel,
    NeedsMapping,
    TargetMeasure,
)

#: Kinds of unit that have rows in the needs mapping.
MAPPED_UNIT_KINDS = (UnitKind.JURUSAN, UnitKind.PRODI, UnitKind.UNIT)


# --- The unit tree --------------------------------------------------------


class UnitTree:
    """The parent of every unit, read in one query, to walk up and down."""

    def __init__(self):
        self.parent = dict(Unit.objects.values_list("pk", "parent_id"))
        self._children = defaultdict(set)
        for pk, parent in self.parent.items():
            if parent is not None:
                self._children[parent].add(pk)

    def ancestors(self, unit_id):
        """Return `unit_id` and every unit above it."""
        found, current = [], unit_id
        while current is not None and current not in found:
            found.append(current)
            current = self.parent.get(current)
        return found

    def descendants(self, unit_id):
        """Return `unit_id` and every unit below it."""
        found, frontier = {unit_id}, [unit_id]
        while frontier:
            current = frontier.pop()
            for child in self._children.get(current, ()):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return found


def matrix_units():
    """Return the active units that have rows in the mapping, tree order."""
    units = list(
        Unit.objects.filter(is_active=True, kind__in=MAPPED_UNIT_KINDS).select_related(
            "parent"
        )
    )
    by_pk = {unit.pk: unit for unit in units}

    def path(unit):
        steps = []
        while unit is not None:
            steps.append(unit.code)
            unit = by_pk.get(unit.parent_id)
        return list(reversed(steps))

    kind_order = {UnitKind.JURUSAN: 0, UnitKind.PRODI: 0, UnitKind.UNIT: 1}
    units.sort(key=lambda unit: (kind_order.get(unit.kind, 2), path(unit)))
    for unit in units:
        unit.depth = len(path(unit)) - 1
    return units


# --- Needs mapping and gaps ---------------------------------------------------


def gap_date(year, on=None):
    """Return the day on which agreements are looked at for `year`'s gaps."""
    on = on or today()
    if year < on.year:
        return datetime.date(year, 12, 31)
    if year > on.year:
        return datetime.date(year, 1, 1)
    return on


def covered_pairs(on, tree=None):
    """Return the (unit id, cooperation type id) pairs covered on day `on`.

    A pair is covered when an agreement in force on `on` lists the
    cooperation type and one of its units is the unit or a unit below it.
    """
    from mitra.agreements.models import Agreement

    tree = tree or UnitTree()
    rows = (
        Agreement.objects.in_force(on)
        .filter(units__isnull=False, cooperation_types__isnull=False)
        .values_list("units", "cooperation_types")
        .distinct()
    )
    covered = set()
    for unit_id, type_id in rows:
        for ancestor in tree.ancestors(unit_id):
            covered.add((ancestor, type_id))
    return covered


@dataclass
class MatrixRow:
    unit: Unit
    cells: list
    can_fill: bool = False

    @property
    def gap_count(self):
        return sum(1 for cell in self.cells if cell.is_gap)

    @property
    def need_count(self):
        return sum(1 for cell in self.cells if cell.is_needed)


@dataclass
class Matrix:
    """A year's mapping as rows of units by columns of cooperation types."""

    mapping: NeedsMapping
    types: list
    rows: list
    on: datetime.date
    column_gaps: list = field(default_factory=list)

    @property
    def gap_count(self):
        return sum(row.gap_count for row in self.rows)

    @property
    def need_count(self):
        return sum(row.need_count for row in self.rows)

    def gaps(self):
        """Return every cell that is a gap, row by row."""
        return [cell for row in self.rows for cell in row.cells if cell.is_gap]


def _blank_cell(mapping, unit, cooperation_type):
    return NeedCell(
        mapping=mapping, unit=unit, cooperation_type=cooperation_type, level="none"
    )


def mapping_matrix(mapping, *, user=None, on=None, only_units=None):
    """Return the `Matrix` of `mapping` as `user` may see it (None: all of it).

    Each cell carries `is_gap` and `is_covered`. Unsaved cells stand where a
    unit has not said anything yet (level none). `only_units` limits the
    rows to those unit ids.
    """
    on = on or gap_date(mapping.year)
    tree = UnitTree()
    types = list(CooperationType.objects.filter(is_active=True))
    units = [
        unit
        for unit in matrix_units()
        if user is None or can(user, Action.VIEW, NeedCell(mapping=mapping, unit=unit))
    ]
    if only_units is not None:
        units = [unit for unit in units if unit.pk in only_units]
    saved = {
        (cell.unit_id, cell.cooperation_type_id): cell
        for cell in NeedCell.objects.filter(
            mapping=mapping, unit__in=[unit.pk for unit in units]
        ).select_related("updated_by")
    }
    covered = covered_pairs(on, tree)

    rows = []
    for unit in units:
        cells = []
        for kind in types:
            cell = saved.get((unit.pk, kind.pk)) or _blank_cell(mapping, unit, kind)
            cell.unit, cell.cooperation_type = unit, kind
            cell.is_covered = (unit.pk, kind.pk) in covered
            cell.is_gap = cell.is_needed and not cell.is_covered
            cells.append(cell)
        can_fill = user is not None and can(
            user, Action.CHANGE, NeedCell(mapping=mapping, unit=unit)
        )
        rows.append(MatrixRow(unit=unit, cells=cells, can_fill=can_fill))
    column_gaps = [
        sum(1 for row in rows if row.cells[index].is_gap) for index in range(len(types))
    ]
    return Matrix(
        mapping=mapping, types=types, rows=rows, on=on, column_gaps=column_gaps
    )


def mapping_cells_for(*, unit, cooperation_types, year):
    """Return the needs-mapping cells matching a proposal, for its analysis.

    The cells of `unit` and of the units above it (a prodi's proposal also
    meets its jurusan's needs) for the given cooperation types, in `year`'s
    mapping; with no unit (a partner's own request), every unit's need for
    those types. Only cells with a need are returned, each with `is_gap`.
    An empty list when there is no mapping for the year.
    """
    mapping = NeedsMapping.objects.filter(year=year).first()
    type_ids = [getattr(kind, "pk", kind) for kind in cooperation_types]
    if mapping is None or not type_ids:
        return []
    tree = UnitTree()
    cells = NeedCell.objects.filter(
        mapping=mapping, cooperation_type_id__in=type_ids, level__in=NEEDED_LEVELS
    ).select_related("unit", "cooperation_type")
    if unit is not None:
        cells = cells.filter(unit_id__in=tree.ancestors(getattr(unit, "pk", unit)))
    cells = list(cells.order_by("unit__code", "cooperation_type__ordering"))
    covered = covered_pairs(gap_date(year), tree)
    for cell in cells:
        cell.is_covered = (cell.unit_id, cell.cooperation_type_id) in covered
        cell.is_gap = not cell.is_covered
    return cells


LEVEL_RANK = {
    NeedLevel.NONE: 0,
    NeedLevel.LOW: 1,
    NeedLevel.MEDIUM: 2,
    NeedLevel.HIGH: 3,
}


# --- Targets and their progress -------------------------------------------------


@dataclass
class TargetProgress:
    """A target with what has been achieved towards it so far."""

    target: AnnualTarget
    achieved: int
    matched_ids: list = field(default_factory=list)

    @property
    def count(self):
        return self.target.count

    @property
    def percent(self):
        """Achieved as a percentage of the target (100 when the target is 0)."""
        if not self.target.count:
            return 100
        return round(100 * self.achieved / self.target.count)

    @property
    def bar_percent(self):
        return min(self.percent, 100)

    @property
    def is_met(self):
        return self.achieved >= self.target.count

    @property
    def remaining(self):
        return max(self.target.count - self.achieved, 0)


@dataclass
class _Counted:
    """An agreement or activity, reduced to what targets match on."""

    pk: int
    unit_ids: set
    document_type: str
    scope: str
    type_ids: set


COUNTED_STATUSES = ("signed", "in_renewal", "terminated")


def _agreements_signed_in(year):
    from mitra.agreements.models import Agreement

    rows = (
        Agreement.objects.filter(status__in=COUNTED_STATUSES)
        .annotate(
            signed_day=Coalesce("signed_on", "start_date"),
            scope_value=Coalesce(NullIf("scope", Value("")), "partner__scope"),
        )
        .filter(signed_day__year=year)
    )
    items = {
        pk: _Counted(pk, set(), document_type, scope or "", set())
        for pk, document_type, scope in rows.values_list(
            "pk", "document_type", "scope_value"
        )
    }
    if not items:
        return []
    through_units = Agreement.units.through.objects.filter(agreement_id__in=items)
    for agreement_id, unit_id in through_units.values_list("agreement_id", "unit_id"):
        items[agreement_id].unit_ids.add(unit_id)
    through_types = Agreement.cooperation_types.through.objects.filter(
        agreement_id__in=items
    )
    for agreement_id, type_id in through_types.values_list(
        "agreement_id", "cooperationtype_id"
    ):
        items[agreement_id].type_ids.add(type_id)
    return list(items.values())


def _activities_started_in(year):
    from mitra.agreements.models import Activity, Agreement

    rows = list(
        Activity.objects.filter(start_date__year=year)
        .annotate(
            scope_value=Coalesce(
                NullIf("agreement__scope", Value("")), "agreement__partner__scope"
            )
        )
        .values_list(
            "pk",
            "unit_id",
            "form_id",
            "agreement_id",
            "agreement__document_type",
            "scope_value",
        )
    )
    if not rows:
        return []
    agreement_units = defaultdict(set)
    through = Agreement.units.through.objects.filter(
        agreement_id__in={row[3] for row in rows if row[1] is None}
    )
    for agreement_id, unit_id in through.values_list("agreement_id", "unit_id"):
        agreement_units[agreement_id].add(unit_id)
    return [
        _Counted(
            pk,
            {unit_id} if unit_id else set(agreement_units[agreement_id]),
            document_type,
            scope or "",
            {form_id} if form_id else set(),
        )
        for pk, unit_id, form_id, agreement_id, document_type, scope in rows
    ]


def _matches(target, item, tree):
    if target.document_type and item.document_type != target.document_type:
        return False
    if target.scope and item.scope != target.scope:
        return False
    if target.cooperation_type_id and target.cooperation_type_id not in item.type_ids:
        return False
    if target.unit_id:
        return bool(item.unit_ids & tree.descendants(target.unit_id))
    return True


def progress_of(targets, year):
    """Return a `TargetProgress` for each of `targets` (all of `year`)."""
    targets = list(targets)
    if not targets:
        return []
    tree = UnitTree()
    measures = {target.measure for target in targets}
    counted = {
        TargetMeasure.AGREEMENTS: (
            _agreements_signed_in(year) if TargetMeasure.AGREEMENTS in measures else []
        ),
        TargetMeasure.ACTIVITIES: (
            _activities_started_in(year) if TargetMeasure.ACTIVITIES in measures else []
        ),
    }
    result = []
    for target in targets:
        matched = [
            item.pk for item in counted[target.measure] if _matches(target, item, tree)
        ]
        result.append(
            TargetProgress(target=target, achieved=len(matched), matched_ids=matched)
        )
    return result


def _targets(year):
    return AnnualTarget.objects.filter(year=year).select_related(
        "unit", "cooperation_type"
    )


def target_progress(year):
    """Return the progress of every target of `year`: institution first."""
    targets = sorted(
        _targets(year),
        key=lambda target: (
            target.unit_id is not None,
            target.unit.code if target.unit_id else "",
            target.measure,
            target.document_type,
            target.scope,
            target.pk,
        ),
    )
    return progress_of(targets, year)


def targets_for(*, unit, year):
    """Return the progress of the targets a proposal of `unit` would serve.

    The targets of `unit`, of the units above it and of the institution as a
    whole; with no unit, the institution's own targets.
    """
    targets = _targets(year)
    if unit is None:
        targets = targets.filter(unit__isnull=True)
    else:
        ancestors = UnitTree().ancestors(getattr(unit, "pk", unit))
        targets = targets.filter(Q(unit__isnull=True) | Q(unit_id__in=ancestors))
    return progress_of(targets.order_by("unit__code", "pk"), year)


def target_set(year):
    """Return the targets' approval record of `year`, or None."""
    return (
        AnnualTargetSet.objects.filter(year=year).select_related("approved_by").first()
    )
