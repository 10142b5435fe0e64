"""Batch reading of logs: the same events as line by line, the fast Postfix split
agreeing with _split_line, CSV records joined, and the one JSON-lines writer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import loggen
from smtp_explain.logs import (
    EVENT_FIELDS,
    Unparsed,
    events_from_lines,
    queue_key,
    records_from_lines,
)
from smtp_explain.logs.formats import ReadOptions, get_format
from smtp_explain.logs.formats.postfix import _STAMP, _looks_delivery, _split_line
from smtp_explain.logs.jsonl import json_lines, write_json_lines
from smtp_explain.logs.pipeline import MAX_LINE, clean_batch, event_batches_from_paths
from smtp_explain.logs.tally import Tally

LOGS = {
    "postfix": lambda: loggen.postfix_log(61, 300, "mixed"),
    "exim": lambda: loggen.exim_log(62, 300, "mixed"),
    "sendmail": lambda: loggen.sendmail_log(63, 200),
    "exchange": lambda: loggen.exchange_log(64, 200),
    "o365": lambda: loggen.o365_log(65, 200),
}


@pytest.mark.parametrize("fmt", sorted(LOGS))
@pytest.mark.parametrize("size", [1, 7, 500])
def test_batches_give_the_events_of_single_lines(fmt: str, size: int) -> None:
    lines = list(LOGS[fmt]().lines)
    single_kept: list[str] = []
    single = list(events_from_lines(lines, fmt, unparsed=Unparsed(single_kept.append), year=2026))
    batch_kept: list[str] = []
    reader = get_format(fmt).reader(Unparsed(batch_kept.append), ReadOptions(year=2026))
    batched = []
    for start in range(0, len(lines), size):
        batched.extend(reader.feed_batch(lines[start:start + size]))
    batched.extend(reader.finish())
    assert single and batched == single
    assert batch_kept == single_kept


STAMP = "Mar  1 06:00:02"
DELIVERY = ("to=<bob@example.net>, relay=mx.example.net[192.0.2.1]:25, delay=1.2, dsn=5.1.1, "
            "status=bounced (host mx.example.net[192.0.2.1] said: 550 5.1.1 User unknown)")
ODD_LINES = [
    f"{STAMP} mx1 postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",
    f"{STAMP} mx1 postfix/submission/smtp[1]: 3xH5hMdbPtXLz47cVB: {DELIVERY}",
    f"2026-03-01T06:00:02.123456+01:00 mx1 postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",
    f"{STAMP} mx1 postfix is here[1]: 3F2A1B4C5D: {DELIVERY}",  # a space in the "program"
    f"{STAMP} my postfix box postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",  # " postfix" twice
    f"{STAMP} mx1 kernel: note: postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",  # ": " before it
    f"mx1 postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",  # no timestamp
    f" postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",
    f"postfix/smtp[1]: 3F2A1B4C5D: {DELIVERY}",
    f"{STAMP} mx1 postfix/smtp[1]: 3F2A: {DELIVERY}",  # too short for a queue id
    f"{STAMP} mx1 postfix/smtp[1]: ABCDEFGHIJKLMNOPQRS1: {DELIVERY}",  # 20: too long
    f"{STAMP} mx1 postfix/smtp[1]: ABCDEFGHIJKLMNOPQR1: {DELIVERY}",  # 19
    f"{STAMP} mx1 postfix/smtp[1]: abcdefghijkl: {DELIVERY}",  # letters only: a word
    f"{STAMP} mx1 postfix/smtp[1]: 3F2A1B4C5D:{DELIVERY}",  # no space after the id
    f"{STAMP} mx1 postfix/smtp[1] 3F2A1B4C5D: {DELIVERY}",
    f"{STAMP} mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from h[203.0.113.9]: 554 5.7.1 "
    "<x@example.org>: Relay access denied; from=<a@example.com> to=<x@example.org> proto=ESMTP "
    "helo=<h>",
    f"{STAMP} mx1 postfix/smtpd[1]: connect from h[203.0.113.9] status=odd",
    f"{STAMP} mx1 postfix/smtpd[1]: connect from h[203.0.113.9]",
]


@pytest.mark.parametrize("line", ODD_LINES)
def test_fast_split_reads_lines_as_split_line_does(line: str) -> None:
    kept: list[str] = []
    reader = get_format("postfix").reader(Unparsed(kept.append), ReadOptions(year=2026))
    events = reader.feed_batch([line])
    split = _split_line(line)
    if split is None:
        assert events == [] and kept == ([line] if _looks_delivery(line) else [])
        return
    stamp, host, qid, rest = split
    if rest.startswith("to=<") and qid is not None and _STAMP.fullmatch(stamp) is None:
        assert events == [] and kept == [line]  # a delivery without a readable time
    elif rest.startswith("to=<") and qid is not None:
        assert len(events) == 1 and kept == []
        assert (events[0].host, events[0].queue_id) == (host, qid)
        assert events[0].time is not None and events[0].time.startswith("2026-03-01T")
    elif "reject: " in rest:
        assert [e.status for e in events] == ["rejected"] and events[0].queue_id is None
    else:
        assert events == [] and kept == ([line] if "status=" in rest else [])


def test_clean_batch_cuts_long_lines_and_carriage_returns() -> None:
    long = "x" * (MAX_LINE + 10)
    assert clean_batch(["a\r", "b", long]) == ["a", "b", "x" * MAX_LINE]
    same = ["a", "b"]
    assert clean_batch(same) is same


def test_paths_read_in_batches_equal_lines(tmp_path: Path) -> None:
    log = loggen.postfix_log(66, 300, "classic")
    path = tmp_path / "mail.log"
    path.write_bytes(("\r\n".join(log.lines) + "\r\n").encode())
    batches = list(event_batches_from_paths([str(path)], unparsed=Unparsed(),
                                            on_error=lambda *a: None, year=2026))
    flat = [event for batch in batches for event in batch]
    assert flat == list(events_from_lines(log.lines, year=2026))


@pytest.mark.parametrize("fmt", ["exchange", "o365"])
def test_records_join_csv_rows_that_span_lines(fmt: str) -> None:
    rows = list(LOGS[fmt]().lines)
    for n in (5, 9):  # a line break in the last field of two data rows
        assert not rows[n].startswith("#")
        fields = next(csv.reader([rows[n]]))
        fields[-1] += "\nsecond line"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(fields)  # quotes the field with "\n"
        rows[n] = out.getvalue()[:-1]
    lines = "\n".join(rows).split("\n")
    records = list(records_from_lines(lines, fmt))
    joined = [r for r in records if "\n" in r.text]
    assert joined, "the generated log holds quoted fields with line breaks"
    # every line is in exactly one record, in order, and the records rebuild the text
    assert "\n".join(r.text for r in records) == "\n".join(lines)
    firsts = [r.first for r in records]
    assert firsts == sorted(set(firsts)) and firsts[0] == 0
    for record in records:
        assert record.text.startswith(lines[record.first])
        assert record.key == queue_key(record.text, fmt)
    assert any(r.key for r in joined)


def test_records_are_lines_outside_csv() -> None:
    lines = list(LOGS["postfix"]().lines)
    records = list(records_from_lines(lines, "postfix"))
    assert [r.text for r in records] == lines
    assert [r.first for r in records] == list(range(len(lines)))
    assert [r.key for r in records] == [queue_key(line, "postfix") for line in lines]


def test_json_lines_writer_keeps_keys_and_counts() -> None:
    events = list(events_from_lines(LOGS["postfix"]().lines, year=2026))
    assert json_lines([]) == b""

    class Sink:
        data = b""

        def write(self, chunk: bytes) -> None:
            self.data += chunk

    sink, tally = Sink(), Tally()
    write_json_lines([events[:10], [], events[10:]], sink, tally)  # type: ignore[arg-type]
    rows = [json.loads(line) for line in sink.data.decode().splitlines()]
    assert [tuple(row) for row in rows] == [EVENT_FIELDS] * len(events)
    assert rows == [event.to_dict() for event in events]
    assert tally.events == len(events) and sink.data.endswith(b"\n")


@pytest.mark.parametrize("parts", [1, 2, 3, 7, 64])
@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_byte_ranges_together_read_the_whole_file(tmp_path: Path, parts: int,
                                                  ending: str) -> None:
    """Ranges cut lines in the middle, at a newline and just after one; every line is
    read once, by the range it begins in, and the ranges together equal the whole file."""
    from smtp_explain.logs.sources import byte_ranges, range_batches, read_lines

    lines = [f"line {n} " + "é" * (n % 5) + "x" * (n % 37) for n in range(400)]
    path = tmp_path / "mail.log"
    path.write_bytes(("\n".join(lines) + ending).encode())
    size = path.stat().st_size
    ranges = byte_ranges(size, parts)
    assert len(ranges) == min(parts, size) and ranges[-1][1] == size
    whole = list(read_lines(str(path), lambda *a: None))
    newline = path.read_bytes().index(b"\n", size // 3)
    for cuts in (ranges, [(0, newline), (newline, size)], [(0, newline + 1), (newline + 1, size)]):
        pieces = [[line for batch in range_batches(str(path), start, end) for line in batch]
                  for start, end in cuts]
        assert [line for piece in pieces for line in piece] == whole
    assert [line.rstrip("\r") for line in whole] == lines


def test_jobs_read_compressed_files_whole(tmp_path: Path) -> None:
    """--jobs splits a compressed log by file only; the events equal one process's."""
    import gzip
    import os
    import subprocess
    import sys

    log = loggen.postfix_log(67, 300, "rfc3339")
    half = len(log.lines) // 2
    first, second = tmp_path / "mail.log.1.gz", tmp_path / "mail.log"
    first.write_bytes(gzip.compress(("\n".join(log.lines[:half]) + "\n").encode()))
    second.write_text("\n".join(log.lines[half:]) + "\n")
    env = {**os.environ, "LANG": "C.UTF-8"}

    def events(*extra: str) -> list[str]:
        done = subprocess.run([sys.executable, "-m", "smtp_explain.cli", "logs", "--json-lines",
                               *extra, str(first), str(second)], capture_output=True, env=env,
                              timeout=300, check=True)
        return sorted(done.stdout.decode().splitlines())

    one = events()
    assert len(one) == len(log.truth)
    assert events("--jobs", "2") == one


def test_jobs_bucket_files_are_not_sniffed_for_compression(tmp_path: Path) -> None:
    """A log line that begins like a bzip2 stream and lands first in a bucket file is
    read as text there, as in one process."""
    import os
    import subprocess
    import sys
    import zlib

    from smtp_explain.logs import queue_key as key_of

    log = loggen.postfix_log(68, 100, "rfc3339")
    first_bucket = zlib.crc32((key_of(log.lines[0], "postfix") or log.lines[0]).encode()) % 2
    odd = next(text for n in range(100) if zlib.crc32(
        (text := f"BZh91AY&SY noise {n}").encode()) % 2 != first_bucket)
    path = tmp_path / "mail.log"
    path.write_text("\n".join([log.lines[0], odd, *log.lines[1:]]) + "\n")
    env = {**os.environ, "LANG": "C.UTF-8"}

    def run(*extra: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "smtp_explain.cli", "logs", "--json-lines",
                               *extra, str(path)], capture_output=True, env=env, timeout=300,
                              check=False)

    one, two = run(), run("--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert sorted(two.stdout.splitlines()) == sorted(one.stdout.splitlines())
    assert len(one.stdout.splitlines()) == len(log.truth)
