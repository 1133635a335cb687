"""Split JSON text into top-level values, keeping each value's verbatim text, in bounded memory.

:func:`iter_json` reads a text stream chunk by chunk and yields one :class:`JsonItem` per study
candidate: each element of a top-level array, each element of an API page's ``"studies"`` array
(the page's other members come out as :class:`JsonMeta`), or any other top-level value. Several
top-level values one after the other (JSON Lines, concatenated JSON) are fine. Only the value
being decoded is held in memory, never the whole input.

When the text stops making sense it yields one :class:`JsonBroken` with the reason and the line,
and stops: after a syntax error in one big JSON document nothing later can be trusted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

CHUNK_CHARS = 1 << 18
MAX_VALUE_CHARS = 64 << 20  # one study is ~20 kB; an API page of 1,000 studies ~30 MB
PAGE_KEYS = frozenset({"studies", "nextPageToken", "totalCount"})

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True, slots=True)
class JsonItem:
    index: int  # 1-based position among the items of this input
    line: int  # 1-based line where the value starts
    text: str  # the value exactly as written
    value: Any  # the decoded value


@dataclass(frozen=True, slots=True)
class JsonMeta:
    key: str  # a page member other than "studies" (nextPageToken, totalCount, ...)
    value: Any


@dataclass(frozen=True, slots=True)
class JsonBroken:
    line: int
    reason: str
    excerpt: str  # up to 200 characters of the text where reading stopped


class _Broken(Exception):
    def __init__(self, reason: str, pos: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pos = pos


class _Buffer:
    """A window on the stream: ``buf[i:]`` is unread; text before ``mark`` is kept."""

    def __init__(self, stream: TextIO | None, initial: str) -> None:
        self.stream = stream
        self.buf = initial
        self.i = 0
        self.eof = stream is None
        self.mark: int | None = None
        self._lines_before = 0  # newlines in text already dropped from the window
        self._counted_to = 0
        self._counted_lines = 0
        self.items = 0

    def line(self, pos: int) -> int:
        if pos < self._counted_to:
            return self._lines_before + self.buf.count("\n", 0, pos) + 1
        self._counted_lines += self.buf.count("\n", self._counted_to, pos)
        self._counted_to = pos
        return self._lines_before + self._counted_lines + 1

    def fill(self, want: int = 0) -> bool:
        if self.eof or self.stream is None:
            return False
        chunk = self.stream.read(max(want, CHUNK_CHARS))
        if not chunk:
            self.eof = True
            return False
        drop = self.i if self.mark is None else min(self.i, self.mark)
        if drop:
            self._lines_before += self.buf.count("\n", 0, drop)
            self.buf = self.buf[drop:]
            self.i -= drop
            if self.mark is not None:
                self.mark -= drop
            self._counted_to = 0
            self._counted_lines = 0
        self.buf += chunk
        return True

    def peek(self) -> str | None:
        """Skip whitespace; the next character, or None at the end of the input."""
        while True:
            match = _WHITESPACE.match(self.buf, self.i)
            self.i = match.end() if match else self.i
            if self.i < len(self.buf):
                return self.buf[self.i]
            if not self.fill():
                return None

    def expect(self, allowed: str, where: str) -> str:
        char = self.peek()
        if char is None:
            raise _Broken(f"unexpected end of input {where} (truncated?)", self.i)
        if char not in allowed:
            wanted = " or ".join(repr(c) for c in allowed)
            raise _Broken(f"expected {wanted} {where}, found {char!r}", self.i)
        self.i += 1
        return char

    def decode(self) -> tuple[Any, str]:
        if self.peek() is None:
            raise _Broken("unexpected end of input (truncated?)", self.i)
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.i)
            except json.JSONDecodeError as exc:
                if self._may_need_more(exc) and self.fill(len(self.buf) - self.i):
                    continue
                raise self._describe(exc) from None
            if end == len(self.buf) and self.fill():
                continue  # a number at the end of the window may go on
            text = self.buf[self.i : end]
            self.i = end
            return value, text

    def _may_need_more(self, exc: json.JSONDecodeError) -> bool:
        if self.eof:
            return False
        if len(self.buf) - self.i > MAX_VALUE_CHARS:
            raise _Broken(f"a JSON value is larger than {MAX_VALUE_CHARS} characters", self.i)
        return exc.pos >= len(self.buf) - 8 or exc.msg.startswith("Unterminated string")

    def _describe(self, exc: json.JSONDecodeError) -> _Broken:
        truncated = self.eof and (
            exc.pos >= len(self.buf) - 1 or exc.msg.startswith("Unterminated string")
        )
        hint = " (truncated?)" if truncated else ""
        column = exc.pos - (self.buf.rfind("\n", 0, exc.pos) + 1) + 1
        return _Broken(f"invalid JSON: {exc.msg} (column {column}){hint}", exc.pos)


def iter_json(
    stream: TextIO | None, initial: str = ""
) -> Iterator[JsonItem | JsonMeta | JsonBroken]:
    """Yield the study candidates of ``initial`` followed by the rest of ``stream``."""
    buffer = _Buffer(stream, initial)
    try:
        while (char := buffer.peek()) is not None:
            if char == "[":
                buffer.i += 1
                yield from _array(buffer, "in a JSON list")
            elif char == "{" and _first_key(buffer) in PAGE_KEYS:
                yield from _page(buffer)
            else:
                yield _item(buffer)
    except _Broken as exc:
        start = max(0, min(exc.pos, len(buffer.buf)))
        yield JsonBroken(buffer.line(start), exc.reason, buffer.buf[start : start + 200])
    except UnicodeDecodeError as exc:
        yield JsonBroken(buffer.line(buffer.i), f"text is not valid UTF-8: {exc.reason}", "")
    except RecursionError:
        excerpt = buffer.buf[buffer.i : buffer.i + 200]
        yield JsonBroken(buffer.line(buffer.i), "invalid JSON: nested too deeply", excerpt)


def _item(buffer: _Buffer) -> JsonItem:
    buffer.peek()
    line = buffer.line(buffer.i)
    value, text = buffer.decode()
    buffer.items += 1
    return JsonItem(buffer.items, line, text, value)


def _first_key(buffer: _Buffer) -> str | None:
    """The first key of the object starting at ``buffer.i``, without consuming anything."""
    start = buffer.i
    buffer.mark = start
    try:
        buffer.i += 1
        if buffer.peek() != '"':
            return None
        key, _ = buffer.decode()
        return key if isinstance(key, str) else None
    finally:
        buffer.i = buffer.mark
        buffer.mark = None


def _array(buffer: _Buffer, where: str) -> Iterator[JsonItem]:
    if buffer.peek() == "]":
        buffer.i += 1
        return
    while True:
        yield _item(buffer)
        if buffer.expect(",]", f"after item {buffer.items} {where}") == "]":
            return


def _page(buffer: _Buffer) -> Iterator[JsonItem | JsonMeta]:
    buffer.expect("{", "at the start of a page")
    if buffer.peek() == "}":
        buffer.i += 1
        return
    while True:
        if buffer.peek() != '"':
            buffer.expect('"', "for a key in the page object")
        key, _ = buffer.decode()
        buffer.expect(":", f"after the page key {key!r}")
        if key == "studies":
            if buffer.peek() != "[":
                raise _Broken("the page member 'studies' is not a list", buffer.i)
            buffer.i += 1
            yield from _array(buffer, "in the page's 'studies' list")
        else:
            value, _ = buffer.decode()
            yield JsonMeta(str(key), value)
        if buffer.expect(",}", "in the page object") == "}":
            return
