"""German protocol language as data: loads `kg/patterns/*.yaml` once and compiles it.

Part of the kernel: parse and extract read their word lists from here, so a reviewer who
reads protocols can change behaviour by editing YAML, not Python.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ExtractError
from kg.ids import fold

PATTERNS_DIR = Path(__file__).parent / "patterns"


def _letter_class(test: str) -> str:
    """Body of a regex character class: the Latin letters (with Latin-1, Extended-A/B and
    Extended Additional) for which `str.<test>()` holds, as ranges. Names of every origin
    keep all their letters: "Yılmaz", "Aydoğan", "Kılıç-Wagner", "Łukasz", "Søren"."""
    codes = [
        c
        for c in (*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00))
        if chr(c).isalpha() and getattr(chr(c), test)()
    ]
    ranges: list[str] = []
    start = prev = codes[0]
    for c in [*codes[1:], -1]:
        if c != prev + 1:
            ranges.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
            start = c
        prev = c
    return "".join(ranges)


UPPER = _letter_class("isupper")
# Lower-case letters and combining marks (a name written in decomposed form: "Sahin" + U+0327).
LOWER = _letter_class("islower") + "\u0300-\u036f"
NAME = rf"[{UPPER}][{LOWER}]+(?:[-–][{UPPER}][{LOWER}]+)*"
INITIAL = rf"[{UPPER}]\."


# libyaml's loader when the wheel has it: the Python one takes ~0.4 s for the pattern files,
# which every `kg` command that extracts pays once.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(name: str) -> dict[str, Any]:
    """Load one pattern file.

    Raises:
        ExtractError: when the file is missing or not a YAML mapping.
    """
    path = PATTERNS_DIR / name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise ExtractError(f"pattern file {path}: {error}") from error
    if not isinstance(data, dict):
        raise ExtractError(f"pattern file {path}: expected a mapping")
    return data


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def grouped_alternation(words: list[str], not_after: str = "") -> str:
    r"""The alternation `w1|w2|…` of the literal `words` with the words that share a first
    letter under one branch (`A(?:bc|b)|B(?:…)`), for a pattern without IGNORECASE.

    It matches exactly what the plain alternation matches, in the same order of preference
    (the words of one letter keep their order), but the engine tries one branch per letter
    instead of every word at each position of the text. `not_after`, a character class that
    may not stand before the word, is the same as `(?<!not_after)` in front of the
    alternation; it is checked after the first letter, so that the pattern still begins with
    letters, which the engine searches for quickly.

    >>> grouped_alternation(["Abc", "Bx", "Ab"])
    'A(?:bc|b)|B(?:x)'
    >>> grouped_alternation(["Herrn", "Frau"], not_after=r"\w")
    'H(?<!\\wH)(?:errn)|F(?<!\\wF)(?:rau)'
    """
    if not all(words):  # an empty word matches anywhere: no letter to group by
        plain = "|".join(re.escape(w) for w in words)
        return f"(?<!{not_after})(?:{plain})" if not_after else plain
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(
        f"{_first_letter(first, not_after)}(?:{'|'.join(re.escape(rest) for rest in rests)})"
        for first, rests in groups.items()
    )


def _first_letter(letter: str, not_after: str) -> str:
    escaped = re.escape(letter)
    return f"{escaped}(?<!{not_after}{escaped})" if not_after else escaped


def _grouped(words: list[str]) -> str:
    """`_alternation(words)` as a `grouped_alternation` (for patterns matching case)."""
    return grouped_alternation(sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class RoleWord:
    """A role word before a name: its category (member, chair, mayor, ...) and gender."""

    word: str
    category: str
    address: str | None


@dataclass(frozen=True, slots=True)
class CueForm:
    """A cue: head verb plus words that must follow later in the same sentence."""

    act: str
    head: str
    rest: tuple[str, ...]
    needs: str | None
    negated: str | None = None  # the act when "nicht"/"kein" negates the cue
    not_before: frozenset[str] = frozenset()  # words that may not follow the cue directly
    opinion: bool = False  # an opinion verb: Information only when nothing else is said
    unless: frozenset[str] = frozenset()  # words of the sentence that make it another act


@dataclass(frozen=True, slots=True)
class FactionEntry:
    """A faction with its canonical label, party abbreviation and folded variants."""

    abbreviation: str
    label: str
    variants: tuple[str, ...]


class Lexicon:
    """All word lists and compiled patterns; build it with `lexicon()` (cached)."""

    def __init__(self) -> None:
        persons = load_yaml("persons.yaml")
        self.addresses: dict[str, str] = {
            k: v["address"] for k, v in persons["forms_of_address"].items()
        }
        self.titles = tuple(t["title"] for t in persons["titles"])
        self.roles = {
            word: RoleWord(word, spec["category"], spec.get("address"))
            for word, spec in persons["role_words"].items()
        }
        self.not_surnames = frozenset(persons["not_surnames"])
        self.particles = frozenset(persons["particles"])
        self.given_names = frozenset(_read_given_names())
        self._load_cues(load_yaml("cues.yaml"))
        self._load_factions(load_yaml("factions.yaml"))
        self.departments = load_yaml("departments.yaml")
        self.initiatives = load_yaml("initiatives.yaml")
        self.places = load_yaml("places.yaml")
        self.votes = load_yaml("votes.yaml")
        self.layout = load_yaml("layout.yaml")
        self.artefacts = frozenset(fold(a) for a in self.layout["artefacts"])
        self._compile_person_patterns()
        # First word (letters only) of every way a person reference can start: a cheap test
        # before the full patterns run at each sentence start.
        self.ref_openers = frozenset(
            re.split(r"[^\wäöüÄÖÜß]", word)[0] for word in [*self.addresses, *self.roles]
        )

    def _load_cues(self, cues: dict[str, Any]) -> None:
        forms: list[CueForm] = []
        for act, spec in cues["speech_verbs"].items():
            negated, not_before = spec.get("negated"), frozenset(spec.get("not_before", ()))
            unless = frozenset(spec.get("unless", ()))
            needs_only = spec.get("needs_only")
            for form, opinion in [
                *((f, False) for f in spec["forms"]),
                *((f, True) for f in spec.get("opinion_forms", ())),
            ]:
                words = form.split()
                rest, needs = tuple(words[1:]), spec.get("needs")
                needs = needs if needs_only is None or form in needs_only else None
                forms.append(
                    CueForm(act, words[0], rest, needs, negated, not_before, opinion, unless)
                )
        self.cue_forms = tuple(forms)
        by_head: dict[str, list[CueForm]] = {}
        for form in forms:
            by_head.setdefault(form.head, []).append(form)
        self.cue_forms_by_head = {head: tuple(group) for head, group in by_head.items()}
        self.cue_heads = frozenset(f.head for f in forms)
        self.audience_words = frozenset(cues["audience_words"])
        self.inversion_openers = frozenset(cues["inversion_openers"])
        self.not_turn_verbs = frozenset(cues["not_turn_verbs"])
        self.reply_cues = frozenset(cues["reply_cues"])
        self.negations = frozenset(cues["negations"])
        self.answer_opener_re = re.compile(
            rf"(?<!\w)(?:{_alternation(cues['answer_openers'])})(?!\w)", re.IGNORECASE
        )
        self.act_order = tuple(cues["speech_verbs"])
        self.vote_call_re = re.compile(
            rf"\s*(?:{_alternation(cues['vote_calls'])})(?!\w)[^.!?]*\?", re.IGNORECASE
        )

    def _load_factions(self, data: dict[str, Any]) -> None:
        self.factions = tuple(
            FactionEntry(f["abbreviation"], f["label"], tuple(f["variants"]))
            for f in data["factions"]
        )
        self.non_factions = frozenset(fold(w) for w in data["non_factions"])
        groups = data["local_groups"]
        self.local_groups = groups
        self._group_not_endings = tuple(fold(e) for e in groups["not_endings"])
        self._group_not_lists = tuple(groups["not_lists"])
        self.faction_by_variant: dict[str, FactionEntry] = {}
        self._faction_entries: dict[str, FactionEntry | None] = {}  # faction_entry's answers
        for entry in self.factions:
            for variant in (*entry.variants, entry.abbreviation, entry.label):
                self.faction_by_variant.setdefault(fold(variant), entry)
        variants = [v for e in self.factions for v in (*e.variants, e.abbreviation)]
        alt = _grouped(variants)
        # The letters a match can begin with (of "Rats…", "Kreistags…", "Bezirks…", "Fraktion",
        # "fraktion" and the variants): a cheap test before the alternatives at each position.
        firsts = "".join(re.escape(c) for c in sorted({*"RKBFf", *(v[0] for v in variants)}))
        # "SPD-Fraktion", "Fraktion der SPD", "Fraktion Bündnis 90/Die Grünen", "(SPD)", "SPD",
        # "SPD-Fraktionsbüro" (the faction's office names the faction)
        self.faction_re = re.compile(
            rf"(?=[{firsts}])(?<![\w/-])"
            rf"(?:(?:Rats|Kreistags|Bezirks)?[Ff]raktion(?:en)?\s+(?:der\s+|des\s+)?"
            rf"(?P<a>{alt})|(?P<b>{alt})(?:-(?:Rats|Kreistags)?[Ff]raktion(?:sbüro)?|-Gruppe)?)(?![\w-])"
        )

    def _compile_person_patterns(self) -> None:
        roles = _grouped(list(self.roles))
        titles = r"(?:(?:Prof\.|Dr\.)(?:\s*(?:med|rer\.\s*nat|phil|jur)\.)?\s*)+"
        inner = r"(?:(?:von|van|de|ten|ter)[ \t]+(?:(?:der|den|dem)[ \t]+)?)?"
        # A first name may end a line: "Herr Karl-Heinz\nStöckmann" (see parse_refs).
        wrap = rf"[ \t]*\n[ \t]*(?!(?:Herrn?|Frau|{roles})(?!\w))"
        names = rf"(?:(?:{INITIAL}\s*)?{NAME}(?:(?:[ \t]+|{wrap}){inner}{NAME})?)"
        particle = r"(?:(?:von|van|de|zu|vom|ten|ter)\s+(?:(?:der|den|dem)\s+)?)?"
        faction = r"(?:\s*\((?P<bracket>[^()\n]{1,60})\))?"
        body = rf"(?P<title>{titles})?(?P<names>{particle}{names})"
        # Word boundaries before the role word or form of address are checked after its first
        # letter (`not_after`), so that the patterns begin with letters.
        addresses = grouped_alternation(["Herrn", "Herr", "Frau"], not_after=r"\w")  # \b(?:…)
        self.address_ref_re = re.compile(
            rf"(?P<addr>{addresses})\s+(?:(?P<role>{roles})\s+)?{body}{faction}"
        )
        role_words = grouped_alternation(sorted(set(self.roles), key=len, reverse=True), r"[\w.]")
        self.role_ref_re = re.compile(
            # A role word at a line end is a list entry ("Roesner, Friedrich Bezirksbürgermeister"),
            # so the name must follow on the same line.
            # "Der Vorsitzende Herr Straßmeier": the form of address may follow the role word;
            # so may a short bracket or a Hessian "Stadtrat (hauptamtlich)".
            rf"(?P<role>{role_words})"  # after no letter or dot: (?<![\w.])
            r"(?:[ \t]*\([A-Za-zÄÖÜäöü]{1,6}\)|[ \t]+\((?:haupt|ehren)amtlich\))?[ \t]+"
            rf"(?:(?P<addr>Herrn|Herr|Frau)[ \t]+)?{body}{faction}"
        )
        self.surname_given_re = re.compile(
            rf"(?P<surname>(?<![\w-]){particle}{NAME}),\s+(?P<given>{NAME}(?:-{NAME})?(?:\s+{NAME})??)"
            rf"(?:\s+(?P<particle>von der|van der|von|van|de|zu)(?!\w))?"
            rf"(?:\s*\((?P<bracket>[^()\n]{{1,60}})\))?"
        )

    def faction_entry(self, text: str) -> FactionEntry | None:
        """The faction a bracket or phrase names, if it is a known faction.

        >>> lexicon().faction_entry("Bündnis 90/Die Grünen").abbreviation
        'GRÜNE'
        """
        if text in self._faction_entries:
            return self._faction_entries[text]
        if len(self._faction_entries) >= 4096:
            self._faction_entries.clear()
        entry = self._faction_entries[text] = self._find_faction_entry(text)
        return entry

    def _find_faction_entry(self, text: str) -> FactionEntry | None:
        """`faction_entry` without the memory of earlier answers."""
        key = fold(text).strip(" .:")
        candidates = [key, key + "."]
        for suffix in ("-fraktion", " fraktion", "-ratsfraktion"):
            if key.endswith(suffix):
                candidates.append(key.removesuffix(suffix))
        for prefix in ("fraktion der ", "fraktion ", "ratsfraktion "):
            if key.startswith(prefix):
                candidates.append(key.removeprefix(prefix))
        return next(
            (self.faction_by_variant[c] for c in candidates if c in self.faction_by_variant), None
        )

    def local_group(self, name: str, town: str = "") -> bool:
        """Whether a name unknown to the gazetteer is shaped like a local voter group or list
        (the caller knows that it stands where a faction goes); a short name with the `town`
        in it is one too ("Mehrwertstadt Erfurt", "Hagen Aktiv").

        >>> [lexicon().local_group(n) for n in ("Bürger für Musterstadt", "BfM", "Amt für Sport")]
        [True, True, False]
        >>> lexicon().local_group("Zukunft Tal", town="Tal"), lexicon().local_group("Zukunft Tal")
        (True, False)
        >>> lexicon().local_group("Offene Klever", town="Kleve"), lexicon().local_group("Pro Au")
        (True, True)
        """
        spec = self.local_groups
        name = name.strip(' „“"')
        words = name.split()
        if not 1 <= len(words) <= 6 or not name[:1].isupper() or words[0] in self.roles:
            return False
        folded = [fold(w).strip(".,") for w in words]
        if folded[-1].endswith(self._group_not_endings):
            return False
        place = max(re.findall(r"\w{3,}", fold(town)), key=len, default="")  # "Bad Kreuznach"
        if place and any(w.startswith(place) for w in folded) and 2 <= len(words) <= 4:
            # the town or its demonym: "Hagen Aktiv", "Offene Klever"
            return all(w[:1].isupper() or w in ("für", "in") for w in words) and not any(
                w.endswith(self._group_not_endings) for w in folded
            )
        if _GROUP_ACRONYM.fullmatch(name) or any(
            g in w for w in folded for g in spec["group_words"]
        ):
            return True
        if any(
            w.endswith(spec["list_word"]) and not w.startswith(self._group_not_lists)
            for w in folded
        ):
            return True
        if len(words) == 2 and words[0] in spec["place_openers"] and words[1][:1].isupper():
            return True  # "Pro Kirchmöser"
        joined = any(w in ("für", "in") for w in words[1:-1]) or words[-1] == "alle"
        if words[0] in spec["openers"] and (joined or words[1:2] in (["Bürger"], ["Wähler"])):
            return True
        # "Die Andere", "Die Unabhängigen": an article and one capitalised word, no role noun
        return (
            len(words) == 2
            and words[0] == "Die"
            and words[1][:1].isupper()
            and words[1] not in self.roles
            and re.fullmatch(r"[A-ZÄÖÜ][a-zäöüß]+(?:e|en)", words[1]) is not None
            and not words[1].endswith(("nde", "nden", "te", "ten"))
        )


# A short group name in capitals with "für"/"und" as small letters: "BfM", "BfHo", "BuW"
# ("AfU" is an "Amt für …").
_GROUP_ACRONYM = re.compile(r"(?!Af)[A-ZÄÖÜ]+[fu][A-ZÄÖÜ][A-Za-zäöü]{0,3}")


def _read_given_names() -> list[str]:
    text = (PATTERNS_DIR / "given_names.txt").read_text(encoding="utf-8")
    return [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]


@functools.cache
def lexicon() -> Lexicon:
    """The process-wide lexicon (loaded once).

    Raises:
        ExtractError: when a pattern file is missing or malformed.
    """
    return Lexicon()
