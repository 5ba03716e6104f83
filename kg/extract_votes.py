"""Votes and decisions of agenda items ("einstimmig", "bei 3 Gegenstimmen (AfD)").

Part of the extract stage. A decision block is text outside speaker turns that starts with a
decision marker ("Beschluss:", "ABSTIMMUNGSERGEBNIS:") or contains a vote word, or a decision
sentence inside a turn ("Damit ist der Antrag angenommen."); one vote per block, or per
decision when a block records several with different results, with the result, unanimity and
the counts the text gives. Lines of a whole page (PDF text on one line) are read sentence by
sentence.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from typing import Literal

from kg.extract_entities import MentionIndex
from kg.lexicon import Lexicon
from kg.models import AgendaItem, GroupCount, Protocol, Span, Vote, VoteResult

# Matched against the lower-cased line: a literal alternation is searched by its first letters,
# one with re.IGNORECASE position by position (about ten times slower).
_VOTE_WORDS = re.compile(
    r"einstimmig|mehrheitlich|abstimmungsergebnis|gegenstimme|enthaltung|kenntnis(?!nahme)|"
    r"ja-stimmen|nein-stimmen|beschlossen|beschließt|abgelehnt|vertagt|angenommen|abgesetzt|"
    r"zurückgestellt|wird gefolgt|\d+ ?: ?\d+(?: ?: ?\d+)? stimmen"  # "mit 7:2:1 Stimmen zu"
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
        result: [re.compile(p, re.IGNORECASE) for p in spec["patterns"]]
        for result, spec in votes["results"].items()
    }
    for option, patterns in votes["counts"].items():
        compiled["count_" + option] = [re.compile(p, re.IGNORECASE) for p in patterns]
    compiled["unanimous"] = [re.compile(re.escape(p)) for p in votes["unanimous"]]
    markers = "|".join(re.escape(m.rstrip(":")) for m in votes["decision_markers"])
    compiled["marker"] = [re.compile(rf"(?m)^\s*(?:{markers}):?\s*(?:$|\S)")]
    compiled.update(_sentence_patterns(votes["decision_sentences"]))
    return compiled


def _sentence_patterns(spec: dict[str, list[str]]) -> dict[str, list[re.Pattern[str]]]:
    """A decision sentence of the minutes or a chair's announcement ("Der Antrag wird
    einstimmig beschlossen.", "Damit ist die Überweisung mehrheitlich abgelehnt.") but not a
    clause reported or wished for ("…, dass der Antrag abgelehnt werden solle"); "Das ist"
    after the dash of a show of hands ("– Das ist einstimmig beschlossen."); its end
    words as a cheap test before it; a decision a speaker quotes from another meeting."""

    def words(key: str) -> str:
        return "|".join(re.escape(w) for w in spec[key])

    subject = rf"(?:{words('articles')})\s+[A-ZÄÖÜ][\w-]*\s"
    sentence = (
        rf"(?:^(?:-\s+)?|[.!?:–]\s+)(?:{subject}(?:[^.]*?\s)?(?:{words('deciding_verbs')})\b|"
        rf"(?:{subject}[^.]*?\b(?:{words('verbs')})|"
        rf"(?:{words('announcements')})\s+(?:{words('announcement_verbs')})|"
        rf"(?<=–\s)(?:{words('after_pause')})\s+(?:{words('announcement_verbs')}))\b"
        rf"(?:(?!\b(?:{words('not_decided')})\b)[^.])*?\b(?:{words('results')}))"
    )
    return {
        "sentence": [re.compile(sentence)],
        "sentence_word": [re.compile(f"{words('results')}|{words('deciding_verbs')}")],
        "quoted": [re.compile(rf"(?:{words('quoted_after')})\w*(?:\s+\w+)?\s*:\s*(?:\d+\.\s*)?$")],
    }


def find_votes(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> Iterator[Vote]:
    """One vote per decision block of each agenda item."""
    text = protocol.document.text
    patterns = _compiled(id(lex), lex)
    for item_no, item in enumerate(protocol.items):
        for block in _joined(text, _decision_blocks(text, item, patterns), patterns):
            for decision in _decisions(text, block, patterns):
                vote = _vote(text, item_no, decision, patterns, index, lex)
                if vote is not None:
                    yield vote


def _joined(
    text: str, blocks: Iterator[Span], patterns: dict[str, list[re.Pattern[str]]]
) -> list[Span]:
    """Blocks with a block that only gives counts ("Abstimmungsergebnis: 14 Ja-Stimmen")
    joined to the decision right before it, unless that decision has a tally of its own
    ("Der Antrag wird mit 2 : 9 Stimmen abgelehnt." before the main motion's result)."""
    joined: list[Span] = []
    for block in blocks:
        if (
            joined
            and not text[joined[-1].end : block.start].strip()
            and _result(text[block.start : block.end], patterns) is None
            and not _tallied(text[joined[-1].start : joined[-1].end], patterns)
        ):
            joined[-1] = Span(joined[-1].start, block.end)
        else:
            joined.append(block)
    return joined


def _tallied(body: str, patterns: dict[str, list[re.Pattern[str]]]) -> bool:
    return any(p.search(body) for p in patterns["count_yes"]) and any(
        p.search(body) for p in patterns["count_no"]
    )


def _decisions(text: str, block: Span, patterns: dict[str, list[re.Pattern[str]]]) -> list[Span]:
    """The block, or its parts when it records decisions with different results one after
    the other ("Der Änderungsantrag wird abgelehnt. Die Vorlage wird … beschlossen.", a
    paragraph "Im Übrigen nimmt der Ausschuss den Bericht zur Kenntnis." after a decision);
    neighbouring parts with the same result stay one decision."""
    body = text[block.start : block.end]
    starts = [
        m.start() + len(m.group(0)) - len(m.group(0).lstrip(".!?:–- \n"))
        for m in patterns["sentence"][0].finditer(body)
    ]
    starts += _noting_paragraphs(body, patterns)
    starts.sort()
    cuts = [block.start] + [block.start + s for s in starts if s > 0] + [block.end]
    if len(cuts) == 2:
        return [block]
    parts: list[tuple[Span, VoteResult | None]] = []
    for start, end in itertools.pairwise(cuts):
        result = _result(text[start:end], patterns)
        if parts and parts[-1][1] in (None, result):
            parts[-1] = (Span(parts[-1][0].start, end), result)
        elif parts and result is None:
            parts[-1] = (Span(parts[-1][0].start, end), parts[-1][1])
        else:
            parts.append((Span(start, end), result))
    return [span for span, _ in parts]


def _noting_paragraphs(body: str, patterns: dict[str, list[re.Pattern[str]]]) -> list[int]:
    """Starts of the paragraphs of `body` that take note of a report (a decision of its own)."""
    starts = []
    for gap in _PARAGRAPH_GAP.finditer(body):
        end = body.find("\n\n", gap.end())
        paragraph = body[gap.end() : len(body) if end < 0 else end]
        if any(p.search(paragraph) for p in patterns["TakenNote"]):
            starts.append(gap.end())
    return starts


_PARAGRAPH_GAP = re.compile(r"\n[ \t]*\n\s*")


def _decision_blocks(
    text: str, item: AgendaItem, patterns: dict[str, list[re.Pattern[str]]]
) -> Iterator[Span]:
    turn_spans = [t.span for t in item.turns]  # in text order, not overlapping
    next_turn = 0
    start = item.span.start
    block_start: int | None = None
    taken = 0  # the end of a marker's paragraph inside a turn, already yielded
    for line in _segments(text[item.span.start : item.span.end]):
        line_start, start = start, start + len(line) + 1
        if line_start < taken:
            continue
        while next_turn < len(turn_spans) and turn_spans[next_turn].end <= line_start:
            next_turn += 1
        in_turn = next_turn < len(turn_spans) and turn_spans[next_turn].start <= line_start
        if in_turn and patterns["marker"][0].match(line):
            # "Abstimmungsergebnis: …", "Beschluss:" with the result below it
            # (the paragraph, unless the line is a sentence of a page on one line)
            line_end = line_start + len(line)
            paragraph_end = text.find("\n\n", line_start, turn_spans[next_turn].end)
            end = turn_spans[next_turn].end if paragraph_end < 0 else paragraph_end
            taken = max(end, line_end) if text[line_end : line_end + 1] in ("\n", "") else line_end
            yield Span(line_start, taken)
            continue
        if (
            in_turn
            and patterns["sentence_word"][0].search(line)
            and patterns["sentence"][0].search(line)
        ):
            yield from _decision_sentences(text, Span(line_start, line_start + len(line)), patterns)
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


# Lines longer than this (a PDF text layer with a whole page on one line) are read sentence
# by sentence, so that a decision at the end of a speech is not part of the speech.
_LONG_LINE = 400
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„\"])")
# A line break that ends a line, not a hard wrap inside a sentence (after a line of at least
# 50 characters not ending in . ! ? : and before a non-empty line).
_HARD_WRAP = re.compile(r"\n(?<![^\n]{49}[^\n.!?:]\n)|\n(?=\n|\s*$)")


