"""Faster forms of patterns match exactly what their plain forms match.

The fast forms (alternations grouped by first letter, boundaries checked after the first
letter, sentence starts found from the breaks before them) must give the same places as the
readable forms they replace; each test compares both on seeded random strings built from
the characters and words that matter.
"""

from __future__ import annotations

import random
import re
import unicodedata

from kg.lexicon import grouped_alternation, lexicon
from kg.models import Span
from kg.parse import _sentence_starts
from kg.sources import normalise_text

# The sentence-start pattern that `_sentence_starts` replaces: an empty match at a line start,
# or the spaces after . ! ? : ; or a line break, up to the next character that is no space.
_PLAIN_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?:;])\s+|\n\s*)(?=\S)", re.MULTILINE)


def _random_texts(pieces: list[str], count: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(count)
    ]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_grouped_alternation_matches_like_the_plain_one() -> None:
    words = ["Herrn", "Herr", "Frau", "Fraktion", "F", "Her", "Amt", "Am"]
    pieces = [*words, " ", ".", "x", "-", "\n", "ä"]
    for not_after in ("", r"\w", r"[\w.]"):
        plain = "|".join(re.escape(w) for w in words)
        before = f"(?<!{not_after})" if not_after else ""
        slow = re.compile(rf"{before}(?:{plain})(?:\s|$)")
        fast = re.compile(rf"(?:{grouped_alternation(words, not_after)})(?:\s|$)")
        for text in _random_texts(pieces, 3000, 8, seed=len(not_after)):
            assert _spans(slow, text) == _spans(fast, text), (not_after, text)


def test_role_words_grouped_keep_their_order_of_preference() -> None:
    roles = sorted(set(lexicon().roles), key=len, reverse=True)
    plain = re.compile("|".join(re.escape(w) for w in roles))
    fast = re.compile(grouped_alternation(roles))
    for text in ["Stadtrat Meier", "Stadträtin Lenz", "Bürgermeisterin X", *roles]:
        assert _spans(plain, text) == _spans(fast, text), text


def test_sentence_starts_are_the_places_of_the_plain_pattern() -> None:
    pieces = ["a", "B", " ", "\t", "\n", ".", ":", ";", "!", "?", "\u00a0", "\u2028"]
    for text in _random_texts(pieces, 20000, 16, seed=11):
        rng = random.Random(text)
        start = rng.randint(0, len(text))
        span = Span(start, rng.randint(start, len(text)))
        expected: list[tuple[int, bool]] = []
        for m in _PLAIN_SENTENCE_START.finditer(text, span.start, span.end):
            line_start = "\n" in m.group(0) or m.start() == 0 or text[m.start() - 1] == "\n"
            if not expected or expected[-1] != (m.end(), line_start):  # "^" after "\n" repeats
                expected.append((m.end(), line_start))
        assert list(_sentence_starts(text, span)) == expected, (text, span)


def test_sentence_starts_of_a_short_text() -> None:
    text = "Herr A fragt. Frau B antwortet:\nDas ist so.  Ende"
    starts = list(_sentence_starts(text, Span(0, len(text))))
    assert starts == [(0, True), (14, False), (32, True), (45, False)]


def _plain_normalise(text: str) -> str:
    """`normalise_text` as first written: a category test per character, lookbehinds first."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\u200b", "")
    text = re.sub(r"[\u00a0\u2007\u202f]", " ", text)
    text = text.replace("\t", "  ")
    text = "".join(c for c in text if c in "\n\f" or unicodedata.category(c) != "Cc")
    text = re.sub(r"(?<=[a-zäöüß])-\n(?=[a-zäöüß])", "", text)
    return re.sub(r"(?<=\w)-\n(?=[A-ZÄÖÜ])", "-", text)


def test_normalise_text_is_the_plain_normalisation() -> None:
    every = "".join(chr(c) for c in range(0x3000))
    assert normalise_text(every) == _plain_normalise(every)
    pieces = ["a", "ä", "Z", "Ä", "1", "_", "-", "\n", "\r", "\t", "\x0b", "\x85", "\xad", " "]
    for text in _random_texts(pieces, 20000, 12, seed=3):
        assert normalise_text(text) == _plain_normalise(text), text
    assert normalise_text("Aus-\nschuss und Bau-\nAusschuss") == "Ausschuss und Bau-Ausschuss"
