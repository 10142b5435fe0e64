"""Log files to text lines: plain, gzip, bzip2 or xz (told by their first bytes), or stdin.

Read in chunks; a line longer than MAX_LINE is cut (bounded memory whatever the
input, binary garbage included). A file that breaks off (a truncated archive)
keeps the lines read so far and reports why it stopped.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import sys
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO

# 64 KiB: a chunk, its text and its lines stay in the CPU cache and in glibc's free
# lists. With 1 MiB chunks every batch grew and trimmed the heap (a 200 MB log cost
# 600,000 page faults, 2 s of system time and colder caches; 64 KiB: 19,000).
CHUNK = 64 << 10
MAX_LINE = 64 << 10  # longer lines are cut: no real log line is this long


def _gzip(raw: IO[bytes]) -> IO[bytes]:
    return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]


def _bzip2(raw: IO[bytes]) -> IO[bytes]:
    return bz2.BZ2File(raw)


def _xz(raw: IO[bytes]) -> IO[bytes]:
    return lzma.LZMAFile(raw)


_MAGIC: tuple[tuple[bytes, Callable[[IO[bytes]], IO[bytes]]], ...] = (
    (b"\x1f\x8b", _gzip), (b"BZh", _bzip2), (b"\xfd7zXZ\x00", _xz),
)
STREAM_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError)


class SourceError(Exception):
    """A file that could not be opened, or stopped early; the text says why."""


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    head = raw.peek(6)[:6] if hasattr(raw, "peek") else b""
    for magic, opener in _MAGIC:
        if head.startswith(magic):
            return opener(raw)
    return raw


def is_compressed(path: str) -> bool:
    with open(path, "rb") as raw:
        head = raw.read(6)
    return any(head.startswith(magic) for magic, _ in _MAGIC)


def _whole_lines(chunks: Iterable[bytes]) -> Generator[list[str], None, bytes]:
    """The complete lines of a stream of byte chunks, as text, one list per chunk;
    returns what is left after the last newline (a line longer than MAX_LINE is cut
    there). One decode and one split per chunk: per-line work stays with the reader."""
    carry = b""
    for chunk in chunks:
        cut = chunk.rfind(b"\n")
        if cut < 0:
            carry = (carry + chunk)[:MAX_LINE]
            continue
        block = carry + chunk[:cut]
        carry = chunk[cut + 1:]
        yield block.decode("utf-8", errors="replace").split("\n")
    return carry


def split_batches(read: Callable[[int], bytes]) -> Iterator[list[str]]:
    """Text lines from a ``read`` function, in lists (one per chunk read)."""
    carry = yield from _whole_lines(iter(lambda: read(CHUNK), b""))
    if carry:
        yield [carry.decode("utf-8", errors="replace")]


def split_lines(read: Callable[[int], bytes]) -> Iterator[str]:
    """Text lines from a ``read`` function."""
    for batch in split_batches(read):
        yield from batch


def read_batches(path: str, on_error: Callable[[str, str], None]) -> Iterator[list[str]]:
    """Lines of one path (``-`` is stdin) in lists; problems go to ``on_error`` as one line."""
    try:
        raw: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        on_error(path, str(exc.strerror or exc))
        return
    try:
        if path != "-" and os.path.isdir(path):
            on_error(path, os.strerror(21))
            return
        stream = _decompressed(raw)
        yield from split_batches(stream.read)
    except STREAM_ERRORS as exc:
        on_error(path, str(exc) or type(exc).__name__)
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def plain_batches(path: str) -> Iterator[list[str]]:
    """Lines of an uncompressed file that this program wrote, in lists (not sniffed
    for compression: its first line may begin like a compressed stream)."""
    with open(path, "rb") as raw:
        yield from split_batches(raw.read)


def read_lines(path: str, on_error: Callable[[str, str], None]) -> Iterator[str]:
    """Lines of one path (``-`` is stdin); problems go to ``on_error`` as one line."""
    for batch in read_batches(path, on_error):
        yield from batch


def range_batches(path: str, start: int, end: int) -> Iterator[list[str]]:
    """The lines of a plain file that begin at a byte offset in [start, end), in lists:
    a line cut by ``start`` belongs to the range before, one cut by ``end`` to this one."""
    with open(path, "rb") as raw:
        if start > 0:
            raw.seek(start - 1)
            if raw.read(1) != b"\n":
                raw.readline()  # the line that began before start belongs to the range before
        left = end - raw.tell()

        def chunks() -> Iterator[bytes]:
            nonlocal left
            while left > 0:
                chunk = raw.read(min(CHUNK, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk

        carry = yield from _whole_lines(chunks())
        if carry:  # a line that began before end: read it to its end
            carry = (carry + raw.readline(MAX_LINE)).rstrip(b"\n")
            yield [carry.decode("utf-8", errors="replace")]


def read_range(path: str, start: int, end: int) -> Iterator[str]:
    """The lines of a plain file that begin at a byte offset in [start, end)."""
    for batch in range_batches(path, start, end):
        yield from batch


def byte_ranges(size: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-size // max(1, parts)))
    return [(at, min(size, at + step)) for at in range(0, size, step)]
