"""Private citizens of one protocol: the person mentions exports and views pseudonymise.

Part of the extract stage; the words live in `kg/patterns/privacy.yaml`. A person is private
when the protocol introduces them as one ("Eine Bürgerin, Frau Wendeborn, fragt …",
"Einwohnerin Schulz") or names them in a citizens' question time (Einwohnerfragestunde), and
nothing in the same document shows them as a council member or office holder: no role word
before the name, no faction, not on the attendance list, not answering in the question time,
not the subject of a membership or head-of claim. Every mention of a private person's key in
the document counts, so a later "die Frage von Herrn X" is private too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.extract_entities import MentionIndex
from kg.lexicon import Lexicon, load_yaml
from kg.models import Claim, Protocol, Span, Statement

_GENDER_FORM_RE = re.compile(r"[*:_/]?innen")
_SENTENCE_END_RE = re.compile(r"[.!?\n]")


@dataclass(frozen=True, slots=True)
class PrivacyRules:
    """The compiled contents of `privacy.yaml`."""

    question_time_titles: tuple[str, ...]
    introduction_re: re.Pattern[str]
    office_categories: frozenset[str]
    office_window: int


@functools.cache
def privacy_rules() -> PrivacyRules:
    """The process-wide privacy rules (loaded once).

    Raises:
        ExtractError: when `privacy.yaml` is missing or malformed.
    """
    data = load_yaml("privacy.yaml")
    words = sorted({e["words"] for e in data["private_introductions"]}, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return PrivacyRules(
        question_time_titles=tuple(e["words"] for e in data["question_time_titles"]),
        # the introduction, then optional ", " and nothing else before the name
        introduction_re=re.compile(rf"\b(?:{alternation})\b[ \t]*,?[ \t]*$"),
        office_categories=frozenset(data["office_role_categories"]),
        office_window=int(data["office_context_window"]),
    )


def is_question_time(title: str | None) -> bool:
    """Whether an agenda item title marks a citizens' question time.

    >>> is_question_time("Einwohner*innenfragestunde"), is_question_time("Radverkehrskonzept")
    (True, False)
    """
    if not title:
        return False
    normal = _GENDER_FORM_RE.sub("", title.lower())
    return any(words in normal for words in privacy_rules().question_time_titles)


def private_mentions(
    protocol: Protocol,
    index: MentionIndex,
    statements: list[Statement],
    claims: list[Claim],
    lex: Lexicon,
) -> tuple[int, ...]:
    """Indexes of the person mentions that name a private citizen, in mention order."""
    officials = _official_keys(protocol, index, statements, claims, lex)
    candidates = _question_time_mentions(protocol, index) | _introduced_mentions(protocol, index)
    private_keys = {index.mentions[i].key for i in candidates} - officials
    return tuple(
        i
        for i, mention in enumerate(index.mentions)
        if mention.kind == "person" and mention.key in private_keys
    )


def _question_time_mentions(protocol: Protocol, index: MentionIndex) -> set[int]:
    found: set[int] = set()
    for item in protocol.items:
        if is_question_time(item.title):
            found.update(index.in_span(item.span, "person"))
    return found


def _introduced_mentions(protocol: Protocol, index: MentionIndex) -> set[int]:
    text = protocol.document.text
    rules = privacy_rules()
    found: set[int] = set()
    for number, mention in enumerate(index.mentions):
        ref = mention.person
        if ref is None:
            continue
        if ref.role is not None and ref.role not in _office_roles(rules):
            found.add(number)
            continue
        before = text[max(0, mention.span.start - 20) : mention.span.start]
        if rules.introduction_re.search(before):
            found.add(number)
    return found


def _official_keys(
    protocol: Protocol,
    index: MentionIndex,
    statements: list[Statement],
    claims: list[Claim],
    lex: Lexicon,
) -> set[str]:
    """Keys of persons the document shows in an office: council, administration, chair."""
    keys = {index.mentions[i].key for i in _office_mentions(protocol, index, lex)}
    attendance = {entry.person.span.start for entry in protocol.attendance}
    keys |= {m.key for m in index.mentions if m.kind == "person" and m.span.start in attendance}
    keys |= {index.mentions[c.subject].key for c in claims if c.kind in ("member_of", "head_of")}
    keys |= {
        index.mentions[s.speaker].key
        for s in statements
        if is_question_time(protocol.items[s.item].title)
        and "Answer" in s.acts
        and "Question" not in s.acts
    }
    return keys


def _office_mentions(protocol: Protocol, index: MentionIndex, lex: Lexicon) -> set[int]:
    """Person mentions with an office role word or faction at or shortly before the name."""
    text = protocol.document.text
    rules = privacy_rules()
    office_roles = _office_roles(rules)
    alternation = "|".join(re.escape(w) for w in sorted(office_roles, key=len, reverse=True))
    role_word_re = re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")
    found: set[int] = set()
    for number, mention in enumerate(index.mentions):
        ref = mention.person
        if ref is None:
            continue
        if ref.role in office_roles or ref.faction:
            found.add(number)
            continue
        window = Span(max(0, mention.span.start - rules.office_window), mention.span.start)
        before = window.quote(text)
        sentence_start = max((m.end() for m in _SENTENCE_END_RE.finditer(before)), default=0)
        for role in role_word_re.finditer(before, sentence_start):
            between = Span(window.start + role.start(), mention.span.start)
            if not index.in_span(between, "person"):  # the role word is not someone else's
                found.add(number)
                break
    return found


@functools.cache
def _office_roles_cached(categories: frozenset[str]) -> frozenset[str]:
    from kg.lexicon import lexicon

    return frozenset(w for w, r in lexicon().roles.items() if r.category in categories)


def _office_roles(rules: PrivacyRules) -> frozenset[str]:
    return _office_roles_cached(rules.office_categories)
