"""Initiatives of one protocol: programmes, projects, plans and measures by name.

Part of the extract stage. Names come from `kg/patterns/initiatives.yaml`: known programmes
("Kommunales Integrationsmanagement"), compounds ending in a head noun ("Klimaschutzkonzept",
"Spielflächenbedarfsplan"), head words with a name ("Masterplan Mobilität", "Projekt „Stadtwache“"),
numbered plans with a quoted name and building works ("den Neubau des Feuerwehrgerätehauses in
Mariental").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ids import fold
from kg.lexicon import Lexicon, grouped_alternation
from kg.models import Mention, Span

_CAP = r"[A-ZÄÖÜ][\wäöüß]*(?:-[A-ZÄÖÜ]?[\wäöüß]+)*"
_OPEN_QUOTE = r"[„“\"»‚]"
_CLOSE_QUOTE = r"[“”\"«‘]"
# A quoted name, also broken over two lines ("im Rahmen des Projekts "Digitale Schule\nMerseburg"")
_QUOTED = r"[^„“”\"«»\n]{3,60}(?:\n[ \t]*[^„“”\"«»\s][^„“”\"«»\n]{0,40})?"
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # between the words of a name, also at a line break
# Head nouns by gender: the adjective before them takes its nominative ending
# ("des Kommunalen Wärmeplans" -> Kommunaler Wärmeplan, "der Integrierten Strategie" ->
# Integrierte Strategie).
_ADJECTIVE_ENDINGS = (
    (("management", "konzept", "programm", "projekt", "modell", "netzwerk"), "es"),
    (("plan", "fonds"), "er"),
    (("strategie", "offensive", "initiative", "planung"), "e"),
)
# A process noun with a generic head is no name ("ein Sanierungsprogramm",
# "ein Finanzierungskonzept vorlegen"); a longer first part is ("Haushaltssicherungskonzept").
_GENERIC_RE = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{2,9}ungs(?:konzept|programm|projekt|strategie)")
# Endings of adjective stems ("integriert", "sozialgerecht", "kooperativ", "kommunal").
_ADJECTIVE_STEM = r"(?:isch|lich|al|iert|ig|ell|iv|bar|sam|cht|ent|ant)"
_ADJECTIVE_RE = re.compile(
    r"^(?P<stem>[A-ZÄÖÜ][a-zäöüß]+(?:isch|lich|al|iert|ig|(?<!st)ell|iv))(?:e|en|er|es|em)$"
)


@dataclass(frozen=True, slots=True)
class _InitiativePatterns:
    """The initiative patterns of a lexicon; `rare` ones run only when a trigger occurs."""

    known: re.Pattern[str]
    canon: dict[str, str]
    compound: re.Pattern[str]
    external: re.Pattern[str]
    title_step: re.Pattern[str]
    rare: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...]


@functools.cache
def _initiative_patterns(lex: Lexicon) -> _InitiativePatterns:
    canon: dict[str, str] = {}
    for entry in lex.initiatives["known"]:
        for variant in (entry["label"], *entry["variants"]):
            canon[variant] = entry["label"]
    variants = "|".join(re.escape(v) for v in sorted(canon, key=len, reverse=True))
    ordered = sorted(lex.initiatives["suffixes"], key=len, reverse=True)
    # "Kita-Bedarfsplanung": after a hyphen the head noun is capitalised
    capitalised = grouped_alternation([f"{w[:1].upper()}{w[1:]}" for w in ordered])
    suffixes = f"{grouped_alternation(ordered)}|-(?:{capitalised})"
    heads = grouped_alternation(lex.initiatives["named_heads"])
    # A head that is also a compound plan keeps its name: "Masterplan Umwelt", not "Masterplan".
    plan_heads = _alternatives([h for h in lex.initiatives["named_heads"] if h.endswith("plan")])
    compound = re.compile(
        # Every match starts with a capital: the lookahead lets the engine skip other places.
        rf"(?=[A-ZÄÖÜ])(?:"
        rf"(?P<adj>\b[A-ZÄÖÜ][a-zäöüß]+(?:isch|lich|al|iert|ig|(?<!st)ell|iv)(?:e|en|er|es|em)\s+)?"
        rf"\b(?!(?:{plan_heads})(?:es|s)?\s+{_CAP})(?P<word>[A-ZÄÖÜ][\wäöüß-]*(?:{suffixes}))\b"
        rf"|\b(?P<head>{heads})(?:es|s)?\s+(?P<name>{_CAP}(?:[ \t]+{_CAP})?))"
    )
    quoted_endings = _alternatives(lex.initiatives["quoted_head_endings"])
    plans = lex.initiatives["numbered_plans"]
    works = lex.initiatives["building_works"]["works"]
    buildings = sorted(lex.initiatives["building_works"]["buildings"], key=len, reverse=True)
    owner = r"(?:(?:des|der)\s+[A-ZÄÖÜ][\wäöüß-]*,?\s+)?"  # "Pilotprojekt des HEB, „…“"
    rare: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
        # A quoted name after a head outranks the compound ("Pilotprojekt … „Tütenhalter“"),
        # also after a genitive ("des Förderprogramms „Grüne Höfe“"); an unquoted one does
        # not ("Förderprogramm Gründächer" stays "Förderprogramm").
        (
            ("„", "“", '"', "»"),
            re.compile(
                rf"\b(?P<quoted_head>{heads}|[A-ZÄÖÜ][a-zäöüß]*(?:{quoted_endings}))(?:es|s)?\s+"
                rf"{owner}"
                rf"{_OPEN_QUOTE}(?P<quoted>{_QUOTED})"
                rf"{_CLOSE_QUOTE}"
            ),
        ),
        (
            tuple(plans),
            re.compile(
                rf"\b(?P<plan>{_alternatives(plans)})(?:es|s)?[ \t]+"
                rf"(?P<green>mit[ \t]+Grünordnung[ \t]+)?"  # Bavarian plans with green order
                rf"(?:Nr\.[ \t]*"
                rf"(?P<number>\d{{1,4}}(?:/\d{{1,4}})?(?:[ \t]?[A-Z]\b)?)[ \t]*"
                # "Bebauungsplan BP-118", "Bebauungsplan HM 42"
                rf"|(?P<code>[A-Z]{{1,4}}(?:-|[ \t])?\d{{1,4}}[A-Z]?)[ \t]+)?"
                rf"(?:{_OPEN_QUOTE}(?P<plan_name>{_QUOTED}){_CLOSE_QUOTE}"
                # "Bebauungsplan Nr. 2187 Schlachthofviertel": a number and an unquoted name
                rf"|(?<=[\d \t])(?<![^\d][ \t])(?P<bare_name>{_CAP})(?![\w-]))"
            ),
        ),
        (
            tuple(works),
            re.compile(
                rf"\b(?P<works>(?:{_alternatives(works)}){_GAP}(?:des|der|eines|einer){_GAP}"
                rf"[A-ZÄÖÜ][a-zäöüß-]*(?:{_alternatives(buildings)})\b"
                rf"(?:{_GAP}{_OPEN_QUOTE}{_QUOTED}{_CLOSE_QUOTE})?"  # "Kita „Zwergenland“"
                rf"(?:{_GAP}in{_GAP}[A-ZÄÖÜ][\wäöüß-]+)?)"
            ),
        ),
    )
    rare += (
        (
            ("(",),
            re.compile(
                # "Sozialgerechte Bodennutzung (SoBoN)": an adjective, a noun and a bracketed
                # abbreviation of two or more capitals.
                # (the \b before the capital is checked after it: the engine then skips from
                # capital to capital)
                rf"(?P<acr_name>[A-ZÄÖÜ](?<!\w[A-ZÄÖÜ])[a-zäöüß]+{_ADJECTIVE_STEM}"
                rf"(?:e|er|es|en)[ \t]+"
                rf"[A-ZÄÖÜ][a-zäöüß]+"
                rf"(?:-[A-ZÄÖÜ][a-zäöüß]+)?){_GAP}"
                rf"\((?P<acr>[A-ZÄÖÜ](?=[a-zäöü]*[A-ZÄÖÜ])[A-Za-zÄÖÜäöü]{{1,7}})\)"
            ),
        ),
    )
    rare += (
        (
            ("Modell",),
            # "mit dem Regensburger Modell": a scheme named after its town
            re.compile(
                r"(?<![\w-])(?!(?:Der|Jeder|Dieser|Jener|Neuer|Anderer|Einer|Unser|Ihrer|Aber|"
                r"Oder|Weiter|Unter|Über|Hinter)\b)(?P<town_model>[A-ZÄÖÜ][a-zäöüß]+er)"
                r"[ \t]+Modells?(?![\w-])"
            ),
        ),
    )
    rare += (
        (
            tuple(f"{w} " for w in lex.initiatives["dated_networks"]),
            re.compile(
                rf"\b(?P<network>[A-ZÄÖÜ][a-zäöüß]*(?:{_alternatives(lex.initiatives['dated_networks'])}))"
                rf"[ \t]+(?P<year>20\d\d)(?![\w/.-])"
            ),
        ),
        (
            ("Antrag",),
            # 'Antrag der Fraktion Die Linke Nr. 2025/043 "Sozialticket für den Stadtbus"': the
            # quoted title of a motion names the measure it asks for.
            re.compile(
                rf"Antrag(?<!\wAntrag)\b[^\n„“”\"«»]{{0,60}}?{_OPEN_QUOTE}"
                rf"(?P<motion>[A-ZÄÖÜ][^„“”\"«»\n]{{3,80}}){_CLOSE_QUOTE}"
            ),
        ),
    )
    firsts = "".join(sorted({re.escape(v[0]) for v in canon}))
    known = re.compile(rf"(?=[{firsts}])(?<![\w-])(?:{variants})(?![\w-])")
    external = re.compile(
        r"[ \t\n]*[„“\"»]?(?:"
        + "|".join(r"\s+".join(map(re.escape, n.split())) for n in lex.initiatives["external"])
        + r")(?![\w-])"
    )
    steps = grouped_alternation(lex.initiatives["project_steps"])
    title_step = re.compile(rf"[–-](?<=[ \t][–-])[ \t]+(?:{steps})(?![\w-])")
    return _InitiativePatterns(known, canon, compound, external, title_step, rare)


_PRIVATE_WORKS_RE = re.compile(r"(?:Baugenehmigung|Bauantrag|Bauvoranfrage|Vorbescheid)\w*[^.\n]*$")


# "eine Förderung aus dem Feuerwehrbauförderprogramm des Landes": a scheme of the state,
# the federation or the EU that the town only draws on.
_EXTERNAL_RE = re.compile(
    r"[ \t]+(?:des[ \t]+(?:Landes|Bundes|Freistaate?s)|der[ \t]+(?:EU|Europäischen[ \t]+Union))\b"
)
_NAMED_RE = re.compile(r"[ \t]+(?:[A-ZÄÖÜ]|\d{4})")  # "des Nahverkehrsplans Kreis X 2025"
# "Bericht zur Umsetzung des Lärmaktionsplans": a step in the life of a plan names that plan.
_PLAN_STEP_RE = re.compile(
    r"(?:Umsetzung|Fortschreibung|Aufstellung|Erarbeitung|Entwurf|Evaluation|Evaluierung)"
    r"\s+des\s+$"
)
# A district name with a hyphen after a compound: "Rahmenplan Ziehers-Nord"
_DISTRICT_AFTER_RE = re.compile(
    r"[ \t]+(?P<district>[A-ZÄÖÜ][a-zäöüß]+-[A-ZÄÖÜ][a-zäöüß]+)(?![\w-])"
)
# The title before "– <step>": after an item number ("TOP 3.1", "Ö 7", "Nr. 62", "Zu Punkt 5"),
# one to six words without punctuation, paper numbers or quotes.
_TITLE_NUMBER_RE = re.compile(
    r"[ \t]*(?:(?:[Zz]u[ \t]+)?(?:TOP|Ö|N|Nr\.|Punkt)[ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?"
    r"(?P<project>[A-ZÄÖÜ][\wäöüß-]*(?:[ \t]+[\wäöüß-]+){0,5})[ \t]*$"
)
# A topic, an action or a paper is no project: "Verkehrssicherheit", "Neuordnung", "Anfrage";
# nor is a sentence ("Die Stadtbahn – Vorstellung folgt im Mai").
_NO_PROJECT_RE = re.compile(
    r"(?:ung|ungen|heit|keit|antrag|anfrage|vorlage|bericht|mitteilung|beschluss|Auszug)$"
    r"|^(?:Der|Die|Das|Den|Dem|Des|Ein|Eine|Einen|Einem|Einer|Eines|Wir|Ich|Er|Sie|Es)$"
)
_PROCEDURE_RE = re.compile(r"(?:beschluss|ung|verfahren|bericht|vorlage|antrag)$")


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def initiative_mentions(text: str, lex: Lexicon) -> Iterator[Mention]:
    patterns = _initiative_patterns(lex)
    excluded = {*lex.initiatives["not_initiatives"], *lex.initiatives["generic_compounds"]}
    organisations = tuple(lex.initiatives["acronym_not_endings"])
    plan_not_endings = tuple(lex.initiatives["plan_not_endings"])
    found: list[Mention] = []
    for m in patterns.known.finditer(text):
        known_label = patterns.canon[m.group(0)]
        found.append(
            Mention("initiative", Span(m.start(), m.end()), fold(known_label), known_label)
        )
    matches = [*patterns.compound.finditer(text)]
    for triggers, pattern in patterns.rare:
        if any(t in text for t in triggers):  # a cheap test spares most texts the scan
            matches += pattern.finditer(text)
    for m in matches:
        label = _initiative_label(m)
        if label is None or label in excluded:
            continue
        if label.split()[-1] in excluded and not m.groupdict().get("town_model"):
            continue
        if m.groupdict().get("word") and _EXTERNAL_RE.match(text, m.end()):
            continue
        if _names_external_programme(m, patterns.external):
            continue
        if m.groupdict().get("word") and not _is_plan_of_the_town(text, m, plan_not_endings):
            continue
        if m.groupdict().get("works") and _PRIVATE_WORKS_RE.search(
            text, max(0, m.start() - 40), m.start()
        ):
            continue  # "Antrag auf Baugenehmigung zum Neubau eines Hauses": a private project
        if m.groupdict().get("acr") and (
            m.group("acr_name").lower().endswith(organisations)
            or lex.faction_entry(m.group("acr")) is not None
        ):
            continue  # "Kassenärztliche Vereinigung (KV)" is an organisation
        found.append(Mention("initiative", Span(m.start(), m.end()), fold(label), label))
        if m.groupdict().get("acr"):
            found += _acronym_uses(text, m, label)
    found += _agenda_title_projects(text, patterns.title_step, found)
    yield from _merge_initiative_variants(found)


def _agenda_title_projects(
    text: str, title_step: re.Pattern[str], found: list[Mention]
) -> Iterator[Mention]:
    """Projects named by an agenda title "<project> – <step>" that no other rule found."""
    for step in title_step.finditer(text):
        line_start = text.rfind("\n", 0, step.start()) + 1
        title = _TITLE_NUMBER_RE.match(text, line_start, step.start())
        if title is None:
            continue
        start, end = title.start("project"), title.end("project")
        if any(m.span.start < end and start < m.span.end for m in found):
            continue  # "Radverkehrskonzept 2030 – Fortschreibung" is found already
        label = " ".join(title.group("project").split())
        first = label.split()[0]
        if _NO_PROJECT_RE.search(first):
            continue
        yield Mention("initiative", Span(start, end), fold(label), label)


def _names_external_programme(m: re.Match[str], external: re.Pattern[str]) -> bool:
    """Whether the name of a programme is a federal or state scheme the town draws on
    ("Mittel aus dem Förderprogramm Stadtumbau Ost", "das Programm „Lebendige Zentren“")."""
    g = m.groupdict()
    if g.get("word"):
        return external.match(m.string, m.end()) is not None
    name = next((n for n in ("name", "quoted") if g.get(n)), None)
    return name is not None and external.match(m.string, m.start(name)) is not None


def _is_plan_of_the_town(text: str, m: re.Match[str], not_endings: tuple[str, ...]) -> bool:
    """Whether a compound is no plan at all or a named plan of the town: not a budget,
    schedule or land-use plan ("Wirtschaftsplan"), and in the genitive only with a name after
    it or a step of its life before it ("bis zum Vorliegen des Nahverkehrsplans" is the plan
    in general, "die Umsetzung des Lärmaktionsplans" a plan of the town)."""
    word = m.group("word").lower()
    stem = word.removesuffix("es") if word.endswith("planes") else word.removesuffix("s")
    if not stem.endswith("plan"):
        return True
    if stem.endswith(not_endings):
        return False
    if stem == word:
        return True
    return bool(
        _NAMED_RE.match(text, m.end())
        or _PLAN_STEP_RE.search(text, max(0, m.start() - 40), m.start())
    )


def _acronym_uses(text: str, defined: re.Match[str], label: str) -> Iterator[Mention]:
    """Later uses of an abbreviation defined in brackets name the same scheme."""
    for use in re.finditer(rf"(?<![\w-]){re.escape(defined.group('acr'))}(?![\w-])", text):
        if use.start() >= defined.end():
            yield Mention("initiative", Span(use.start(), use.end()), fold(label), label)


def _initiative_label(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g.get("acr"):
        return f"{' '.join(g['acr_name'].split())} ({g['acr']})"
    if g.get("network"):
        return f"{g['network']} {g['year']}"
    if g.get("motion"):
        return _motion_subject(g["motion"])
    if g.get("town_model"):
        return f"{g['town_model']} Modell"
    if g.get("works"):
        return " ".join(g["works"].split())
    if g.get("plan"):
        number = f" Nr. {' '.join(g['number'].split())}" if g.get("number") else ""
        number = f" {g['code']}" if g.get("code") else number
        plan = f"{g['plan']} mit Grünordnung" if g.get("green") else g["plan"]
        if g.get("bare_name"):  # not a step of the procedure ("Nr. 12 Aufstellungsbeschluss")
            procedure = _PROCEDURE_RE.search(g["bare_name"])
            return f"{plan}{number} {g['bare_name']}" if g.get("number") and not procedure else None
        return f"{plan}{number} „{' '.join(g['plan_name'].split())}“"
    if g.get("quoted_head"):
        return f"{g['quoted_head']} {' '.join(g['quoted'].split())}"
    if g.get("head"):
        return f"{g['head']} {g['name']}"
    word = _compound_label(m)
    district = _DISTRICT_AFTER_RE.match(m.string, m.end())
    if district:  # "Entwicklungskonzept Kirchmöser-West": a plan for a named district
        return f"{word} {district.group('district')}"
    return None if _GENERIC_RE.fullmatch(word) else word


def _motion_subject(title: str) -> str | None:
    """The measure a motion's title names, not an action ("Schulwegsicherung an der X",
    "Prüfung einer Stadtwache") nor a question."""
    first = title.split()[0]
    if re.search(r"ung(?:en)?$", first) or title.rstrip().endswith("?"):
        return None
    return " ".join(title.split())


def _compound_label(m: re.Match[str]) -> str:
    """The nominative of a compound and its adjective ("des Kommunalen Wärmeplans" ->
    Kommunaler Wärmeplan)."""
    word = m.group("word")
    if word.endswith(("managements", "konzepts", "programms", "projekts", "modells", "plans")):
        word = word[:-1]
    elif word.endswith(("konzeptes", "programmes", "projektes", "planes")):
        word = word[:-2]
    adjective = m.group("adj")
    if adjective:
        adj = _ADJECTIVE_RE.match(adjective.strip())
        ending = next((e for heads, e in _ADJECTIVE_ENDINGS if word.lower().endswith(heads)), None)
        if adj and ending:
            return f"{adj.group('stem')}{ending} {word}"
        return f"{adjective.strip()} {word}"
    return word


def _merge_initiative_variants(found: list[Mention]) -> Iterator[Mention]:
    """A bare "Konfliktmanagement" is the "Kommunales Konfliktmanagement" of the same text, a
    bare "Förderprogramm" its "Förderprogramm Grüne Höfe", a bare "Managementplan" its
    "Welterbe-Managementplan" (when the text names only one)."""
    labels = {m.label for m in found}
    for mention in found:
        longer = {
            lb
            for lb in labels
            if lb.endswith((" " + mention.label, "-" + mention.label))
            or lb.startswith(mention.label + " ")
        }
        if len(longer) == 1:
            label = longer.pop()
            mention = Mention("initiative", mention.span, fold(label), label)
        yield mention
