"""Administration units named in a protocol: "Fachbereich Jugend und Soziales", "Amt für
Wohnungswesen", "Jugendamt", "Dez. II", "Abfallwirtschaftsbetrieb Kiel", "FB 55".

Part of the extract stage (`kg.extract_entities` collects every kind of mention). A unit is a
head word with its name, a compound ending like a unit, or a municipal enterprise named with
its town; numbers map to names per municipality; truncated names and "der neue Fachbereich"
are completed from the other mentions of the text. The words come from
`kg/patterns/departments.yaml`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from kg.ids import fold
from kg.lexicon import Lexicon
from kg.models import Mention, Span

_CAP = r"[A-ZÄÖÜ][\wäöüß]*(?:-[A-ZÄÖÜ]?[\wäöüß]+)*"
# A name may go on in the next line after a dangling "und" ("Jugend und\nFamilie"); a gap of
# several spaces is a table's next column ("Amt für Umwelt    Kessler"), not the name.
_JOIN = r"(?:,[ \t]+|[ \t]+und(?:[ \t]+|[ \t]*\n[ \t]*)|[ \t]+&[ \t]+|[ \t](?![ \t]))"

# A word of a unit's name may be the cut first part of a pair ("Stadt- und Landschaftsplanung").
_UNIT_WORD = rf"{_CAP}(?:-(?=[ \t]*(?:,|und\b|oder\b)))?"
# A name never runs on into a person or an agenda item after a comma ("Amt für
# Wohnungswesen, Herr Brandt", "Amt für Verkehr, TOP 5").
_NOT_A_NAME = r"(?!(?:Herrn?|Frau|TOP|Tagesordnungspunkt)\b)"
_UNIT_NAME = rf"(?:{_UNIT_WORD}(?:{_JOIN}{_NOT_A_NAME}{_UNIT_WORD}){{0,4}})"
# The name on the next line when the head word ends a line of running text ("Herr Tom Jäger,
# Leiter der Stabsstelle\nDigitalisierung"): the first word no form of address or item.
_WRAPPED_NAME_RE = re.compile(rf"[ \t]*\n[ \t]*{_NOT_A_NAME}(?P<name>{_UNIT_NAME})")
_TEXT_BEFORE_ON_LINE_RE = re.compile(r"\S[ \t]+$")


@functools.cache  # one compiled pattern per lexicon
def _department_regex(lex: Lexicon) -> re.Pattern[str]:
    heads = sorted(
        [
            *(f for spec in lex.departments["head_words"].values() for f in spec["forms"]),
            *lex.departments["leader_heads"],
        ],
        key=len,
        reverse=True,
    )
    alt = "|".join(re.escape(h) for h in heads)
    name = _UNIT_NAME
    # "Straßen- und Grünflächenamt", "Bau-, Planungs- und Umweltamt": pairs sharing the "-amt".
    pair = r"(?:[A-ZÄÖÜ][a-zäöüß]+-(?:,[ \t]+[A-ZÄÖÜ][a-zäöüß]+-)*[ \t]+(?:und|oder)[ \t]+)?"
    whole = "|".join(re.escape(w) for w in lex.departments["named_units"])
    return re.compile(
        # Matches start with a capital or a lower-case "kämmerei"/"kanzlei"/"behörde": the
        # lookahead lets the engine skip every other place quickly.
        rf"(?=[A-ZÄÖÜkb])(?:\b(?P<head>{alt})(?![\w-])"
        rf"(?P<rest>[ \t]+(?:des|der)[ \t]+(?:Ober)?[Bb]ürgermeisters?(?:in)?"
        rf"|[ \t]+(?:Nr\.[ \t]*)?(?P<num>\d{{1,3}}(?:/\d+)?|[IVX]{{1,4}}(?![\w-]))"
        rf"(?:[ \t]+(?:[-–][ \t]+)?(?P<numbered>{name}))?"  # "Fachbereich 3 – Bauen"
        rf"|[ \t]+für[ \t]+{name}|[ \t]+{name})?"
        rf"(?P<trunc>\.\.\.|…)?"
        rf"|\b(?P<compound>{pair}[A-ZÄÖÜ][a-zäöüß]+(?:amt|referat)(?:es|s)?"
        rf"|{pair}(?:[A-ZÄÖÜ][a-zäöüß]*)?(?:Kämmerei|kämmerei|kanzlei|behörde)|{whole})\b"
        # "Abfallwirtschaftsbetrieb Kiel", "Ortsverwaltung Nordstadt": a municipal
        # enterprise or local office only with the name of the town or district it serves
        rf"|\b(?P<enterprise>[A-ZÄÖÜ][a-zäöüß]+betriebe?|(?:Orts|Bezirks)verwaltung)"
        rf"(?=[ \t]+[A-ZÄÖÜ]))"
    )


_NUMBER_ALIAS_RE = re.compile(r"[ \t]*\((?:FB|Fachbereich|Amt)?[ \t]*(?P<num>\d{1,3})\)")


@functools.cache
def _venue_regex(lex: Lexicon) -> re.Pattern[str]:
    """ "Jugendamt, Raum 350": the unit's building as the meeting place."""
    words = "|".join(re.escape(w) for w in lex.departments["venue_words"])
    return re.compile(rf"[ \t]*,[ \t]*(?:{words})\b")


