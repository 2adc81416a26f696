"""Where the output goes and what it can do, in one object, with the one writer.

Plain module: no Typer, no Rich.  :class:`Environment` answers "is stdout a
terminal, how wide, with colour, in which encoding" and owns every byte written:
short writes and would-block writes on a non-blocking pipe are waited out until
all of it is out; a reader that went away (``| head``) is :class:`PipeClosed`
(a quiet exit 0); a full disk or a closed stdout (``>&-``) is
:class:`OutputError` (exit 4).  Messages go to stderr through :meth:`say`, which
never fails: a lost or full stderr never changes the exit code.

Tests build an ``Environment`` around their own streams instead of patching
globals (the model is httpie's ``Environment``).
"""

from __future__ import annotations

import errno
import os
import re
import select
import sys
from collections.abc import Iterable, Mapping
from typing import IO

from minusma_cli.errors import OutputError, PipeClosed

#: a terminal narrower than this is taken as ``DEFAULT_WIDTH`` wide (``COLUMNS=0`` included)
MIN_WIDTH = 40
DEFAULT_WIDTH = 80
#: a wider terminal is drawn at this width: nothing is worth a megabyte a line
MAX_WIDTH = 500

# C0 and C1 controls, DEL, and the Unicode bidi controls that can reorder a line.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACES = {"\t": " ", "\n": " ", "\r": " "}
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _code(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sanitize(text: str, *, keep_newlines: bool = False) -> str:
    """Untrusted text made safe to show in a table: tabs and newlines as spaces, other controls escaped."""
    if not _UNSAFE.search(text):
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char in "\n\t":
            return char
        return _SPACES.get(char) or _code(char)

    return _UNSAFE.sub(replace, text)


def escape(text: str) -> str:
    """Untrusted text made safe for a one-line message: every control visible, ``\\n`` included."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group()) or _code(m.group()), text)


def clamp_width(width: int | None) -> int:
    """A usable drawing width: unknown or too narrow is 80, too wide is 500."""
    if width is None or width < MIN_WIDTH:
        return DEFAULT_WIDTH
    return min(width, MAX_WIDTH)


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _fileno(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return None


class Environment:
    """stdout and stderr, and what they can do; ``None`` stands for a closed stream."""

    def __init__(
        self,
        *,
        stdout: IO[str] | None,
        stderr: IO[str] | None,
        stdout_isatty: bool | None = None,
        environ: Mapping[str, str] | None = None,
        width: int | None = None,
    ) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.environ = os.environ if environ is None else environ
        self.stdout_isatty = _isatty(stdout) if stdout_isatty is None else stdout_isatty
        self.width = clamp_width(width if width is not None else self._detected_width())
        #: the encoding human tables are written in; every machine format is UTF-8
        self.encoding: str = getattr(stdout, "encoding", None) or "utf-8"

    @classmethod
    def from_process(cls) -> Environment:
        """The streams this process was given (``sys.stdout`` is ``None`` after ``>&-``)."""
        return cls(stdout=sys.stdout, stderr=sys.stderr)

    def _detected_width(self) -> int | None:
        columns = self.environ.get("COLUMNS", "").strip()
        if columns:
            try:
                return int(columns)
            except ValueError:
                return None
        fd = _fileno(self.stdout) if self.stdout is not None and self.stdout_isatty else None
        if fd is None:
            return None
        try:
            return os.get_terminal_size(fd).columns
        except OSError:
            return None

    # --- what the output can do ---------------------------------------------------

    def fancy(self) -> bool:
        """Draw with Rich (boxes, colour if allowed): on a terminal, or where FORCE_COLOR asks."""
        return bool(self.environ.get("FORCE_COLOR")) or self.stdout_isatty

    def colour(self, no_color: bool = False) -> bool:
        """Whether colour is allowed at all (``--no-color`` and ``NO_COLOR`` say no)."""
        return not (no_color or self.environ.get("NO_COLOR"))

    # --- the writer -----------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Every byte to stdout, or :class:`PipeClosed` / :class:`OutputError`."""
        self.write_all((data,))

    def write_all(self, chunks: Iterable[bytes]) -> None:
        """Every byte of every chunk to stdout, in order (see :meth:`write`)."""
        if self.stdout is None:
            # nothing to write is not a failure, even with nowhere to write it
            if any(chunks):
                raise OutputError("cannot write the output (standard output is closed)")
            return
        try:
            _put(self.stdout, chunks)
        except ValueError:  # the stream object was closed under us
            raise OutputError("cannot write the output (standard output is closed)") from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise PipeClosed() from None
            if exc.errno == errno.EBADF:
                raise OutputError("cannot write the output (standard output is closed)") from None
            raise OutputError(f"cannot write the output ({exc.strerror or exc})") from None

    def write_text(self, text: str) -> None:
        """Human text in the terminal's encoding; what it cannot show becomes a backslash escape."""
        self.write(text.encode(self.encoding, errors="backslashreplace"))

    def say(self, message: str) -> None:
        """A message on stderr, line by line, controls made visible; never fails, never raises."""
        if self.stderr is None:
            return
        text = "".join(sanitize(line) + "\n" for line in message.splitlines() or [""])
        try:
            encoding = getattr(self.stderr, "encoding", None) or "utf-8"
            _put(self.stderr, (text.encode(encoding, errors="backslashreplace"),))
        except (OSError, ValueError, LookupError):
            pass  # nowhere left to say it; the exit code still tells


def _put(stream: IO[str], chunks: Iterable[bytes]) -> None:
    """The one writer: bytes to the stream's descriptor, or to its binary layer when it has none."""
    fd = _fileno(stream)
    stream.flush()  # whatever went through the text layer first keeps its place
    if fd is not None:
        for chunk in chunks:
            _write_fd(fd, chunk)
        return
    binary: IO[bytes] | None = getattr(stream, "buffer", None)
    for chunk in chunks:  # an in-memory stream (tests): no descriptor, no short writes
        if binary is not None:
            binary.write(chunk)
        else:
            stream.write(chunk.decode("utf-8"))
    (binary or stream).flush()


def _write_fd(fd: int, data: bytes) -> None:
    """``data`` to ``fd`` until all of it is out: short writes continue, would-block writes wait."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            select.select([], [fd], [])
            continue
        except InterruptedError:  # pragma: no cover - Python retries EINTR itself
            continue
        view = view[written:]


def close_gaps() -> None:
    """Put /dev/null on stdin, stdout or stderr if the process was started with it closed.

    Python then leaves ``sys.stdout`` (or ``sys.stderr``) as ``None``, which the
    :class:`Environment` reads as a closed stream; the descriptor itself must not
    stay free, or the next file opened (a fact file, the cache) would take its
    number and receive the output.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
