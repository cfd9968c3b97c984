"""Partner names: a canonical key, initials and likely duplicates.

A register writes one partner in many ways. Spellings that differ only in case,
spacing, punctuation, accents or the legal form and where it stands share one
key, `normalize_name`, and are the same partner without asking anyone.
Anything else that may be the same partner (abbreviations, initials, slips of
the keyboard) cannot be known for sure, so `likely_duplicates` only suggests it
for a person to confirm.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

# Words are compared after folding (see `normalize_name`), so all the data below
# is written in lower case without accents or punctuation.

#: Legal forms written before the name (``PT Foo``) or after it (``Foo, PT``).
#: *Yayasan* and *Koperasi* are deliberately absent: a foundation or a
#: cooperative is a different body from the university, hospital or company it
#: runs or belongs to (``Yayasan Universitas X`` is not ``Universitas X``).
LEADING_LEGAL_FORMS = frozenset(
    {"pt", "cv", "ud", "firma", "perum", "perumda", "persero"}
)

#: Legal forms written after the name only (``Foo Tbk``, ``Foo Sdn Bhd``).
#: ``co``, ``corp``, ``company`` and ``corporation`` are words of the name, not
#: legal forms: ``BPC`` is the initials of ``Batam Port Company``.
TRAILING_LEGAL_FORMS = LEADING_LEGAL_FORMS | {
    "tbk",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "nv",
    "bv",
    "pte",
    "pty",
    "sdn",
    "bhd",
    "berhad",
}

#: Words that initials and contractions leave out (``HIAS`` for ``Hanseatic
#: Institute of Applied Sciences``).
SMALL_WORDS = frozenset(
    {
        "dan",
        "serta",
        "atau",
        "di",
        "untuk",
        "and",
        "of",
        "the",
        "for",
        "in",
        "at",
        "on",
        "de",
        "des",
        "du",
        "la",
        "le",
        "der",
        "die",
        "das",
        "und",
        "van",
        "von",
    }
)

#: Words that syllable contractions also leave out, though initials keep them:
#: ``Polibatam`` is *Politeknik Negeri Batam*, ``PNB`` its initials.
CONTRACTION_FILLERS = SMALL_WORDS | {"negeri"}

#: Common abbreviations that are not simply the start of the word they stand
#: for, each with the word sequences it may stand for.  Truncations such as
#: ``univ``, ``yay``, ``inst`` or ``poli``, initials such as ``LSP`` or ``TI``,
#: and contractions of word starts such as ``Pemkot`` are found without a table.
#: An entry may also be one syllable of a contraction: ``Disdik`` is ``dis``
#: (*dinas*) followed by ``dik`` (*pendidikan*).
ABBREVIATIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "mfg": (("manufacturing",),),
    "intl": (("international",), ("internasional",)),
    "natl": (("national",), ("nasional",)),
    "govt": (("government",),),
    "dept": (("department",), ("departemen",)),
    "mgmt": (("management",),),
    "assn": (("association",),),
    "dis": (("dinas",),),
    "dik": (("pendidikan",),),
    "bud": (("kebudayaan",),),
    "hub": (("perhubungan",),),
    "dag": (("perdagangan",),),
    "naker": (("tenaga", "kerja"),),
}


class Reason(StrEnum):
    """Why a candidate is suggested as the same partner."""

    SIMILAR = "similar"
    ABBREVIATION = "abbreviation"
    INITIALS = "initials"


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate that is likely the same partner as a given name."""

    candidate_id: Any
    candidate_name: str
    score: float
    reason: Reason


_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u0060\u00b4]")
# So that "P.T." and "S.A." are the legal forms, not two one-letter words.
_DOTTED_LETTERS = re.compile(r"(?<![^\W_])[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W_])")
_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    # Upper-casing before case folding makes a dotless i agree with "I".
    text = unicodedata.normalize("NFKD", text).upper().casefold()
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if not unicodedata.combining(char))


@lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    text = _APOSTROPHES.sub("", _fold(name))
    text = _DOTTED_LETTERS.sub(lambda found: found.group().replace(".", ""), text)
    return tuple(_WORD.findall(text))


@lru_cache(maxsize=4096)
def _key_words(name: str) -> tuple[str, ...]:
    words = _words(name)
    start, end = 0, len(words)
    while start < end and words[start] in LEADING_LEGAL_FORMS:
        start += 1
    while end > start and words[end - 1] in TRAILING_LEGAL_FORMS:
        end -= 1
    # A name made of legal forms only ("Yayasan", "PT") stays itself.
    return words[start:end] or words