_CODE_TYPO_RE = re.compile(r"(?P<num>\d{1,3})/(?P<name>[A-ZÄÖÜ]{3,})")


def merge_code_typos(mentions: list[Mention]) -> list[Mention]:
    """ "57/FABDIO" beside three "57/FABIDO": one unit code with its letters swapped is
    the more frequent code of the same number."""
    codes: dict[tuple[str, str], list[str]] = {}
    for mention in mentions:
        code = _CODE_TYPO_RE.fullmatch(mention.label) if mention.kind == "department" else None
        if code:
            letters = "".join(sorted(code.group("name")))
            codes.setdefault((code.group("num"), letters), []).append(mention.label)
    target: dict[str, str] = {}
    for labels in codes.values():
        if len(set(labels)) > 1:
            common = max(sorted(set(labels)), key=labels.count)
            target.update({label: common for label in labels})
    return [
        Mention("department", m.span, fold(target[m.label]), target[m.label])
        if m.kind == "department" and m.label in target
        else m
        for m in mentions
    ]


def unit_regex(lex: Lexicon) -> re.Pattern[str]:
    return _department_regex(lex)


def department_mentions(
    text: str, municipality: str, lex: Lexicon, body: str = ""
) -> Iterator[Mention]:
    pattern = unit_regex(lex)
    venue = _venue_regex(lex)
    numbers = lex.departments.get("numbers", {}).get(fold(municipality).replace(" ", "-"), {})
    found: list[tuple[Mention, bool, bool]] = []
    associations = _municipal_amter(text)
    local_names = _local_names(municipality, body, lex)
    sections = frozenset(lex.layout["staff_sections"])
    for m in pattern.finditer(text):
        if m.group("enterprise"):
            mention = _enterprise_mention(text, m, local_names)
        else:
            mention = _department_mention(m, numbers, lex)
        if mention is not None and mention.label.startswith(associations):
            continue  # "Amt Schlei-Ostsee" in a letterhead is the municipality, not a unit
        if mention is not None and m.group("compound"):
            if mention.label in sections and _alone_on_line(text, m.start(), m.end()):
                continue  # "Bezirksamt" heading the staff of an attendance list
            mention = _with_local_name(text, mention, local_names)

        if mention is not None and not venue.match(text, m.end()):
            neu = bool(
                re.search(
                    r"\bneue[nrs]?\s+(?:\w+\s+)?(?:des\s+|der\s+)?$",
                    text[max(0, m.start() - 40) : m.start()],
                )
            )
            found.append((mention, bool(m.group("trunc")), neu))
    found = _without_bracketed_aliases(text, found, lex)
    yield from _number_aliases(text, list(_resolve_department_variants(found)))


def with_named_variant(mentions: list[Mention]) -> list[Mention]:
    """A bare "Bezirksamt" (also of "Bezirksamtsleiterin") of a text that names one
    "Bezirksamt Altona" is that unit, "Dezernat für Bau" (of "Dezernent für Bau") its
    "Dezernat Bau"."""
    named: dict[str, set[str]] = {}
    for m in mentions:
        bare, _, place = m.label.partition(" ")
        if m.kind == "department" and place[:1].isupper() and " " not in place:
            named.setdefault(bare, set()).add(m.label)
        if m.kind == "department" and place[:1].isupper():
            named.setdefault(f"{bare} für {place}", set()).add(m.label)
    return [
        Mention("department", m.span, fold(label), label)
        if m.kind == "department"
        and len(named.get(m.label, ())) == 1
        and (label := next(iter(named[m.label])))
        else m
        for m in mentions
    ]


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end]
    return not text[line_start:start].strip() and not rest.strip(" \t:")


