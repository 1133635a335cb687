"""Split eligibility text into items: sections, list markers, nesting, continuation lines.

``split_text`` returns raw items (kind, offsets, parent) plus the spans it skipped (headings,
markers, stray punctuation), so that items + skipped spans + whitespace give back the original text
exactly. Nothing here raises on any string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from cartnav.criteria.groups import assign_groups
from cartnav.criteria.headings import find_headings
from cartnav.criteria.markers import (
    INLINE_MARKER_RE,
    LINE_MARKER_RE,
    Marker,
    classify,
    roman_as_alpha,
)
from cartnav.criteria.text import fold
from cartnav.domain.criterion import ItemKind


@dataclass(slots=True)
class RawItem:
    kind: ItemKind
    start: int
    end: int
    parent: int | None = None
    group: str | None = None


@dataclass(slots=True)
class SplitResult:
    items: list[RawItem] = field(default_factory=list)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, what)
    folded: str = ""  # fold(text, keep_backslash=True)


@dataclass(slots=True)
class _Level:
    style: str
    indent: int | None
    item: int  # index into the builder's item list
    ordinal: int | None


_JUNK_RE = re.compile(r"[\W_]*", re.UNICODE)
_SENTENCE_END_RE = re.compile(r"(?:[.;:。；：!?]|\b(?:or|and)[,;.]?)[\s*_]*$")
_START_OK_BEFORE = ":：;；"
_WRAP_WIDTH = 100
_SHORT_LINE = 60
# every inline marker contains one of these; a cheap test before the full marker pattern
_INLINE_HINT_RE = re.compile(r"[*•▪○◦●■➢►①-⑳、.)．\-]")
_DASH_AFTER = ".;:,。；："


def _marker_starts(folded: str, c: int, pos: int) -> tuple[int, ...]:
    """Where an inline marker ending or standing at hint character ``c`` could start."""
    ch = folded[c]
    if ch in ".)．、":  # "12." "a)" "iv." "(3)" "6\\."
        t = c - 1 if c > pos and folded[c - 1] == "\\" else c
        k = t
        while k > pos and t - k < 4 and folded[k - 1].isalnum():
            k -= 1
        if k == t or (k > pos and folded[k - 1].isalnum()):
            return ()
        return (k - 1,) if k > pos and folded[k - 1] == "(" else (k,)
    q = c
    while q > pos and folded[q - 1] in " \t":
        q -= 1
    if ch == "-":  # "...; - next item"
        return (q,) if q > pos and folded[q - 1] in _DASH_AFTER else ()
    return (q, c) if q < c else (c,)


_LINE_GROUPS = ("bul", "num", "circ", "cjk", "rom", "alpha")
_CONNECTOR_RE = re.compile(r"[\W_]*(or|and|and/or)[\W_]*")


class _Builder:
    """Collects items of one text while walking its sections line by line."""

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.result = SplitResult()
        self.starts: list[tuple[int, ItemKind, int | None]] = []  # content start, kind, parent
        self.bounds: list[int] = []  # where each item's text may end at the latest
        self.stack: list[_Level] = []
        self.root_styles: set[tuple[str, int]] = set()

    # -- item bookkeeping -------------------------------------------------------------------
    def _open(self, marker: Marker | None, content: int, kind: ItemKind, parent: int | None) -> int:
        if marker is not None and marker.end > marker.start:
            self.result.skipped.append((marker.start, marker.end, "marker"))
        self.starts.append((content, kind, parent))
        self.bounds.append(-1)
        return len(self.starts) - 1

    def close_at(self, pos: int) -> None:
        if self.bounds and self.bounds[-1] < 0:
            self.bounds[-1] = pos

    def current(self) -> int | None:
        return self.stack[-1].item if self.stack else None

    # -- markers ----------------------------------------------------------------------------
    def accept(self, marker: Marker, indent: int | None, kind: ItemKind) -> None:
        # "- A. text": a marker right after another one; the later one decides the style
        if (
            self.starts
            and self.starts[-1][0] == marker.start
            and self.stack
            and self.stack[-1].item == len(self.starts) - 1
            and self.bounds[-1] < 0
        ):
            level = self.stack.pop()
            self.starts.pop()
            self.bounds.pop()
            indent = level.indent if indent is None else indent
        self.close_at(marker.start)
        level_at = self._find_level(marker, indent)
        if level_at is not None:
            del self.stack[level_at + 1 :]
            level = self.stack[level_at]
            parent = self.stack[level_at - 1].item if level_at > 0 else None
            level.item = self._open(marker, marker.end, kind, parent)
            level.ordinal = marker.ordinal
            return
        if indent is not None:
            if (marker.style, indent) in self.root_styles:
                self.stack.clear()  # the list style of this section's top level, at its indent
            while (
                self.stack and self.stack[-1].indent is not None and self.stack[-1].indent > indent
            ):
                self.stack.pop()
        parent = self.current()
        item = self._open(marker, marker.end, kind, parent)
        if not self.stack and indent is not None:
            self.root_styles.add((marker.style, indent))
        self.stack.append(_Level(marker.style, indent, item, marker.ordinal))

    def paragraph(self, pos: int, kind: ItemKind) -> None:
        self.close_at(pos)
        self.stack.clear()
        item = self._open(None, pos, kind, None)
        self.stack.append(_Level("para", None, item, None))

    def _find_level(self, marker: Marker, indent: int | None) -> int | None:
        for i in range(len(self.stack) - 1, -1, -1):
            level = self.stack[i]
            if level.style != marker.style:
                continue
            if indent is None or level.indent is None or abs(level.indent - indent) <= 1:
                return i
        return None

    def inline_ok(self, marker: Marker, before: str, region_end: int) -> Marker | None:
        """Accept an inline ordered marker only when it continues or clearly starts a list."""
        if marker.ordinal is None:
            return marker
        candidates = [marker]
        if marker.style.startswith("roman") and marker.ordinal in (1, 5, 10):
            letter = {1: 9, 5: 22, 10: 24}[marker.ordinal]
            candidates.insert(
                0, Marker(marker.start, marker.end, roman_as_alpha(marker.style), letter)
            )
        for cand in candidates:
            for level in reversed(self.stack):
                if level.style == cand.style and level.ordinal == (cand.ordinal or 0) - 1:
                    return cand
        for cand in candidates:
            if cand.ordinal != 1:
                continue
            if before[-1:] in _START_OK_BEFORE or before == "":
                return cand
            if self._next_follows(cand, region_end):
                return cand
        return None

    def _next_follows(self, marker: Marker, region_end: int) -> bool:
        limit = min(region_end, marker.end + 1200)
        for m in INLINE_MARKER_RE.finditer(self.folded, marker.end, limit):
            group = m.lastgroup or ""
            if group == "bul":
                continue
            style, ordinal = classify(group, m.group(0), self.text[m.start() : m.end()])
            if style == marker.style and ordinal == 2:
                return True
        return False

    # -- sections ---------------------------------------------------------------------------
    def region(self, start: int, end: int, kind: ItemKind) -> None:
        self.stack.clear()
        self.root_styles.clear()
        folded = self.folded
        pos = start
        blank_before = True
        prev_line = ""
        first = True
        while pos < end:
            nl = folded.find("\n", pos, end)
            line_end = end if nl < 0 else nl
            line = folded[pos:line_end]
            stripped = line.lstrip(" \t\r")
            if not stripped.strip():
                blank_before = True
                pos = line_end + 1
                first = False
                continue
            partial = first and start > 0 and folded[start - 1] != "\n"
            indent = None if partial else len(line) - len(stripped)
            text_at = pos + (len(line) - len(stripped))
            content = self._line_start(text_at, line_end, indent, kind, blank_before, prev_line)
            self._inline(content, line_end, end, kind)
            prev_line = line.rstrip()
            blank_before = False
            first = False
            pos = line_end + 1
        self.close_at(end)

    def _line_start(
        self,
        text_at: int,
        line_end: int,
        indent: int | None,
        kind: ItemKind,
        blank_before: bool,
        prev_line: str,
    ) -> int:
        m = LINE_MARKER_RE.match(self.folded, text_at, line_end)
        marker_start = text_at
        if m is not None and m.end() < line_end:
            second = LINE_MARKER_RE.match(self.folded, m.end(), line_end)
            if second is not None and second.group("bul") is None:
                m = second  # "• 1. text": the bullet only carries the numbering
        if m is not None:
            tokens = m.group(*_LINE_GROUPS)
            at = next(i for i, t in enumerate(tokens) if t)
            group = _LINE_GROUPS[at]
            token = tokens[at]
            style, ordinal = classify(group, token, self.text[m.start() : m.start() + len(token)])
            marker = Marker(marker_start, m.end(), style, ordinal)
            if group in ("rom", "alpha") and ordinal is not None:
                marker = self.inline_ok(marker, ":", line_end) or marker
            self.accept(marker, indent, kind)
            return m.end()
        if (
            not self.stack
            or _CONNECTOR_RE.fullmatch(self.folded[text_at:line_end].rstrip()) is not None
            or self._new_paragraph(indent, blank_before, prev_line, text_at)
        ):
            self.paragraph(text_at, kind)
        return text_at

    def _new_paragraph(
        self, indent: int | None, blank_before: bool, prev_line: str, text_at: int
    ) -> bool:
        top = self.stack[-1]
        marked_indent = top.indent if top.style != "para" else None
        if marked_indent is not None and indent is not None and indent > marked_indent:
            return False  # wrapped or indented continuation of a marked item
        if blank_before:
            return True
        if len(prev_line) > _WRAP_WIDTH:
            return True  # one item per line (no wrapping): an unmarked line is a new item
        starts_lower = self.text[text_at : text_at + 1].islower()
        if starts_lower:
            return False
        if _SENTENCE_END_RE.search(prev_line) is not None:
            return True
        return len(prev_line.strip()) < _SHORT_LINE  # a short line was not wrapped

    def _inline_matches(self, pos: int, line_end: int) -> Iterator[re.Match[str]]:
        """INLINE_MARKER_RE matches, tried only next to cheap hints (far fewer regex steps)."""
        folded = self.folded
        done = pos
        for hint in _INLINE_HINT_RE.finditer(folded, pos, line_end):
            for start in _marker_starts(folded, hint.start(), pos):
                if start < done:
                    continue
                m = INLINE_MARKER_RE.match(folded, start, line_end)
                if m is not None and m.end() > m.start():
                    done = m.end()
                    yield m
                    break

    def _inline(self, pos: int, line_end: int, region_end: int, kind: ItemKind) -> None:
        for m in self._inline_matches(pos, line_end):
            if m.start() <= pos and m.lastgroup != "bul":
                continue
            group = m.lastgroup or ""
            token = m.group(0)
            style, ordinal = classify(group, token, self.text[m.start() : m.end()])
            if style == "bullet-":
                style = "bullet-inline"
            end = m.end()
            while end < line_end and self.folded[end] in " \t":
                end += 1
            marker = Marker(m.start(), end, style, ordinal)
            before = self.folded[max(pos, m.start() - 3) : m.start()].strip()
            if group == "num" and self.folded[end : end + 1].isdigit() and before[-1:] not in ".;:":
                continue  # "< 2. 5 mg": a number, not "disease. 4. 0-1 score"
            if self.starts and self.starts[-1][0] > m.start():
                continue
            if group == "bul" and self.folded[m.start() - 1 : m.start()].isdigit():
                nxt = self.text[end : end + 1]
                if not nxt.isupper():
                    continue
            accepted = self.inline_ok(marker, before, region_end)
            if accepted is not None:
                self.accept(accepted, None, kind)


def _regions(
    text: str, folded: str, skipped: list[tuple[int, int, str]]
) -> list[tuple[int, int, ItemKind]]:
    headings = find_headings(text, folded)
    regions: list[tuple[int, int, ItemKind]] = []
    pos = 0
    kind: ItemKind = "inclusion"
    for h in headings:
        if h.start > pos:
            regions.append((pos, h.start, kind))
        skipped.append((h.start, h.end, "heading"))
        kind = h.kind
        pos = h.end
    if pos < len(text):
        regions.append((pos, len(text), kind))
    return regions


def split_text(text: str) -> SplitResult:
    """Items (with kinds and parents) and the spans between them that are not item text."""
    folded = fold(text, keep_backslash=True)
    builder = _Builder(text, folded)
    builder.result.folded = folded
    for start, end, kind in _regions(text, folded, builder.result.skipped):
        builder.region(start, end, kind)
    return _finish(builder)


def _finish(builder: _Builder) -> SplitResult:
    text = builder.text
    result = builder.result
    keep: dict[int, int] = {}
    connectors: list[int] = []  # indices (in result.items) of items followed by a lone OR
    raw_parents: list[int | None] = []
    for i, ((start, kind, parent), bound) in enumerate(
        zip(builder.starts, builder.bounds, strict=True)
    ):
        end = bound if bound >= 0 else len(text)
        end = max(start, end)
        while start < end and text[start].isspace():
            start += 1
        stripped_end = start + len(text[start:end].rstrip())
        body = text[start:stripped_end]
        if _JUNK_RE.fullmatch(body) or _CONNECTOR_RE.fullmatch(builder.folded[start:stripped_end]):
            if stripped_end > start:
                result.skipped.append((start, stripped_end, "junk"))
            piece = builder.folded[start:stripped_end]
            if _CONNECTOR_RE.fullmatch(piece) and result.items and "or" in piece:
                connectors.append(len(result.items) - 1)
            continue
        keep[i] = len(result.items)
        raw_parents.append(parent)
        result.items.append(RawItem(kind, start, stripped_end))
    # map parents to kept items (the nearest kept ancestor)
    parent_of = {i: p for i, (_, _, p) in enumerate(builder.starts)}
    for old, new in keep.items():
        p = parent_of[old]
        while p is not None and p not in keep:
            p = parent_of[p]
        result.items[new].parent = keep[p] if p is not None else None
    assign_groups(result.items, builder.folded, connectors)
    result.skipped.sort()
    return result