def normalize_name(name: str) -> str:
    """Return the key under which spellings of one partner name coincide.

    Case, accents, spacing (including non-breaking spaces), punctuation and
    the legal form (PT, CV, Tbk, (Persero), Ltd, GmbH, …) before or after the
    name are ignored; digits are kept.  Abbreviations are not expanded: they
    are suggestions, see `likely_duplicates`.
    """
    return " ".join(_key_words(name))


def _significant(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word for word in words if word not in SMALL_WORDS) or words


def initials(name: str) -> str:
    """Return the initials of the significant words of `name`, in upper case.

    Legal forms and small words (dan, and, of, the, di, untuk, …) are skipped;
    a number counts as a whole (``SMK Negeri 1 Batam`` gives ``SN1B``).
    """
    return "".join(
        word if word.isdigit() else word[0] for word in _significant(_key_words(name))
    ).upper()


# An abbreviation is weaker evidence than the word written out, and initials or
# a contraction weaker than a truncated word.
_TRUNCATION = 0.9
_DICTIONARY = 0.9
_INITIALS = 0.8
_CONTRACTION = 0.8
_ALIAS_SCORE = 95.0
_JOINED_SCORE = 95.0
_SIMILAR_WORD = 80
# Abbreviations are short and names have few words; the limits keep the work
# small when a paragraph is pasted into a name field.
_LONGEST_ABBREVIATION = 24
_MOST_WORDS = 40


@dataclass(frozen=True, slots=True)
class _Span:
    end: int
    weight: float
    initials: bool


def _pieces(
    token: str, pos: int, words: tuple[str, ...], index: int
) -> Iterator[tuple[int, int, int, bool]]:
    """Yield (next pos, next index, piece length, from table) for one piece."""
    word = words[index]
    length = 0
    while (
        length < len(word)
        and pos + length < len(token)
        and token[pos + length] == word[length]
    ):
        length += 1
        yield pos + length, index + 1, length, False
    for short, expansions in ABBREVIATIONS.items():
        if token.startswith(short, pos):
            for expansion in expansions:
                if words[index : index + len(expansion)] == expansion:
                    yield pos + len(short), index + len(expansion), len(short), True


@lru_cache(maxsize=16384)
def _spans(token: str, words: tuple[str, ...], start: int) -> tuple[_Span, ...]:
    """Return the ways `token` abbreviates words[start:end], best per end.

    A token abbreviates a run of words when it can be cut into pieces, each the
    start of the next word or a table abbreviation of the next words: ``univ``
    (one truncated word), ``mfg`` (table), ``BOK`` (initials), ``Polinec``
    (contraction ``poli`` + ``ne`` + ``c``).  Small words may be left out
    inside the run, fillers such as *negeri* only by contractions.
    """
    memo: dict[tuple[int, int], set[tuple[int, bool, bool]]] = {}

    def rest(pos: int, index: int) -> set[tuple[int, bool, bool]]:
        """Return (end, all pieces one letter, a filler skipped) for token[pos:]."""
        if (pos, index) in memo:
            return memo[pos, index]
        memo[pos, index] = found = set()
        if index >= len(words):
            return found
        if words[index] in CONTRACTION_FILLERS:
            filler = words[index] not in SMALL_WORDS
            for end, letters, skipped in rest(pos, index + 1):
                found.add((end, letters, skipped or filler))
        for next_pos, next_index, length, _ in _pieces(token, pos, words, index):
            if next_pos == len(token):
                found.add((next_index, length == 1, False))
            else:
                for end, letters, skipped in rest(next_pos, next_index):
                    found.add((end, letters and length == 1, skipped))
        return found

    best: dict[int, _Span] = {}

    def keep(span: _Span) -> None:
        if span.end not in best or span.weight > best[span.end].weight:
            best[span.end] = span

    if not token or start >= len(words) or len(token) > _LONGEST_ABBREVIATION:
        return ()
    for next_pos, next_index, length, table in _pieces(token, 0, words, start):
        if next_pos == len(token):
            if table:
                keep(_Span(next_index, _DICTIONARY, initials=False))
            elif length == len(words[start]):
                continue
            elif length == 1:
                keep(_Span(next_index, _INITIALS, initials=False))
            else:
                weight = _TRUNCATION if length >= 3 else _INITIALS
                keep(_Span(next_index, weight, initials=False))
            continue
        for end, letters, skipped in rest(next_pos, next_index):
            if length == 1 and letters and not skipped:
                keep(_Span(end, _INITIALS, initials=True))
            elif length >= 2 or table:
                keep(_Span(end, _CONTRACTION, initials=False))
    return tuple(best.values())