def _without_bracketed_aliases(
    text: str, found: list[tuple[Mention, bool, bool]], lex: Lexicon
) -> list[tuple[Mention, bool, bool]]:
    """ "Dezernent für Umwelt und Ordnung (Dezernat V)": the unit in the bracket is the one
    the leader's title describes."""
    leaders = tuple(lex.departments["leader_heads"])
    starts = {mention.span.start for mention, _, _ in found}
    kept = []
    for entry in found:
        span = entry[0].span
        if text.startswith(leaders, span.start):
            bracket = _BRACKET_OPEN_RE.match(text, span.end)
            numbered = _NUMBER_ALIAS_RE.match(text, span.end)  # "(FB 51)": its number
            if bracket is not None and bracket.end() in starts and numbered is None:
                continue
        kept.append(entry)
    return kept


_BRACKET_OPEN_RE = re.compile(r"[ \t]*\([ \t]*")


_NEXT_NAME_RE = re.compile(r"[ \t](?P<name>[A-ZÄÖÜ][\wäöüß-]+)(?![\wäöüß-])")


def _local_names(municipality: str, body: str, lex: Lexicon) -> frozenset[str]:
    """Names of the town, its districts and the place in the meeting body's name
    ("Bezirksvertretung Nordstadt" -> Nordstadt)."""
    names = set(lex.places["districts"].get(fold(municipality).replace(" ", "-"), []))
    names.update(w for w in (*municipality.split(), *body.split()[1:]) if w[:1].isupper())
    return frozenset(names)


def _enterprise_mention(text: str, m: re.Match[str], names: frozenset[str]) -> Mention | None:
    """ "der Abfallwirtschaftsbetrieb Kiel" is the town's enterprise, "die Ortsverwaltung
    Nordstadt" its local office; "ein Handwerksbetrieb", "der Schulbetrieb" are not units."""
    word = m.group("enterprise")
    enterprise = Mention("department", Span(m.start(), m.end()), fold(word), word)
    mention = _with_local_name(text, enterprise, names)
    return None if mention is enterprise else mention


def _with_local_name(text: str, mention: Mention, names: frozenset[str]) -> Mention:
    """ "die Leiterin des Bezirksamtes Nordstadt": a compound unit with the place it serves."""
    after = _NEXT_NAME_RE.match(text, mention.span.end)
    if after is None or after.group("name") not in names:
        return mention
    label = f"{mention.label} {after.group('name')}"
    return Mention("department", Span(mention.span.start, after.end()), fold(label), label)


# An Amt governed by an Amtsausschuss (Schleswig-Holstein, Brandenburg) is a municipality
# association: "Sitzung des Amtsausschusses des Amtes Nordheide".
_AMT_ASSOCIATION_RE = re.compile(
    r"Amts(?:ausschuss|vorsteher|direktor)\w*[ \t]+des[ \t]+Amtes[ \t]+(?P<name>[A-ZÄÖÜ][\wäöüß-]+)"
)


def _municipal_amter(text: str) -> tuple[str, ...]:
    """ "Amt X" labels that name a municipality association of this text."""
    if "des Amtes" not in text:
        return ()
    return tuple(f"Amt {m.group('name')}" for m in _AMT_ASSOCIATION_RE.finditer(text))


def _number_aliases(text: str, mentions: list[Mention]) -> Iterator[Mention]:
    """ "Fachbereich Jugend und Soziales (FB 55)": later "FB 55" is the same unit."""
    names: dict[str, Mention] = {}
    for mention in mentions:
        m = _NUMBER_ALIAS_RE.match(text, mention.span.end)
        if m and mention.label and not re.search(r"\d", mention.label):
            names[m.group("num")] = mention
    for mention in mentions:
        number = re.fullmatch(r"(?:Fachbereich|Amt|FB)[ \t]+(\d{1,3})", mention.label)
        if number and number.group(1) in names:
            target = names[number.group(1)]
            mention = Mention("department", mention.span, target.key, target.label)
        yield mention


