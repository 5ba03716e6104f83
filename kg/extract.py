"""Protocol -> Extraction: mentions, statements with speech acts, relation claims and votes.

Rules only; the German words they use live in `kg/patterns/*.yaml`. Every mention, claim,
statement and vote carries a span of the document text, so nothing is invented.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from kg.extract_attendance import prose_attendance
from kg.extract_entities import MentionIndex, collect_mentions, surname_key
from kg.extract_privacy import private_mentions
from kg.extract_replies import addressee, link_reply, replied_person
from kg.extract_staff import head_claims
from kg.extract_votes import find_votes
from kg.ids import fold
from kg.lexicon import Lexicon, lexicon, load_yaml
from kg.models import (
    Claim,
    Extraction,
    Protocol,
    Span,
    Statement,
    Turn,
)
from kg.parse_refs import first_person_ref

# A sentence ends at . ! ? before a space or at a line end; "TOP I.6.19" goes on.
_SENTENCE_RE = re.compile(r"(?:[^.!?\n]+|[.!?](?=[^\s.!?]))+(?:[.!?]+|\n|$)")
# A line break after a long line not ending in ":" is a hard wrap inside a sentence (the
# line break comes first so that the engine looks behind only at line breaks).
_WRAP_RE = re.compile(r"\n(?<=[^\n]{49}[^\n:]\n)(?=\S)")
_WORD_RE = re.compile(r"[\wäöüÄÖÜß-]+")
# A comma before a verb of the speaker in a row of verbs ("eröffnet …, begrüßt …").
_VERB_IN_A_ROW_RE = re.compile(r",[ \t]+(?=[a-zäöüß]+t[ \t])")
# Between the speaker's name and the verb: an apposition ("Herr X, Anwohner der Y, fragt")
# or where the speaker comes from ("Frau X aus Keitum fragt", "Frau X von der Stabsstelle Y").
_APPOSITION_RE = re.compile(
    r"[ \t]*,[^,.;:!?\n]{2,80},(?=[ \t]+[a-zäöüß])"
    r"|[ \t]+(?:aus|von[ \t]+der|von[ \t]+dem|vom)(?:[ \t]+[A-ZÄÖÜ][\w-]*){1,3}(?=[ \t]+[a-zäöüß])"
)
_OPINION = "opinion"  # marks a sentence that only states an opinion ("ist der Auffassung")
_ON_BEHALF_RE = re.compile(
    r"(?:\b(?:seine|ihre|unsere|seiner|ihrer|unserer)\s+(?=\S*[Ff]raktion)|"
    r"\b(?:für|namens|im Namen)\s+(?:die|der|seine|ihre)\s+(?=\S*[Ff]raktion|Fraktion))"
)
# A word boundary written after the first word (als(?<=\bals)), not before it: a pattern that
# starts with a literal is searched by its first letters, one that starts with \b position
# by position (30-100 times slower on a whole page).
_HEAD_OF_AFTER_RE = re.compile(
    r"als(?<=\bals)\s+(?:neue[rn]?\s+|kommissarische[rn]?\s+)?(?:Fachbereichs|Amts|Abteilungs)?"
    r"[Ll]eiter(?:in)?\s+(?:des|der|vom)\s+"
)
_HEAD_OF_BEFORE_RE = re.compile(r"unter(?<=\bunter)\s+(?:der\s+)?Leitung\s+(?:von|des|der)\s+")
_RESPONSIBLE_WORDS = (
    "eingegliedert", "angesiedelt", "zugeordnet", "verortet", "angegliedert", "zuständig",
    "federführend",
)  # fmt: skip
_RESPONSIBLE_RE = re.compile(
    "(?:" + "|".join(rf"{word}(?<=\b{word})" for word in _RESPONSIBLE_WORDS) + r")\b"
)


def extract(protocol: Protocol) -> Extraction:
    """Extract everything the protocol states.

    >>> from kg.models import EXAMPLE_DOCUMENT
    >>> from kg.parse import parse
    >>> ex = extract(parse(EXAMPLE_DOCUMENT))
    >>> [(ex.mentions[s.speaker].label, s.acts) for s in ex.statements]
    [('Meier', ('Support', 'Question')), ('Keller', ('Answer',))]
    """
    lex = lexicon()
    text = protocol.document.text
    index = collect_mentions(protocol, lex)
    statements = _statements(protocol, index, lex)
    claims = [*_membership_claims(protocol, index, statements, lex)]
    claims += _head_of_claims(text, index)
    claims += _responsible_claims(text, index)
    claims += _chair_claims(text, index, lex)
    claims += _staff_head_claims(text, protocol, index, lex)
    claims += head_claims(protocol, index, lex)
    attendees = [
        (index.person_at(entry.person.span.start), entry.status)
        for entry in protocol.attendance
        if index.person_at(entry.person.span.start) is not None
    ]
    listed = {index.mentions[m].key for m, _ in attendees if m is not None}
    attendees += prose_attendance(protocol, index, listed)
    return Extraction(
        protocol=protocol,
        mentions=index.mentions,
        statements=tuple(statements),
        claims=_unique_claims(claims, index),
        votes=tuple(find_votes(protocol, index, lex)),
        attendees=tuple((m, s) for m, s in attendees if m is not None),
        private=private_mentions(protocol, index, statements, claims, lex),
    )


# ---------------------------------------------------------------- statements


def _statements(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> list[Statement]:
    text = protocol.document.text
    statements: list[Statement] = []
    for item_no, item in enumerate(protocol.items):
        first_in_item = len(statements)
        for position, turn in enumerate(item.turns, start=1):
            speaker = index.person_at(turn.speaker.span.start)
            if speaker is None:
                continue
            acts, default_only = _turn_acts(text, turn, lex)
            replied = replied_person(text, turn, index)
            statement = Statement(
                item=item_no,
                position=position,
                speaker=speaker,
                span=turn.span,
                acts=acts,
                about=index.about(turn.span, exclude=speaker),
                on_behalf_of=_on_behalf_of(text, turn, index),
                addressee=replied if replied is not None else addressee(text, turn, index),
            )
            linked = link_reply(
                text, statement, statements, first_in_item, index, default_only, replied is not None
            )
            statements.append(linked)
    return statements


def speech_acts(text: str, turn: Turn, lex: Lexicon) -> tuple[str, ...]:
    """Speech acts of a turn, from cue verbs and question marks, in scheme order.

    Indicative cue verbs count where the speaker's finite verb stands (right after or right
    before the speaker's name, at a sentence start, before "er"/"sie"); Konjunktiv forms of
    reported speech ("begrüße", "gratuliere") count anywhere in the turn. Information stands
    beside other acts only when a sentence of the turn informs and does nothing else (an
    answer that goes on in reported speech stays an Answer: the contract of the reference page
    in issue #3, although several gold files add Information there).
    """
    return _turn_acts(text, turn, lex)[0]


def _turn_acts(text: str, turn: Turn, lex: Lexicon) -> tuple[tuple[str, ...], bool]:
    """The turn's acts and whether Information is only the default (no cue said so).

    An information verb followed by another act's cue in its sentence only carries that act
    ("erklärt, dass seine Fraktion … begrüße"); one after it, or alone, informs ("schließt
    sich an und tritt zurück").
    """
    acts: set[str] = set()
    informs = opinion = False
    ref = turn.speaker.span
    after = text[ref.end : turn.span.end]
    apposition = _APPOSITION_RE.match(after)  # "Herr X, Anwohner der Y, fragt, …"
    first = _WORD_RE.search(apposition.group(0)) if apposition else None
    if apposition and (first is None or first.group(0) not in lex.cue_heads):
        after = after[apposition.end() :]  # not the verb itself: "Herr X, antwortete, …"
    if _gives_the_floor(after):
        return ("Procedural",), False  # "Vorsteherin X: Frau Stadträtin Kowalczyk."
    opening = text[turn.span.start : ref.start] + " \u2063 " + after
    opening = _WRAP_RE.sub(" ", opening)
    surname = turn.speaker.surname.split()[-1]
    answers = content = False
    for number, sentence in enumerate(_SENTENCE_RE.finditer(opening)):
        body = sentence.group(0).replace("\u2063", "SPEAKER")
        if "Fraktion" in body or "Gruppe" in body:  # the cue's words stand around it
            body = _for_group_re().sub(" ", body)
        if "," in body:  # "eröffnet die Sitzung, begrüßt die Gäste": a verb in a row
            body = _VERB_IN_A_ROW_RE.sub(" und ", body)
        words = _WORD_RE.findall(body)
        speaker_at = words.index("SPEAKER") if number == 0 and "SPEAKER" in words else None
        cues = _sentence_acts(words, speaker_at, surname, lex)
        if lex.vote_call_re.match(sentence.group(0)):
            cues = [(0, "Procedural")]  # "Wer ist dafür?" calls the vote, asks nothing
        elif sentence.group(0).rstrip().endswith("?") and (len(words) > 1 or _asks_why(words)):
            cues.append((len(words), "Question"))  # not the chair's "Gegenprobe?"
        elif (objection := _objection(words, cues)) is not None:
            cues.append((objection, "Criticism"))
        if number == 0 and lex.answer_opener_re.search(sentence.group(0)):
            answers = True
        content = content or (number > 0 and not cues and len(words) > 3)
        others = [i for i, act in cues if act not in ("Information", _OPINION)]
        informs = informs or any(
            act == "Information" and all(j < i for j in others) for i, act in cues
        )
        acts |= {act for _, act in cues if act not in ("Information", _OPINION)}
        opinion = opinion or any(act == _OPINION for _, act in cues)
    if answers:
        acts.add("Answer")
    if informs or not acts or (content and "Presentation" in acts):
        # a presentation's content ("stellt die Planung vor. Vorgesehen seien …") informs
        acts.add("Information")
    default_only = not (informs or opinion) and acts == {"Information"}
    return tuple(sorted(acts, key=lex.act_order.index)), default_only


def _gives_the_floor(after: str) -> bool:
    """A chair's turn that only names who speaks next: "Frau Stadträtin Kowalczyk.", "Herr
    Lindqvist, bitte.", "Dazu wird Herr Lindqvist antworten." (it answers nothing itself)."""
    said = after.lstrip(" \t:").strip()
    if len(said) > 120 or "\n" in said:
        return False
    if _NEXT_SPEAKER_RE.fullmatch(said):
        return True
    ref = first_person_ref(said, 0, len(said))
    return ref is not None and ref.start == 0 and _FLOOR_END_RE.fullmatch(said, ref.end) is not None


_FLOOR_END_RE = re.compile(r"(?:,[ \t]*bitte(?:[ \t]+schön)?)?[ \t]*[.!]?")
_NEXT_SPEAKER_RE = re.compile(
    r"(?:(?:Dazu|Hierzu|Darauf)[ \t]+)?wird[ \t]+(?:Herr|Frau)[ \t][^.!?]{2,80}?"
    r"[ \t](?:antworten|Stellung[ \t]+nehmen|ausführen)[ \t]*[.!]?"
)


def _objection(words: list[str], cues: list[tuple[int, str]]) -> int | None:
    """Where a sentence objects with "aber" and says no more than that: "Wir teilen das
    Anliegen, aber der Antrag nennt keine Deckung.", "halte dies aber für überzogen"; not
    "fragt aber, ob …" (a cue next to it says what the objection does)."""
    at = next((i for i, w in enumerate(words) if w in ("aber", "Aber")), None)
    if at is None or len(words) - at < 3 or any(i >= at - 1 for i, _ in cues):
        return None  # a cue right before or after says what it does: "fragt aber, ob"
    if words[at - 1 : at] in (["dafür"], ["oder"], ["sondern"]) or words[at + 1] == "auch":
        return None  # "dafür aber in einem Wahlgang", "oder aber", "aber auch"
    if words[at + 1] == "nicht" and words[at + 2][:1].islower():
        return None  # "eingeplanten, aber nicht benötigten Mitteln"
    return at


def _asks_why(words: list[str]) -> bool:
    """A one-word question is one when it is an interrogative ("Warum?"), not a call of a
    vote's steps ("Wortmeldungen?", "Gegenprobe?", "Enthaltungen?")."""
    return bool(words) and words[0].lower() in _INTERROGATIVES


_INTERROGATIVES = frozenset({"warum", "wieso", "weshalb", "wann", "wo", "wer", "was", "wie"})


def _sentence_acts(
    words: list[str], speaker_at: int | None, surname: str, lex: Lexicon
) -> list[tuple[int, str]]:
    """(word position, act) of every cue in the sentence."""
    acts: list[tuple[int, str]] = []
    heads = lex.cue_forms_by_head
    if heads.keys().isdisjoint(words):
        return acts
    main_positions: set[int] | None = None  # computed at the first indicative cue
    for i, word in enumerate(words):
        if word not in heads:
            continue
        for form in heads[word]:
            if form.head.endswith("t"):
                if main_positions is None:
                    main_positions = _main_clause_verb_positions(words, speaker_at, surname)
                if i not in main_positions:
                    continue
            last = _rest_end(words, i, form.rest)
            if last is None:
                continue
            if form.needs and not _needs_ok(form.needs, words, i, lex):
                continue
            if last + 1 < len(words) and words[last + 1] in form.not_before:
                continue
            if form.unless and not form.unless.isdisjoint(words):
                continue
            if form.negated is not None and _negated(words, i, last, lex):
                acts.append((i, form.negated))
            else:
                acts.append((i, _OPINION if form.opinion else form.act))
    return acts


def _negated(words: list[str], head: int, last: int, lex: Lexicon) -> bool:
    """A negation shortly before the cue or inside it ("nicht anschließen", "stimmt nicht zu");
    "nicht nur" does not negate."""
    window = [*range(max(0, head - 2), head), *range(head + 1, last)]
    return any(words[j] in lex.negations and words[j + 1 : j + 2] != ["nur"] for j in window)


def _main_clause_verb_positions(words: list[str], speaker_at: int | None, surname: str) -> set[int]:
    """Word positions where the speaker's finite verb can stand: at the sentence start, next
    to the speaker's reference or a later mention of the speaker's surname ("Herr Hentschel
    stellt daraufhin den Antrag"), before "er"/"sie", after "und"/"sowie"."""
    positions = {0, 1}
    if speaker_at is not None:
        positions |= {speaker_at - 1, speaker_at + 1}
    for i, word in enumerate(words[:-1]):
        if word in ("er", "sie", "Er", "Sie") and i > 0:
            positions.add(i - 1)
        elif word in ("und", "sowie") or word == surname:
            positions.add(i + 1)
    return positions


def _rest_end(words: list[str], head: int, rest: tuple[str, ...]) -> int | None:
    """Position of the cue's last word when its further words follow in order, else None.

    Particles may stand far behind ("stellt … vor"); a noun must follow within three words
    ("ist der Meinung", not "ist mir bewusst, dass … Ihrer Meinung"). A compound ending in the
    word counts ("Power-Point-Präsentation" for "Präsentation").
    """
    pos = head
    for needed in rest:
        suffix = "-" + needed
        stop = min(len(words), pos + 4) if needed[0].isupper() else len(words)
        pos = next(
            (j for j in range(pos + 1, stop) if words[j] == needed or words[j].endswith(suffix)),
            -1,
        )
        if pos < 0:
            return None
    return pos


def _needs_ok(needs: str, words: list[str], head: int, lex: Lexicon) -> bool:
    following = words[head + 1 : head + 8]
    if needs == "object":  # "erläutert die Planung", not "erläutert, dass die Planung …"
        return following[:1] in (["den"], ["die"], ["das"], ["seinen"], ["ihren"], ["einen"])
    welcomes = any(w in lex.audience_words or w in ("Herr", "Herrn", "Frau") for w in following)
    welcomes = welcomes or any(w in lex.roles for w in following)
    return welcomes if needs == "person_or_audience" else not welcomes


def _on_behalf_of(text: str, turn: Turn, index: MentionIndex) -> int | None:
    bracket = turn.speaker.faction
    if bracket:
        found = index.faction_in(Span(turn.speaker.span.start, turn.speaker.span.end))
        if found is not None:
            return found
    body = text[turn.span.start : turn.span.end]
    own = surname_key(turn.speaker.surname)
    for m in _ON_BEHALF_RE.finditer(body):
        named = index.nearest_before(turn.span.start + m.start(), "person", window=25)
        if named is not None and index.mentions[named].key != own:
            continue  # the chair calls someone else: "Herr Rauch für die CDU-Fraktion"
        start = turn.span.start + m.end()
        found = index.faction_in(Span(start, min(turn.span.end, start + 60)), starting=True)
        if found is not None:
            return found
    return None


@functools.cache
def _for_group_re() -> re.Pattern[str]:
    """ "für die CDU-Fraktion" between a cue's words ("erklärt für die SPD-Fraktion
    Zustimmung")."""
    phrase = load_yaml("cues.yaml")["for_group"]
    return re.compile(
        rf"(?:{_alternation(phrase['prepositions'])})\s+(?:{_alternation(phrase['determiners'])})"
        rf"\s+[\w-]*(?:{_alternation(phrase['groups'])})\b"
    )


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# ---------------------------------------------------------------- claims


def _membership_claims(
    protocol: Protocol, index: MentionIndex, statements: list[Statement], lex: Lexicon
) -> Iterator[Claim]:
    for mention_no, mention in enumerate(index.mentions):
        ref = mention.person
        if mention.kind != "person" or ref is None or not ref.faction:
            continue
        faction = index.faction_for_person(mention_no)
        if faction is not None:
            yield Claim("member_of", mention_no, faction, mention.span)
    for statement in statements:
        if statement.on_behalf_of is not None:
            span = Span(statement.span.start, index.mentions[statement.on_behalf_of].span.end)
            yield Claim("member_of", statement.speaker, statement.on_behalf_of, span)


def _head_of_claims(text: str, index: MentionIndex) -> Iterator[Claim]:
    for m in _HEAD_OF_AFTER_RE.finditer(text):
        person = index.nearest_before(m.start(), "person", window=80)
        org = index.first_after(m.end(), ("department", "initiative"), window=5)
        if person is not None and org is not None:
            yield Claim("head_of", person, org, _cover(index, person, org))
    for m in _HEAD_OF_BEFORE_RE.finditer(text):
        person = index.first_after(m.end(), ("person",), window=5)
        org = index.nearest_before(m.start(), ("department", "initiative"), window=60)
        if person is not None and org is not None:
            yield Claim("head_of", person, org, _cover(index, person, org))


_HEAD_ROLES = frozenset(
    {
        "StR", "Stadtrat", "Stadträtin", "Dezernent", "Dezernentin", "Beigeordneter",
        "Beigeordnete", "Senator", "Senatorin", "Fachbereichsleiter", "Fachbereichsleiterin",
        "FB-Leiter", "FB-Leiterin", "Amtsleiter", "Amtsleiterin", "Kämmerer", "Kämmerin",
    }
)  # fmt: skip


def _chair_claims(text: str, index: MentionIndex, lex: Lexicon) -> Iterator[Claim]:
    """Chairs head the body whose meeting they chair.

    "Ratsvorsitzender Bartsch", "Herr Klaus Puschaddel, Vorsitzender", "Ratsfrau Schlienkamp
    als Vorsitzende", "Unter dem Vorsitz der …, Frau Karin Krings"; deputies ("stellv.") not.
    """
    bodies = [i for i, m in enumerate(index.mentions) if m.kind == "body"]
    if not bodies:
        return
    chair_words, after, before_name = _chair_patterns(lex)
    committee = "ausschuss" in fold(index.mentions[bodies[0]].label)
    own = fold(index.mentions[bodies[0]].label)[:6]
    for number, mention in enumerate(index.mentions):
        ref = mention.person
        if ref is None:
            continue
        before = text[max(0, mention.span.start - 12) : mention.span.start].lower()
        word = ref.role if ref.role in chair_words and "stellv" not in before else None
        chair = after.match(text, mention.span.end) if word is None else None
        of = _OF_BODY_RE.match(text, chair.end()) if chair is not None else None
        if chair is not None and (of is None or fold(of.group(1)).startswith(own)):
            word = chair.group("word")  # not "Frau X, Vorsitzende des Seniorenbeirats"
        if word is not None and not (committee and word not in _COMMITTEE_CHAIRS):
            yield Claim("head_of", number, bodies[0], _cover(index, number, bodies[0]))
    for m in before_name.finditer(text):
        person = index.first_after(m.end(), ("person",), window=2)
        if person is not None and "stellv" not in text[max(0, m.start() - 12) : m.start()]:
            yield Claim("head_of", person, bodies[0], _cover(index, person, bodies[0]))
    for m in _CHAIRED_BY_RE.finditer(text):
        person = index.first_after(m.end(), ("person",), window=80)
        if person is not None:
            yield Claim("head_of", person, bodies[0], _cover(index, person, bodies[0]))


# A committee's chair; an Ortsvorsteher or Beiratsvorsitzender at a committee meeting chairs
# another body.
_COMMITTEE_CHAIRS = frozenset(
    {"Vorsitzender", "Vorsitzende", "Ausschussvorsitzender", "Ausschussvorsitzende",
     "Ausschuss-vorsitzender"}
)  # fmt: skip
_OF_BODY_RE = re.compile(r"[ \t]+(?:des|der)[ \t]+([A-ZÄÖÜ][\w-]*)")
_CHAIRED_BY_RE = re.compile(r"[Uu]nter dem Vorsitz\b(?<=\b[Uu]nter dem Vorsitz)")


@functools.cache
def _chair_patterns(lex: Lexicon) -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """Chair role words; a chair word after a name ("Herr X, Vorsitzender"); before one."""
    chair_words = [w for w, r in lex.roles.items() if r.category == "chair"]
    alternation = "|".join(re.escape(w) for w in sorted(chair_words, key=len, reverse=True))
    return (
        frozenset(chair_words),
        re.compile(rf"[ \t]*,?[ \t]*(?:als[ \t]+)?(?P<word>{alternation})\b"),
        re.compile(rf"\b(?:{alternation})[ \t]*,[ \t]*"),
    )


_LEADS_RE = re.compile(
    r"\b(?:Leiter|Leiterin|Leitung|Betriebsleitung|Amtsleiter|Amtsleiterin|"
    r"Fachbereichsleiter|Fachbereichsleiterin)\b"
)


# "Leiterin päd. Bereich": the person leads something other than the listed unit.
_LEADS_OTHER_RE = re.compile(r"\s+(?!des\b|der\b|vom\b|von\b|im\b)[a-zäöü]")


_AFFILIATION_MAX = 160  # an affiliation after a listed name never runs longer


def _staff_head_claims(
    text: str, protocol: Protocol, index: MentionIndex, lex: Lexicon
) -> Iterator[Claim]:
    """ "Herr StR Sierau 6/Dez." or "Frau X 57/FABIDO (Betriebsleitung)" on an attendance line;
    deputies ("stellv. Amtsleiter") and leaders of something else ("Leiterin päd. Bereich")
    are not heads of the listed unit. The line ends at the next listed person and after
    `_AFFILIATION_MAX` characters: a page run together on one line is no affiliation."""
    starts = sorted(e.person.span.start for e in protocol.attendance)
    for entry in protocol.attendance:
        person = index.person_at(entry.person.span.start)
        if person is None:
            continue
        line_end = text.find("\n", entry.person.span.end)
        end = min(len(text) if line_end < 0 else line_end, entry.person.span.end + _AFFILIATION_MAX)
        end = min([end, *(s for s in starts if s >= entry.person.span.end)])
        line = Span(entry.person.span.end, max(end, entry.person.span.end))
        quote = line.quote(text)
        units = index.in_span(line, "department")
        if not units or "stellv" in quote.lower():
            continue
        lead = _LEADS_RE.search(quote)
        leads_other = lead is not None and _LEADS_OTHER_RE.match(quote, lead.end()) is not None
        if entry.person.role in _HEAD_ROLES or (lead and not leads_other):
            yield Claim("head_of", person, units[0], _cover(index, person, units[0]))


def _responsible_claims(text: str, index: MentionIndex) -> Iterator[Claim]:
    if _RESPONSIBLE_RE.search(text) is None:
        return
    for sentence in _SENTENCE_RE.finditer(text):
        body = sentence.group(0)
        if not _RESPONSIBLE_RE.search(body) or body.rstrip().endswith("?") or " ob " in body:
            continue
        span = Span(sentence.start(), sentence.end())
        initiatives = index.in_span(span, "initiative")
        units = index.in_span(span, "department")
        if len(units) == 1 and initiatives:
            yield Claim(
                "responsible_unit",
                initiatives[0],
                units[0],
                _cover(index, initiatives[0], units[0]),
            )


def _unique_claims(claims: list[Claim], index: MentionIndex) -> tuple[Claim, ...]:
    """The first claim of each (kind, subject entity, object entity)."""
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for claim in claims:
        key = (claim.kind, index.mentions[claim.subject].key, index.mentions[claim.object].key)
        if key not in seen:
            seen.add(key)
            unique.append(claim)
    return tuple(unique)


def _cover(index: MentionIndex, a: int, b: int) -> Span:
    spans = (index.mentions[a].span, index.mentions[b].span)
    return Span(min(s.start for s in spans), max(s.end for s in spans))


def folded_surname(name: str) -> str:
    """Resolution key of a surname.

    >>> folded_surname("Müller") == folded_surname("Mueller")
    True
    """
    return fold(name)
