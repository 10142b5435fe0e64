"""``logs --jobs N``: read big logs in N processes, joined by queue id afterwards.

Two rounds over a pool of N workers:

1. split: each worker reads one piece of input (a byte range of a plain file,
   or a whole compressed file) and sorts its lines into N bucket files by a
   hash of their queue id, so every line of one queue id lands in one bucket,
   in log order (pieces are concatenated in input order);
2. read: each worker turns one bucket into events, written as JSON lines to
   a file, and returns the tally of its events.

CSV formats (Exchange, Office 365) need their header line: each file is one
piece, read in the first round directly. The parent only copies result files
and merges tallies, so its memory stays small. Events come out grouped by
bucket, not in log order.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from smtp_explain.logs.detect import FALLBACK, SNIFF_LINES, sniff_line
from smtp_explain.logs.formats import get_format
from smtp_explain.logs.jsonl import write_json_lines
from smtp_explain.logs.pipeline import event_batches_from_paths, within_batches
from smtp_explain.logs.sources import (
    STREAM_ERRORS,
    byte_ranges,
    is_compressed,
    plain_batches,
    read_batches,
    read_lines,
    read_range,
)
from smtp_explain.logs.stream import MAX_LINE
from smtp_explain.logs.tally import Tally
from smtp_explain.logs.unparsed import Unparsed

PIECE = 16 << 20  # bytes of a plain file per split task


@dataclass(frozen=True)
class _Piece:
    path: str
    start: int = 0
    end: int = -1  # -1: the whole file (compressed, or a CSV log)


@dataclass
class _Result:
    events: str | None = None  # file of JSON lines
    unparsed_file: str | None = None
    tally: Tally = field(default_factory=Tally)
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    fmt: str
    buckets: int
    folder: str
    since: datetime | None
    until: datetime | None
    json_lines: bool
    keep_unparsed: bool
    tally: bool  # count events for the summary or report (not needed for JSON lines alone)


def _lines_of(piece: _Piece, errors: list[tuple[str, str]]) -> Iterator[str]:
    if piece.end < 0:
        return read_lines(piece.path, lambda path, detail: errors.append((path, detail)))
    return read_range(piece.path, piece.start, piece.end)


def _split(args: tuple[_Job, int, _Piece]) -> tuple[list[str], list[tuple[str, str]]]:
    job, number, piece = args
    errors: list[tuple[str, str]] = []
    names = [os.path.join(job.folder, f"split-{number:06d}-{b:03d}") for b in range(job.buckets)]
    outs = [open(name, "w", encoding="utf-8", errors="surrogatepass") for name in names]  # noqa: SIM115
    key_of = get_format(job.fmt).queue_key
    writers = [out.write for out in outs]
    buckets = job.buckets
    try:
        for line in _lines_of(piece, errors):
            key = key_of(line[:MAX_LINE])
            bucket = zlib.crc32((key or line).encode("utf-8", "surrogatepass")) % buckets
            writers[bucket](line + "\n")
    except STREAM_ERRORS as exc:
        errors.append((piece.path, str(exc) or type(exc).__name__))
    finally:
        for out in outs:
            out.close()
    return names, errors


def _finish(job: _Job, name: str, paths: list[str],
            batches_of: Callable[[str, Callable[[str, str], None]], Iterator[list[str]]],
            errors: list[tuple[str, str]]) -> _Result:
    """Events of ``paths`` read as one log, a batch at a time, as in one process."""
    result = _Result(errors=errors)
    kept = open(os.path.join(job.folder, f"{name}.unparsed"), "w", encoding="utf-8") \
        if job.keep_unparsed else None  # noqa: SIM115
    unparsed = Unparsed((lambda line: kept.write(line + "\n")) if kept is not None else None)
    events_path = os.path.join(job.folder, f"{name}.jsonl")
    batches = within_batches(event_batches_from_paths(
        paths, job.fmt, unparsed=unparsed, on_error=lambda path, detail: errors.append(
            (path, detail)), batches_of=batches_of), job.since, job.until)
    with open(events_path, "wb") as out:
        if job.json_lines:
            write_json_lines(batches, out, result.tally if job.tally else None)
        elif job.tally:
            for batch in batches:
                for event in batch:
                    result.tally.add(event)
    if kept is not None:
        kept.close()
        result.unparsed_file = kept.name
    result.events = events_path
    result.tally.unparsed = unparsed.count
    return result


def _read_bucket(args: tuple[_Job, int, list[str]]) -> _Result:
    """The split files of one bucket, in input order: our own plain text, never sniffed
    for compression (a line may begin with "BZh")."""
    job, bucket, files = args
    return _finish(job, f"bucket-{bucket:03d}", files, lambda path, _: plain_batches(path), [])


def _read_whole(args: tuple[_Job, int, _Piece]) -> _Result:
    job, number, piece = args
    return _finish(job, f"file-{number:06d}", [piece.path], read_batches, [])


def _format_of(path: str, fmt: str, on_error: Callable[[str, str], None]) -> str | None:
    if fmt != "auto":
        return fmt
    for line in itertools.islice(read_lines(path, on_error), SNIFF_LINES):
        found = sniff_line(line)
        if found:
            return found
    return FALLBACK


def _pieces(path: str) -> list[_Piece]:
    try:
        size = os.path.getsize(path)
        if is_compressed(path) or size <= PIECE:
            return [_Piece(path)]
    except OSError:
        return [_Piece(path)]  # reported when read
    return [_Piece(path, start, end) for start, end in byte_ranges(size, -(-size // PIECE))]


def run_parallel(
    paths: list[str], fmt: str, jobs: int, *, since: datetime | None, until: datetime | None,
    json_out: IO[bytes] | None, unparsed_out: IO[str] | None,
    on_error: Callable[[str, str], None], tally_events: bool = True,
) -> Tally:
    """Read ``paths`` in ``jobs`` processes; JSON lines go to ``json_out`` when given.
    The tally counts events only when ``tally_events`` (it always counts unparsed lines)."""
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="smtp-explain-logs-") as folder:
        paths = [_spool_stdin(folder) if path == "-" else path for path in paths]
        groups: list[tuple[str, list[str]]] = []
        for path in paths:
            name = _format_of(path, fmt, on_error)
            if name is None:
                continue
            if groups and groups[-1][0] == name:
                groups[-1][1].append(path)
            else:
                groups.append((name, [path]))
        context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        with context.Pool(jobs) as pool:
            for number, (name, group) in enumerate(groups):
                job = _Job(name, jobs, os.path.join(folder, f"g{number}"), since, until,
                           json_out is not None, unparsed_out is not None, tally_events)
                os.mkdir(job.folder)
                if get_format(name).csv_rows:
                    results = pool.imap(_read_whole, [(job, n, _Piece(p)) for n, p in enumerate(group)])
                else:
                    pieces = [piece for path in group for piece in _pieces(path)]
                    split = pool.map(_split, [(job, n, piece) for n, piece in enumerate(pieces)])
                    for _, errors in split:
                        for path, detail in errors:
                            on_error(path, detail)
                    results = pool.imap(_read_bucket, [
                        (job, b, [names[b] for names, _ in split]) for b in range(jobs)])
                for result in results:
                    _collect(result, tally, json_out, unparsed_out, on_error)
    return tally


def _collect(result: _Result, tally: Tally, json_out: IO[bytes] | None,
             unparsed_out: IO[str] | None, on_error: Callable[[str, str], None]) -> None:
    for path, detail in result.errors:
        on_error(path, detail)
    tally.merge(result.tally)
    if json_out is not None and result.events:
        with open(result.events, "rb") as events:
            shutil.copyfileobj(events, json_out)
    if unparsed_out is not None and result.unparsed_file:
        with open(result.unparsed_file, encoding="utf-8") as kept:
            shutil.copyfileobj(kept, unparsed_out)
    for name in (result.events, result.unparsed_file):
        if name:
            os.unlink(name)


def _spool_stdin(folder: str) -> str:
    name = os.path.join(folder, "stdin")
    with open(name, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    return name

