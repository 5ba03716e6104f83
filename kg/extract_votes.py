"""Votes and decisions of agenda items ("einstimmig", "bei 3 Gegenstimmen (AfD)").

Part of the extract stage. A decision block is text outside speaker turns that starts with a
decision marker ("Beschluss:", "ABSTIMMUNGSERGEBNIS:") or contains a vote word; one vote per
block, with the result, unanimity and the counts the text gives.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Literal

from kg.extract_entities import MentionIndex
from kg.lexicon import Lexicon
from kg.models import AgendaItem, GroupCount, Protocol, Span, Vote, VoteResult

# Matched against the lower-cased line: a literal alternation is searched by its first letters,
# one with re.IGNORECASE position by position (about ten times slower).
_VOTE_WORDS = re.compile(
    r"einstimmig|mehrheitlich|abstimmungsergebnis|gegenstimme|enthaltung|"
    r"zur kenntnis genommen|ja-stimmen|nein-stimmen|beschlossen|abgelehnt|vertagt"
)
_GROUP_RE = re.compile(
    r"(?P<count>\d+|eine[rn]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)\s+"
    r"(?P<option>Gegenstimmen|Gegenstimme|Nein-Stimmen|Enthaltungen|Enthaltung|Ja-Stimmen)\s*"
    r"\((?P<group>[^()\n]{2,60})\)"
)
Option = Literal["yes", "no", "abstain"]


@functools.cache
def _compiled(lex_id: int, lex: Lexicon) -> dict[str, list[re.Pattern[str]]]:
    votes = lex.votes
    compiled = {
        result: [re.compile(p) for p in spec["patterns"]]
        for result, spec in votes["results"].items()
    }
    for option, patterns in votes["counts"].items():
        compiled["count_" + option] = [re.compile(p, re.IGNORECASE) for p in patterns]
    compiled["unanimous"] = [re.compile(re.escape(p)) for p in votes["unanimous"]]
    markers = "|".join(re.escape(m.rstrip(":")) for m in votes["decision_markers"])
    compiled["marker"] = [re.compile(rf"(?m)^\s*(?:{markers}):?\s*(?:$|\S)")]
    return compiled


def find_votes(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> Iterator[Vote]:
    """One vote per decision block of each agenda item."""
    text = protocol.document.text
    patterns = _compiled(id(lex), lex)
    for item_no, item in enumerate(protocol.items):
        for block in _decision_blocks(text, item, patterns):
            vote = _vote(text, item_no, block, patterns, index, lex)
            if vote is not None:
                yield vote


def _decision_blocks(
    text: str, item: AgendaItem, patterns: dict[str, list[re.Pattern[str]]]
) -> Iterator[Span]:
    turn_spans = [t.span for t in item.turns]  # in text order, not overlapping
    next_turn = 0
    start = item.span.start
    block_start: int | None = None
    for line in text[item.span.start : item.span.end].split("\n"):
        line_start, start = start, start + len(line) + 1
        while next_turn < len(turn_spans) and turn_spans[next_turn].end <= line_start:
            next_turn += 1
        in_turn = next_turn < len(turn_spans) and turn_spans[next_turn].start <= line_start
        if in_turn and _DECISION_WORD.search(line) and _DECISION_SENTENCE.search(line):
            yield _decision_sentence(text, Span(line_start, line_start + len(line)))
            continue
        if in_turn:
            if block_start is not None:
                yield Span(block_start, line_start)
                block_start = None
            continue
        if block_start is None and (
            patterns["marker"][0].match(line) or _VOTE_WORDS.search(line.lower())
        ):
            block_start = line_start
    if block_start is not None:
        yield Span(block_start, item.span.end)


_DECISION_SENTENCE = re.compile(
    r"(?:^|[.!?]\s+)(?:Der|Die|Das)\s+[A-ZÄÖÜ][\w-]*\s[^.]*?\b(?:wird|werden|wurde|wurden|"
    r"beschließt|lehnt|nimmt|stimmt|empfiehlt)\b[^.]*?\b(?:einstimmig|mehrheitlich|"
    r"Gegenstimme|Enthaltung|abgelehnt|zur Kenntnis|beschlossen|angenommen|festgestellt)"
)


# The words a decision sentence ends on: a cheap test before the full pattern.
_DECISION_WORD = re.compile(
    r"einstimmig|mehrheitlich|Gegenstimme|Enthaltung|abgelehnt|zur Kenntnis|beschlossen|"
    r"angenommen|festgestellt"
)


def _decision_sentence(text: str, line: Span) -> Span:
    """The decision sentence inside a line of minutes ("Der Antrag wird einstimmig …")."""
    body = line.quote(text)
    m = _DECISION_SENTENCE.search(body)
    if m is None:  # pragma: no cover - callers check the same pattern first
        return line
    start = line.start + m.start() + len(m.group(0)) - len(m.group(0).lstrip(".!? "))
    end = text.find(".", line.start + m.end(), line.end)
    return Span(start, line.end if end < 0 else end + 1)


def _vote(
    text: str,
    item_no: int,
    block: Span,
    patterns: dict[str, list[re.Pattern[str]]],
    index: MentionIndex,
    lex: Lexicon,
) -> Vote | None:
    body = text[block.start : block.end]
    result = _result(body, patterns)
    if result is None:
        return None
    counts = {opt: _count(body, patterns["count_" + opt], lex) for opt in ("yes", "no", "abstain")}
    majority = re.search(r"mehrheitlich|mit Mehrheit|Gegenstimme", body, re.IGNORECASE)
    unanimous = True if any(p.search(body) for p in patterns["unanimous"]) else None
    if unanimous is None and (majority or counts["no"]):
        unanimous = False
    return Vote(
        item=item_no,
        span=_trim(text, block),
        result=result,
        unanimous=unanimous,
        yes=counts["yes"],
        no=counts["no"],
        abstain=counts["abstain"],
        groups=tuple(_groups(text, block, index, lex)),
    )


def _result(body: str, patterns: dict[str, list[re.Pattern[str]]]) -> VoteResult | None:
    order: tuple[VoteResult, ...] = ("TakenNote", "Deferred", "Rejected", "Accepted")
    for result in order:
        if any(p.search(body) for p in patterns[result]):
            return result
    return None


def _count(body: str, patterns: list[re.Pattern[str]], lex: Lexicon) -> int | None:
    words: dict[str, int] = lex.votes["number_words"]
    for pattern in patterns:
        m = pattern.search(body)
        if m:
            return int(m.group(1))
    for pattern in patterns:
        m = _word_pattern(pattern.pattern, tuple(words)).search(body)
        if m:
            return words[m.group(1).lower()]
    return None


@functools.cache
def _word_pattern(source: str, words: tuple[str, ...]) -> re.Pattern[str]:
    """A count pattern with number words ("bei einer Enthaltung") instead of digits."""
    alternation = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(source.replace(r"(\d+)", rf"\b({alternation})\b"), re.IGNORECASE)


def _groups(text: str, block: Span, index: MentionIndex, lex: Lexicon) -> Iterator[GroupCount]:
    options: dict[str, Option] = {
        "gegenstimmen": "no", "gegenstimme": "no", "nein-stimmen": "no",
        "enthaltungen": "abstain", "enthaltung": "abstain", "ja-stimmen": "yes",
    }  # fmt: skip
    words: dict[str, int] = lex.votes["number_words"]
    for m in _GROUP_RE.finditer(text, block.start, block.end):
        raw = m.group("count")
        count = int(raw) if raw.isdigit() else words.get(raw.lower())
        faction = index.faction_in(Span(m.start("group"), m.end("group")))
        yield GroupCount(faction=faction, option=options[m.group("option").lower()], count=count)


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)
