"""What reaches a terminal: user strings without control or bidi characters, and a busy bar.

A product id, a file name or a ticker comes from the user's files. Printed raw, a control sequence
in it can clear the screen, move the cursor over an earlier line or retitle the window, and a
bidi override (U+202E) can make `licence required` read differently; so every stream the CLI
writes to a human is filtered. Only SGR colour sequences (`ESC [ ... m`, harmless) survive on
standard output; on a terminal's standard error the cursor sequences rich needs for a live
progress bar survive too. Piped standard output is data (JSON, CSV) and is left exact.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO, cast

#: C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
#: a whole control sequence: CSI (`ESC [ ... final`) or OSC (`ESC ] ... BEL or ESC \\`)
_SEQUENCE = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
_STRIP = re.compile(f"{_SEQUENCE}|[{_UNSAFE}]")
#: colour only
_SGR = r"\x1b\[[0-9;]*m"
#: what a rich live display writes: colour, carriage return, erase line, cursor up/column, cursor
#: show/hide
_LIVE = r"\x1b\[[0-9;]*[mKAG]|\x1b\[\?25[hl]|\r"
#: an escape sequence cut at the end of one write, completed by the next
_OPEN_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*)?$")

#: seconds a command runs before a busy bar appears (quicker answers never flash one)
BUSY_DELAY_S = 1.0


def clean_text(text: str) -> str:
    """`text` without control sequences or characters (newline and tab kept) or bidi formatting."""
    return _STRIP.sub("", text)


def _filter(keep: str) -> Callable[[str], str]:
    pattern = re.compile(f"({keep})|{_SEQUENCE}|[{_UNSAFE}]")
    return lambda text: pattern.sub(lambda m: m.group(1) or "", text)


class SafeStream:
    """A text stream that drops unsafe characters before they reach `raw`.

    `before_write` runs on the first write (it stops the busy bar, so output and bar never mix).
    """

    def __init__(
        self, raw: TextIO, keep: str, before_write: Callable[[], None] | None = None
    ) -> None:
        self.raw = raw
        self._filter = _filter(keep)
        self._before_write = before_write
        self._pending = ""

    def write(self, text: str) -> int:
        if self._before_write is not None:
            self._before_write()
            self._before_write = None
        joined = self._pending + text
        cut = _OPEN_ESCAPE.search(joined)
        self._pending = joined[cut.start() :] if cut else ""
        self.raw.write(self._filter(joined[: cut.start()] if cut else joined))
        return len(text)

    def flush(self) -> None:
        if self._pending:  # a lone escape at the very end was never a sequence
            self.raw.write(self._filter(self._pending.replace("\x1b", "")))
            self._pending = ""
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class Busy:
    """A transient `working` bar on a terminal's stderr for commands without their own progress.

    Appears after BUSY_DELAY_S, disappears at the first output or when the command ends.
    """

    def __init__(self, label: str, stream: TextIO, delay: float = BUSY_DELAY_S) -> None:
        self._label = label
        self._stream = stream
        self._lock = threading.Lock()
        self._display: Any = None
        self._stopped = False
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def begin(self) -> None:
        if self._stream.isatty():
            self._timer.start()

    def _start(self) -> None:
        from rich.console import Console  # noqa: PLC0415 - only when a command runs long
        from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn  # noqa: PLC0415

        with self._lock:
            if self._stopped:
                return
            progress = Progress(
                SpinnerColumn(),
                "[progress.description]{task.description}",
                TimeElapsedColumn(),
                console=Console(file=self._stream),
                transient=True,
            )
            progress.add_task(self._label, total=None)
            progress.start()
            self._display = progress

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            if self._display is not None:
                self._display.stop()
                self._display = None


class Guarded:
    """Context manager: filtered stdout/stderr and a busy bar for the duration of a command."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._saved: tuple[TextIO, TextIO] | None = None
        self._busy: Busy | None = None

    def __enter__(self) -> Guarded:
        out, err = sys.stdout, sys.stderr
        self._saved = (out, err)
        self._busy = Busy(self._label, err)
        stop = self._busy.stop
        if out.isatty():
            sys.stdout = cast(TextIO, SafeStream(out, _SGR, stop))
        sys.stderr = cast(TextIO, SafeStream(err, _LIVE if err.isatty() else "(?!)", stop))
        self._busy.begin()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._saved is not None and self._busy is not None
        self._busy.stop()
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, SafeStream):
                stream.flush()
        sys.stdout, sys.stderr = self._saved