def _segments(body: str) -> Iterator[str]:
    """The lines of `body`, hard-wrapped lines joined ("Damit ist die Überweisung" +
    "mehrheitlich abgelehnt."), long lines cut after their sentences; the pieces are
    separated by one character, as lines are by the line break."""
    for line in _HARD_WRAP.split(body):
        if len(line) <= _LONG_LINE:
            yield line
            continue
        start = 0
        for m in _SENTENCE_END.finditer(line):
            if m.end() - m.start() == 1:  # one space: the piece ends before it
                yield line[start : m.start()]
                start = m.end()
        yield line[start:]


def _decision_sentences(
    text: str, line: Span, patterns: dict[str, list[re.Pattern[str]]]
) -> Iterator[Span]:
    """The decision sentences inside a line of a speech ("… Damit ist der Antrag
    angenommen."), not one a speaker quotes ("… folgenden Beschluss: 1. Der Antrag wird
    vertagt.")."""
    body = line.quote(text)
    for m in patterns["sentence"][0].finditer(body):
        start = line.start + m.start() + len(m.group(0)) - len(m.group(0).lstrip(".!?:– "))
        if patterns["quoted"][0].search(text, max(0, start - 60), start):
            continue
        end = text.find(".", line.start + m.end(), line.end)
        yield Span(start, line.end if end < 0 else end + 1)


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
    counts = {opt: _count(body, patterns["count_" + opt], lex) for opt in ("yes", "no", "abstain")}
    if result is None and counts["yes"] is not None and counts["no"] is not None:
        result = "Accepted" if counts["yes"] > counts["no"] else "Rejected"  # "Ja 9, Nein 4"
    if result is None:
        return None
    majority = re.search(
        r"mehrheitlich|mit Mehrheit|Gegenstimme|gegen die Stimme", body, re.IGNORECASE
    )
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