def _department_mention(m: re.Match[str], numbers: dict[str, str], lex: Lexicon) -> Mention | None:
    span = Span(m.start(), m.end())
    if m.group("compound"):
        word = m.group("compound")
        if word in lex.departments["not_units"] or fold(word).startswith(("insgesamt", "gesamt")):
            return None
        genitive = word.endswith(("amtes", "amts", "referates", "referats"))
        label = re.sub(r"(es|s)$", "", word) if genitive else word
        label = " ".join(label.split())
        return Mention("department", span, fold(label), label)
    head, rest = m.group("head"), " ".join((m.group("rest") or "").split())
    canonical_head = _canonical_head(head, lex)
    number = m.group("num")
    numbered = m.group("numbered")
    if numbered and _is_role(numbered.split()[0], lex):
        # "Burkhardt, Stephanie (Dez. II - Beigeordnete)": the office after the unit's number
        rest, span = m.group("num"), Span(m.start(), m.end("num"))
    wrapped = None if rest else _wrapped_name(m, lex)
    if wrapped is not None:
        rest, span = " ".join(wrapped.group("name").split()), Span(m.start(), wrapped.end())
    if head in lex.departments["leader_heads"] and rest.startswith(f"{canonical_head} "):
        rest = rest[len(canonical_head) + 1 :]  # "Fachbereichsleiterin Fachbereich Tiefbau"
    if (
        head in lex.departments["leader_heads"]
        and not number
        and not _names_a_unit(rest)
        and _NAMED_BEFORE_RE.search(m.string, max(0, m.start() - 40), m.start()) is None
    ):
        return None  # "FBL Meier" names a person, not a unit
    if number and number.zfill(2) in numbers:
        # The municipality's table gives the key; a name written beside the number stays
        # the label ("FB 15 EDV und Informationsmanagment", sic).
        label = numbers[number.zfill(2)]
        written = m.group("numbered")
        shown = f"{canonical_head} {' '.join(written.split())}" if written else label
        return Mention("department", span, fold(label), shown)
    if rest:
        label = f"{canonical_head} {_nominative(rest)}"
        if head in lex.departments["keep_written"]:
            return Mention("department", span, fold(label), f"{head} {rest}")
    elif head in ("FB",):
        return None
    else:
        label = ""  # an unnamed "der neue Fachbereich": resolved by context below
    return Mention("department", span, fold(label.replace("&", "und")), label)


def _is_role(word: str, lex: Lexicon) -> bool:
    """A role or leader word ("Beigeordnete", "Leiterin"), not a word of a unit's name."""
    return word in lex.roles or word in lex.departments["leader_words"]


def _wrapped_name(m: re.Match[str], lex: Lexicon) -> re.Match[str] | None:
    """The unit's name on the next line, for a head word that ends a line of running text."""
    forms = lex.departments["head_words"].values()
    if m.group("trunc") or not any(m.group("head") in spec["forms"] for spec in forms):
        return None
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    if _TEXT_BEFORE_ON_LINE_RE.search(m.string, line_start, m.start()) is None:
        return None  # a head word alone on its line is a heading: "Verwaltung\nAmt\n…"
    return _WRAPPED_NAME_RE.match(m.string, m.end())


# "Herr Olaf Roth, Sachgebietsleiter Hochbau": after a named person the word is the unit.
_NAMED_BEFORE_RE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]+[ \t]+[A-ZÄÖÜ][\wäöüß-]+,[ \t]*$")


def _names_a_unit(rest: str) -> bool:
    """After a leader word, "für Jugend und Soziales" or "Bauen und Umwelt" name a unit;
    a single word ("Fachbereichsleiter Lang") is the leader's surname."""
    return rest.startswith("für ") or re.search(r",| und | oder ", rest) is not None


def _canonical_head(head: str, lex: Lexicon) -> str:
    for canonical, spec in lex.departments["head_words"].items():
        if head in spec["forms"]:
            return str(canonical)
    leader = lex.departments["leader_heads"].get(head)
    return str(leader["unit"]) if leader else head


def _nominative(name: str) -> str:
    name = re.sub(r"^(des|der)\s+Oberbürgermeisters", "des Oberbürgermeisters", name)
    return name


def _resolve_department_variants(found: list[tuple[Mention, bool, bool]]) -> Iterator[Mention]:
    """Complete truncated names ("Integration...") and anaphora ("der neue Fachbereich")."""
    full = [m for m, trunc, _ in found if m.label and not trunc]
    new_named: list[Mention] = []
    for mention, truncated, neu in found:
        if truncated:
            longer = {f.key: f for f in full if f.key.startswith(mention.key)}
            if len(longer) == 1:
                target = next(iter(longer.values()))
                mention = Mention("department", mention.span, target.key, target.label)
        if mention.label and neu:
            new_named.append(mention)
        if not mention.label:
            if len({m.key for m in new_named}) != 1:
                continue
            target = new_named[-1]
            mention = Mention("department", mention.span, target.key, target.label)
        yield mention
