"""Length-preserving text folding, so that every match on folded text is a span of the original.

``fold`` lowercases and maps written variants to one form, one character for one character:
fullwidth ASCII and punctuation, Cyrillic ``х`` and ``×`` to ``x``, superscript digits and minus,
dashes, ``≦``/``≧``, the micro sign, no-break spaces, and markdown escape backslashes (``\\<``) to
spaces. Offsets in the folded text are offsets in the original.
"""

from __future__ import annotations

import re

_PAIRS: dict[str, str] = {
    "×": "x",
    "⋅": "x",  # dot operator used as a multiplication sign ("1.5 ⋅ ULN")
    "·": "x",
    "х": "x",  # Cyrillic small ha
    "Х": "x",
    "＊": "*",
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
    "₂": "2",
    "−": "-",
    "–": "-",
    "—": "-",
    "‑": "-",
    "‐": "-",
    "≦": "≤",
    "≧": "≥",
    "⩽": "≤",
    "⩾": "≥",
    "μ": "u",
    "µ": "u",
    "\u00a0": " ",
    "\u3000": " ",
    "\u2009": " ",
    "\u202f": " ",
    "’": "'",
    "‘": "'",
    "“": '"',
    "”": '"',
    "。": ".",
    "～": "~",
    "\\": " ",
}
_TABLE: dict[int, str] = {ord(k): v for k, v in _PAIRS.items()}
for _code in range(0xFF01, 0xFF5F):  # fullwidth ASCII block
    _TABLE.setdefault(_code, chr(_code - 0xFEE0))


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _map_char(m: re.Match[str]) -> str:
    return _TABLE.get(ord(m.group(0)), m.group(0))


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


_TABLE_KEEP_BACKSLASH = {k: v for k, v in _TABLE.items() if k != ord("\\")}


def fold(text: str, *, keep_backslash: bool = False) -> str:
    """Return ``text`` lowercased and normalised, with exactly the same length."""
    out = text if text.isascii() else _NON_ASCII_RE.sub(_map_char, text)
    if not keep_backslash and "\\" in out:
        out = out.replace("\\", " ")
    low = out.lower()
    if len(low) != len(out):  # a few characters lowercase to two (e.g. "İ")
        low = "".join(_lower_char(ch) for ch in out)
    return low


def has_any(folded: str, keys: tuple[str, ...]) -> bool:
    """Cheap substring pre-check before running a costly pattern."""
    return any(k in folded for k in keys)
