"""Negation cues and exception clauses ("except", "unless", "other than", ...).

Extractors must never flip a meaning silently. ``exception_ranges`` marks the text an exception
clause covers, so that what is named there is dropped (or, for diseases, marked ``negated``);
``negated_before``/``negated_after`` find a negation word in the same clause right next to a term.
"""

from __future__ import annotations

import re

EXCEPTION_RE = re.compile(
    r"\b(?:except(?:\s+for)?|unless|with\s+the\s+exceptions?\s+of|other\s+than|excluding|"
    r"not\s+including|apart\s+from|aside\s+from|besides|exception\s+(?:for|of|is))\b"
)
_CLAUSE_END_RE = re.compile(r"[.;](?:\s|$)|\n\s*\n|$")
NEG_BEFORE_RE = re.compile(
    r"\b(?:no|not|non|without|never|free\s+of|absence\s+of|absent|negative\s+for|lack\s+of|"
    r"nor|neither|cannot|can't|isn't|aren't|doesn't|don't|didn't|hasn't|haven't|ruled\s+out|"
    r"excluded|exclude|denies|deny)\b"
)
_NEG_AFTER_RE = re.compile(r"\s*[-(]?\s*(?:negative|neg\b|free\b|-(?![\w/]))")
_CLAUSE_BREAK = ".;:,()[]\n"
_LAST_BREAK_RE = re.compile(r".*[.;:,()\[\]\n]", re.DOTALL)  # greedy: ends after the last break
_CLAUSE_WORD_RE = re.compile(r"\b(?:but|however|although|and\s+(?:must|should|has|have|is))\b")


def exception_ranges(folded: str) -> list[tuple[int, int, int]]:
    """(keyword start, clause start, clause end) of each exception clause."""
    ranges: list[tuple[int, int, int]] = []
    for m in EXCEPTION_RE.finditer(folded):
        open_paren = folded.rfind("(", 0, m.start())
        close_paren = folded.rfind(")", 0, m.start())
        end_m = _CLAUSE_END_RE.search(folded, m.end())
        end = end_m.start() if end_m else len(folded)
        if open_paren > close_paren:  # inside parentheses: the clause ends with them
            close = folded.find(")", m.end())
            if close >= 0:
                end = min(end, close)
        ranges.append((m.start(), m.end(), end))
    return ranges


def in_exception(ranges: list[tuple[int, int, int]], start: int) -> bool:
    return any(kw <= start < end for kw, _, end in ranges)


def before_exception(ranges: list[tuple[int, int, int]], end: int, folded: str) -> bool:
    """Is there an exception clause later in the same sentence as a term ending at ``end``?"""
    return any(kw >= end and not re.search(r"[.;](?:\s|$)", folded[end:kw]) for kw, _, _ in ranges)


def clause_start(folded: str, pos: int) -> int:
    best = -1
    for ch in _CLAUSE_BREAK:
        best = max(best, folded.rfind(ch, 0, pos))
    start = best + 1
    for m in _CLAUSE_WORD_RE.finditer(folded, start, pos):
        start = m.end()
    return start


def negated_before(folded: str, pos: int, window: int = 40) -> bool:
    """A negation word between the start of the clause (at most ``window`` back) and ``pos``."""
    lo = max(0, pos - window)
    last = _LAST_BREAK_RE.match(folded, lo, pos)  # only the window can hold the break that matters
    best = -1 if last is None else last.end() - 1
    start = lo if best < 0 else best + 1
    if NEG_BEFORE_RE.search(folded, start, pos) is None:
        return False  # clause words below only move ``start`` right: nothing to find there
    for m in _CLAUSE_WORD_RE.finditer(folded, start if best >= 0 else max(0, lo - 20), pos):
        start = max(start, m.end())
    return NEG_BEFORE_RE.search(folded, start, pos) is not None


_NON_PREFIX_RE = re.compile(r"\bnon[- ](?=\w)")


def negated_before_words(folded: str, pos: int, window: int = 40) -> bool:
    """:func:`negated_before`, where a "non-" prefix of another word ("non-CNS site",
    "non-squamous") does not count as a negation."""
    if not negated_before(folded, pos, window):
        return False
    lo = max(0, pos - window)
    masked = _NON_PREFIX_RE.sub(lambda m: " " * len(m.group(0)), folded[lo:pos])
    return negated_before(folded[:lo] + masked, pos, window)


def negated_after(folded: str, end: int) -> bool:
    """ "CD19 negative", "HIV-negative", "CD19-" right after a term."""
    return _NEG_AFTER_RE.match(folded, end) is not None
