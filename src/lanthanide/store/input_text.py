"""Bytes to text for every reader: encodings, binary files and deep nesting become located errors.

A reader that gets UTF-16, a binary file or 5,000 nested brackets would otherwise end in a
UnicodeDecodeError or a RecursionError deep inside a parser; here each becomes an `InvalidInput`
naming the file, line and column, before any parser runs.
"""

from __future__ import annotations

from pathlib import Path

from lanthanide.errors import InvalidInput, Problem

#: deepest bracket nesting accepted in JSON or TOML (real files use fewer than ten levels)
MAX_DEPTH = 64
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def line_column(data: bytes | str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` (newlines are \\n)."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1  # type: ignore[arg-type]
    start = data.rfind(newline, 0, offset) + 1  # type: ignore[arg-type]
    return line, offset - start + 1


def _fail(file: str, what: str, message: str, line: int | None, column: int | None) -> InvalidInput:
    return InvalidInput(f"{file}: cannot read {what}", [Problem(message, file, line, column)])


def sniff(head: bytes, file: str, what: str) -> None:
    """Reject UTF-16/32 and binary files from their first bytes (also for readers that stream)."""
    for mark, name in _BOMS:
        if head.startswith(mark):
            raise _fail(file, what, f"the file is {name}; save it as UTF-8", 1, 1)
    nul = head.find(b"\x00", 0, 1 << 20)
    if nul >= 0:
        line, column = line_column(head, nul)
        message = "a NUL byte: this is a binary file (or UTF-16 without a byte-order mark)"
        raise _fail(file, what, message, line, column)


def decode(data: bytes, file: str, what: str) -> str:
    """UTF-8 text of `data` (a UTF-8 byte-order mark is dropped); anything else is an error."""
    sniff(data, file, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = line_column(data, error.start)
        raise _fail(
            file, what, f"not UTF-8 text (byte 0x{data[error.start]:02x})", line, column
        ) from error


def read_text(path: Path, file: str, what: str) -> str:
    """Read and decode a file; an unreadable file is a located error."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file", [Problem("no such file", file)]) from None
    except OSError as error:
        raise _fail(file, what, f"cannot read: {error.strerror}", None, None) from error
    return decode(data, file, what)


def check_nesting(text: str, file: str, what: str, *, toml: bool = False) -> None:
    """Raise if `[`/`{` nest deeper than MAX_DEPTH outside strings (the parsers recurse)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, i, n = 0, 0, len(text)
    while i < n:
        char = text[i]
        if char == '"' or (toml and char == "'"):
            i = _string_end(text, i, char)
            continue
        if toml and char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = line_column(text, i)
                message = f"brackets nested deeper than {MAX_DEPTH} levels"
                raise _fail(file, what, message, line, column)
        elif char in "]}":
            depth -= 1
        i += 1


def _string_end(text: str, start: int, quote: str) -> int:
    """Index just past the string opened at `start` (escapes in double quotes)."""
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and quote == '"':
            i += 2
            continue
        if char in (quote, "\n"):
            return i + 1
        i += 1
    return i
