"""Private citizens of one protocol: the person mentions exports and views pseudonymise.

Part of the extract stage; the words live in `kg/patterns/privacy.yaml`. A person is private
when the protocol introduces them as one ("Eine Bürgerin, Frau Wendeborn, fragt …",
"Einwohnerin Schulz") or names them in a citizens' question time (Einwohnerfragestunde), and
nothing in the same document shows them as a council member or office holder: no role word
before the name, no faction (also not "in der SPD-Fraktion" right after it), not on the
attendance list, not answering in the question time, not the subject of a membership or
head-of claim. Every mention of a private person's key in the document counts, so a later
"die Frage von Herrn X" is private too. A person the document alone cannot place (the page of
a question time that begins with council business) is vetoed later, across documents
(`kg.store_privacy`): who is named in another protocol outside a question time stays named.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract_entities import MentionIndex
from kg.lexicon import Lexicon, grouped_alternation, load_yaml
from kg.models import Claim, Protocol, Span, Statement

_GENDER_FORM_RE = re.compile(r"[*:_/]?innen")
_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_FACTION_NAME_MAX = 120  # characters a Fraktion's name may take after a membership phrase


@dataclass(frozen=True, slots=True)
class PrivacyRules:
    """The compiled contents of `privacy.yaml`."""

    question_time_titles: tuple[str, ...]
    introduction_re: re.Pattern[str]
    office_categories: frozenset[str]
    office_window: int
    membership_after_re: re.Pattern[str]
    pre_agenda_openers: tuple[str, ...]
    question_time_resumes: re.Pattern[str]


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
        membership_after_re=_words_re(e["words"] for e in data["membership_after_name"]),
        pre_agenda_openers=tuple(e["words"] for e in data["pre_agenda_openers"]),
        question_time_resumes=_whole_words_re(
            [e["words"] for e in data["question_time_resumes"]]
            + [e["words"] for e in data["question_time_titles"]]
        ),
    )


def _whole_words_re(phrases: Iterable[str]) -> re.Pattern[str]:
    """The phrases as whole words, also inflected ("Bürgerin", not "Bürgermeister")."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
    return re.compile(rf"(?<!\w)(?:{alternation})(?:in|n|en|s)?(?!\w)", re.IGNORECASE)


def _words_re(phrases: Iterable[str]) -> re.Pattern[str]:
    """Matches one of the phrases (longest first) at the start, after optional ", "."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
    return re.compile(rf"[ \t]*,?[ \t]*(?:{alternation})[ \t]+", re.IGNORECASE)


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
            council = _pre_agenda(protocol.document.text, item.span)
            mentions = index.in_span(item.span, "person")
            found.update(i for i in mentions if not _inside(index.mentions[i].span, council))
    return found


def _inside(span: Span, outer: Span | None) -> bool:
    return outer is not None and outer.start <= span.start < outer.end


def _pre_agenda(text: str, item: Span) -> Span | None:
    r"""The council business at the start of a question time's text, if it opens with it.

    >>> text = "Vor Eintritt in die Tagesordnung dankt er X.\nEinwohner Y fragt."
    >>> _pre_agenda(text, Span(0, len(text)))
    Span(start=0, end=44)
    """
    rules = privacy_rules()
    lowered = item.quote(text).lower()
    opener = min((p for w in rules.pre_agenda_openers if (p := lowered.find(w)) >= 0), default=-1)
    if opener < 0:
        return None
    start = lowered.rfind("\n", 0, opener) + 1
    cursor = lowered.find("\n", opener)
    while 0 <= cursor < len(lowered):
        end = lowered.find("\n", cursor + 1)
        paragraph = lowered[cursor : end if end >= 0 else len(lowered)]
        if rules.question_time_resumes.search(_GENDER_FORM_RE.sub("", paragraph)):
            return Span(item.start + start, item.start + cursor)
        cursor = end
    return Span(item.start + start, item.end)


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
    role_word_re = _role_word_regex(office_roles)
    found: set[int] = set()
    for number, mention in enumerate(index.mentions):
        ref = mention.person
        if ref is None:
            continue
        if ref.role in office_roles or ref.faction or _member_after(text, index, mention.span):
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
def _role_word_regex(office_roles: frozenset[str]) -> re.Pattern[str]:
    """One of the office role words as a whole word (compiled once per set of words)."""
    alternation = grouped_alternation(sorted(office_roles, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")


def _member_after(text: str, index: MentionIndex, name: Span) -> bool:
    """Whether a membership phrase and a Fraktion follow the name ("Kroll in der SPD-Fraktion")."""
    phrase = privacy_rules().membership_after_re.match(text, name.end)
    if phrase is None:
        return False
    after = Span(phrase.end(), min(len(text), phrase.end() + _FACTION_NAME_MAX))
    return index.faction_in(after, starting=True) is not None


@functools.cache
def _office_roles_cached(categories: frozenset[str]) -> frozenset[str]:
    from kg.lexicon import lexicon

    return frozenset(w for w, r in lexicon().roles.items() if r.category in categories)


def _office_roles(rules: PrivacyRules) -> frozenset[str]:
    return _office_roles_cached(rules.office_categories)
