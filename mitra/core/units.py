"""Reading the unit tree: descendants and matching a written unit name."""

from django.db.models import Q

from mitra.partners.names import normalize_name


def descendant_ids(unit_ids):
    """Return the given unit ids together with the ids of all units below."""
    from mitra.core.models import Unit

    found = set(unit_ids)
    frontier = set(found)
    while frontier:
        frontier = set(
            Unit.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found


def _unit_key(text):
    return " ".join(str(text).casefold().split())


class UnitMatcher:
    """Match how people write a unit (code, name or alias) to one unit.

    Built once from the whole tree so an import of many rows costs one query.
    """

    def __init__(self, units=None):
        from mitra.core.models import Unit

        units = list(units if units is not None else Unit.objects.all())
        self._index = {}
        for unit in units:
            for text in [unit.code, unit.name, *unit.aliases]:
                for key in {_unit_key(text), normalize_name(str(text))}:
                    if key:
                        self._index.setdefault(key, set()).add(unit)

    def match(self, text):
        """Return the matching units for the text (empty, one, or several)."""
        text = str(text or "").strip()
        if not text:
            return []
        units = self._index.get(_unit_key(text)) or self._index.get(
            normalize_name(text), set()
        )
        return sorted(units, key=lambda unit: unit.code)


def unit_search_q(text):
    return Q(name__icontains=text) | Q(code__icontains=text)
