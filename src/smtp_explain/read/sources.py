"""Where mails come from: paths (files, Maildirs, directories, mbox), stdin, bytes.

Each item is (origin, index, bytes) for a mail, or (origin, index,
ReadProblem) for input that could not be read: one bad file never stops the
rest of a batch. ``index`` is the 1-based position of a mail in an mbox file
holding several, else 0.
"""

from __future__ import annotations

import itertools
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from smtp_explain.model import Problem
from smtp_explain.read.mbox import MAX_MESSAGE, is_mbox_start, split_mbox

MAX_FILE = MAX_MESSAGE


ReadProblem = Problem  # what a reader yields for input it could not read


class Unread:
    """Stands for a small file's bytes in an item: whoever decodes the item reads
    the file (a worker process, so the files of a Maildir are read in parallel and
    never copied between processes)."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "UNREAD"  # pickles as the module's one instance


UNREAD = Unread()
Item = tuple[str, int, "bytes | ReadProblem | Unread"]
# Files up to this size may be left for the decoding worker to read; larger ones
# (mbox files, as a rule) are read here and split into their mails.
DEFER_LIMIT = 1 << 20


# Blank lines a saved file may have before its first "From " line: looked past, up to this.
MAX_LEADING_BLANK = 4096


def read_stream(origin: str, stream: IO[bytes]) -> Iterator[Item]:
    head = stream.read(5)
    if head[:1].isspace():
        # An mbox saved with empty lines on top is still an mbox; anything else keeps
        # its bytes as they are (Mail skips blank lines before a header block).
        head += stream.read(MAX_LEADING_BLANK)
        stripped = head.lstrip()
        if is_mbox_start(stripped):
            head = stripped
    if is_mbox_start(head):
        messages = split_mbox(_lines(stream, head))
        first = next(messages, None)
        second = next(messages, None)
        if first is None:
            yield origin, 0, ReadProblem("problem_empty_mailbox")
            return
        too_large = ReadProblem("problem_too_large", str(MAX_FILE >> 20))
        if second is None:  # a single mail saved with its "From " line: keep the file's name
            yield origin, 0, first[1]
            if first[2]:
                yield origin, 0, too_large
            return
        for index, data, cut in itertools.chain([first, second], messages):
            yield origin, index, data
            if cut:
                yield origin, index, too_large
        return
    data = _read_at_most(stream, MAX_FILE, head)
    if stream.read(1):
        yield origin, 0, ReadProblem("problem_too_large", str(MAX_FILE >> 20))
    if not data or data.isspace():  # (strip() would copy every mail)
        yield origin, 0, ReadProblem("problem_empty_file")
        return
    yield origin, 0, data


MAX_LINE = 1 << 20
CHUNK = 1 << 20


def _lines(stream: IO[bytes], head: bytes) -> Iterator[bytes]:
    """Lines of a stream whatever its line endings (LF, CRLF, or the lone CR of
    old Mac files, which a plain line iterator would read as one huge line), read
    in bounded chunks: a line longer than MAX_LINE comes out in pieces."""
    buffer = head
    while True:
        chunk = stream.read(CHUNK)
        buffer += chunk
        if b"\r" in buffer:
            keep_cr = bool(chunk) and buffer.endswith(b"\r")  # maybe half of a CRLF
            body = buffer[:-1] if keep_cr else buffer
            body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            buffer = body + (b"\r" if keep_cr else b"")
        lines = buffer.split(b"\n")
        buffer = lines.pop()
        for line in lines:
            yield line + b"\n"
        if len(buffer) > MAX_LINE:
            yield buffer
            buffer = b""
        if not chunk:
            if buffer:
                yield buffer.replace(b"\r", b"\n")
            return


def _read_at_most(stream: IO[bytes], limit: int, head: bytes = b"") -> bytes:
    """``head`` and up to limit more bytes, without asking for a limit-sized buffer up
    front (a 64 MiB read() per small file costs a huge allocation every time) and
    joined once (no second copy of a large file)."""
    chunks: list[bytes] = [head] if head else []
    size = 0
    step = 64 << 10
    while size < limit:
        chunk = stream.read(min(step, limit - size))
        step = min(step * 4, 4 << 20)  # small files cost one small read; big ones few
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _files_under(path: str) -> Iterator[str]:
    """Files of a directory tree in a stable order (Maildir cur/new included, tmp/ not:
    it holds mails still being written)."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "tmp" and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def _is_regular(file: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(file).st_mode)
    except OSError:
        return True  # read_file reports why it cannot be read


def read_path(path: str, *, defer_small_files: bool = False) -> Iterator[Item]:
    """The items of stdin ("-"), a file, or every file under a directory; with
    ``defer_small_files``, regular files up to DEFER_LIMIT come as (path, 0, UNREAD)
    for the decoder to read (see read_item).

    Inside a directory only regular files are read: a FIFO would block forever and a
    device never ends, so they are reported and skipped. A path given by name is
    read whatever it is (``<(command)`` gives a pipe), up to MAX_FILE.
    """
    if path == "-":
        yield from read_stream("-", sys.stdin.buffer)
        return
    walked = os.path.isdir(path)
    for file in _files_under(path) if walked else (path,):
        if walked and not _is_regular(file):
            yield file, 0, ReadProblem("problem_not_regular")
        elif defer_small_files and _is_small(file):
            yield file, 0, UNREAD
        else:
            yield from read_file(file)


def _is_small(file: str) -> bool:
    try:
        return 0 < os.stat(file).st_size <= DEFER_LIMIT
    except OSError:
        return False  # read_file reports why


def read_file(path: str | os.PathLike[str]) -> Iterator[Item]:
    origin = os.fspath(path)
    try:
        # Unbuffered: reads go straight into the bytes returned, no second copy.
        stream = open(origin, "rb", buffering=0)  # noqa: SIM115 - closed below, around a generator
    except FileNotFoundError:
        yield origin, 0, ReadProblem("problem_not_found")
        return
    except IsADirectoryError:
        yield origin, 0, ReadProblem("problem_is_directory")
        return
    except OSError as exc:
        yield origin, 0, ReadProblem("problem_unreadable", exc.strerror or "")
        return
    with stream:
        try:
            yield from read_stream(origin, stream)
        except OSError as exc:
            yield origin, 0, ReadProblem("problem_unreadable", exc.strerror or "")


def read_all(paths: Iterable[str], *, defer_small_files: bool = False) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, defer_small_files=defer_small_files)


def read_item(item: Item) -> Iterator[Item]:
    """The item itself, or for an UNREAD one the items of reading its file now."""
    if item[2] is UNREAD:
        yield from read_file(item[0])
    else:
        yield item