def _alignment(
    left: tuple[str, ...], right: tuple[str, ...]
) -> tuple[float, bool] | None:
    """Return (score, only initials) if each side abbreviates or equals the other.

    Every word on both sides must be accounted for, word by word in order:
    equal, or one word abbreviating a run of words of the other side.
    """
    memo: dict[tuple[int, int], tuple[float, int, bool] | None] = {}

    def cost(i: int, j: int) -> tuple[float, int, bool] | None:
        """Return (weight lost, steps, all steps initials) for the rest, or None."""
        if i == len(left) and j == len(right):
            return 0.0, 0, True
        if i == len(left) or j == len(right):
            return None
        if (i, j) in memo:
            return memo[i, j]
        options = []
        if left[i] == right[j] and (after := cost(i + 1, j + 1)):
            options.append((after[0], after[1] + 1, False))
        for span in _spans(left[i], right, j):
            if after := cost(i + 1, span.end):
                lost = (1 - span.weight) * (span.end - j)
                options.append(
                    (after[0] + lost, after[1] + 1, span.initials and after[2])
                )
        for span in _spans(right[j], left, i):
            if after := cost(span.end, j + 1):
                lost = (1 - span.weight) * (span.end - i)
                options.append(
                    (after[0] + lost, after[1] + 1, span.initials and after[2])
                )
        memo[i, j] = min(options, default=None, key=lambda option: option[0])
        return memo[i, j]

    result = cost(0, 0)
    if result is None or result[0] == 0:
        return None
    lost, steps, only_initials = result
    score = max(0.0, 100 * (1 - lost / max(len(left), len(right))))
    return score, only_initials and steps == 1


def _variants(words: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
    """Return the name, and its core and alias if it ends with its initials."""
    variants = [(words, "full")]
    if len(words) >= 3:
        core, alias = words[:-1], words[-1]
        if any(span.end == len(core) for span in _spans(alias, core, 0)):
            variants += [(core, "core"), ((alias,), "alias")]
    return variants


def _similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    """Return a fuzzy score, or 0 unless every word has a near twin opposite."""
    if "".join(left) == "".join(right):
        return _JOINED_SCORE
    for one, other in ((left, right), (right, left)):
        twins = set(other)
        for word in set(_significant(one)) - twins:
            if any(char.isdigit() for char in word):
                return 0.0
            if max(fuzz.ratio(word, near) for near in twins) < _SIMILAR_WORD:
                return 0.0
    return fuzz.token_sort_ratio(" ".join(left), " ".join(right))


def _compare(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[float, Reason]:
    if max(len(left), len(right)) > _MOST_WORDS:
        return 0.0, Reason.SIMILAR
    best = (_similarity(left, right), Reason.SIMILAR)
    for one, one_kind in _variants(left):
        for other, other_kind in _variants(right):
            if one_kind == other_kind == "alias":
                continue
            if one == other:
                written_out = (one_kind, other_kind) == ("full", "full")
                if not written_out and best[0] < _ALIAS_SCORE:
                    best = (_ALIAS_SCORE, Reason.INITIALS)
                continue
            # Two bodies may share initials; only their full names tell.
            if "alias" in (one_kind, other_kind):
                continue
            if found := _alignment(one, other):
                score, only_initials = found
                if score > best[0]:
                    reason = Reason.INITIALS if only_initials else Reason.ABBREVIATION
                    best = (score, reason)
    return best


def likely_duplicates(
    name: str,
    candidates: Iterable[tuple[Any, str]],
    *,
    threshold: float = 75.0,
) -> list[Match]:
    """Return the candidates that are likely the same partner as `name`.

    `candidates` are ``(id, name)`` pairs; one id may come with several names
    (its aliases), and is then suggested once, under its best name.  A
    candidate with a name that normalises like `name` is already the same
    partner and is left out.  Suggestions score from 0 to 100 and are sorted
    best first; those below `threshold` are dropped.
    """
    key = _key_words(name)
    if not key:
        return []
    same: set[Any] = set()
    best: dict[Any, Match] = {}
    for candidate_id, candidate_name in candidates:
        if candidate_id in same:
            continue
        other = _key_words(candidate_name)
        if other == key:
            same.add(candidate_id)
            best.pop(candidate_id, None)
            continue
        if not other:
            continue
        score, reason = _compare(key, other)
        score = round(score, 1)
        if score < threshold:
            continue
        current = best.get(candidate_id)
        if current is None or score > current.score:
            best[candidate_id] = Match(candidate_id, candidate_name, score, reason)
    return sorted(best.values(), key=lambda match: (-match.score, match.candidate_name))
