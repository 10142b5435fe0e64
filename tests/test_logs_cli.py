"""``smtp-explain logs``: inputs, outputs, options, the HTML report."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

import loggen
from smtp_explain import catalog
from smtp_explain.logs import EVENT_FIELDS, events_from_lines

CLI = [sys.executable, "-m", "smtp_explain.cli", "logs"]


def run(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "COLUMNS": "120"}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=env, timeout=300,
                          check=False)


def _events(out: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.decode().splitlines()]


def _key(row: dict[str, object]) -> tuple[object, ...]:
    return (row["queue_id"], row["recipient"], row["status"], row["reason"])


@pytest.fixture(scope="module")
def postfix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, loggen.Log]:
    log = loggen.postfix_log(71, 500, "rfc3339")  # no year to infer: same on any date
    path = tmp_path_factory.mktemp("logs") / "mail.log"
    path.write_text(log.text())
    return path, log


def test_json_lines_match_the_library_and_the_truth(postfix: tuple[Path, loggen.Log]) -> None:
    path, log = postfix
    done = run(["--json-lines", str(path)])
    assert done.returncode == 0, done.stderr
    rows = _events(done.stdout)
    assert all(tuple(row) == EVENT_FIELDS for row in rows)
    library = [e.to_dict() for e in events_from_lines(log.lines)]
    assert rows == library
    assert Counter(map(_key, rows)) == Counter(
        (e.queue_id, e.recipient, e.status, e.reason) for _, e in log.truth)
    assert done.stderr == b""


@pytest.mark.parametrize("pack", [gzip.compress, bz2.compress, lzma.compress])
def test_compressed_inputs_and_stdin(postfix: tuple[Path, loggen.Log], tmp_path: Path,
                                     pack: object) -> None:
    path, _ = postfix
    plain = run(["--json-lines", str(path)]).stdout
    packed = tmp_path / "mail.log.1"  # told by its first bytes, not by its name
    packed.write_bytes(pack(path.read_bytes()))  # type: ignore[operator]
    assert run(["--json-lines", str(packed)]).stdout == plain
    assert run(["--json-lines", "-"], stdin=packed.read_bytes()).stdout == plain


def test_jobs_give_the_same_events(postfix: tuple[Path, loggen.Log], tmp_path: Path) -> None:
    path, _ = postfix
    plain = _events(run(["--json-lines", str(path)]).stdout)
    big = tmp_path / "mail.log"
    big.write_bytes(path.read_bytes())
    from smtp_explain.logs import parallel

    for jobs in ("2", "3"):
        done = run(["--json-lines", "--jobs", jobs, str(big), str(big) + ".gz"])
        assert done.returncode == 1 and b".gz" in done.stderr  # a missing file: one line, rest read
        assert sorted(map(json.dumps, _events(done.stdout))) == sorted(map(json.dumps, plain))
    assert parallel.PIECE > 0


def test_jobs_split_byte_ranges(postfix: tuple[Path, loggen.Log], monkeypatch: pytest.MonkeyPatch) -> None:
    """Small pieces force many byte ranges; queue ids cut across them are joined again."""
    from smtp_explain.logs import parallel
    from smtp_explain.logs.tally import Tally

    path, log = postfix
    monkeypatch.setattr(parallel, "PIECE", 4096)
    out = []

    class Sink:
        def write(self, data: bytes) -> None:
            out.append(data)

    tally = parallel.run_parallel([str(path)], "auto", 3, since=None, until=None,
                                  json_out=Sink(), unparsed_out=None,  # type: ignore[arg-type]
                                  on_error=lambda *a: None)
    rows = _events(b"".join(out))
    assert Counter(map(_key, rows)) == Counter(
        (e.queue_id, e.recipient, e.status, e.reason) for _, e in log.truth)
    sequential = Tally()
    for event in events_from_lines(log.lines):
        sequential.add(event)
    assert tally.status == sequential.status and len(tally.pending) == len(sequential.pending)


def test_unparsed_lines_are_counted_and_kept(tmp_path: Path) -> None:
    log = loggen.postfix_log(72, 200, "rfc3339")
    lines = list(log.lines)
    cut = [n for n, line in enumerate(lines) if ", status=" in line][:5]
    for n in cut:
        lines[n] = lines[n][:lines[n].index(", status=") - 3]
    path = tmp_path / "cut.log"
    path.write_text("\n".join(lines) + "\n")
    kept = tmp_path / "unparsed.txt"
    done = run(["--json-lines", "--unparsed", str(kept), str(path)])
    assert done.returncode == 0
    assert re.search(rb"\b5\b", done.stderr) and done.stderr.count(b"\n") == 1
    assert kept.read_text().splitlines() == [lines[n] for n in cut]


def test_garbage_and_truncated_archives_give_one_line_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 200)
    archive = tmp_path / "cut.gz"
    archive.write_bytes(gzip.compress(loggen.postfix_log(73, 100, "rfc3339").text().encode())[:3000])
    done = run(["--json-lines", str(garbage), str(archive)])
    assert b"Traceback" not in done.stderr
    assert done.returncode == 1 and done.stderr.count(b"\n") == 1 and b"cut.gz" in done.stderr
    assert all(tuple(row) == EVENT_FIELDS for row in _events(done.stdout))


def test_since_until_and_bad_times(postfix: tuple[Path, loggen.Log]) -> None:
    path, _ = postfix
    rows = _events(run(["--json-lines", "--since", "2026-03-01T06:10:00+00:00",
                        "--until", "2026-03-01T06:20:00Z", str(path)]).stdout)
    assert rows and all("2026-03-01T06:1" in str(row["time"]) for row in rows)
    everything = _events(run(["--json-lines", str(path)]).stdout)
    assert len(rows) == sum("2026-03-01T06:1" in str(row["time"]) for row in everything)
    done = run(["--since", "yesterday", str(path)])
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"yesterday" in done.stderr


def test_trace_shows_lines_and_events_of_one_id(postfix: tuple[Path, loggen.Log]) -> None:
    path, log = postfix
    queue_id = next(e.queue_id for _, e in log.truth if e.status == "expired")
    done = run(["--trace", str(queue_id), str(path)])
    assert done.returncode == 0
    text = done.stdout.decode()
    assert text.count(f"{queue_id}: ") == sum(f"{queue_id}: " in line for line in log.lines)
    rows = _events(run(["--trace", str(queue_id), "--json-lines", str(path)]).stdout)
    assert rows and {row["queue_id"] for row in rows} == {queue_id}
    assert "expired" in {row["status"] for row in rows}
    message_id = next(line.split("message-id=<")[1].rstrip(">") for line in log.lines
                      if f"{queue_id}: message-id=" in line)
    assert {row["queue_id"] for row in _events(run(
        ["--trace", message_id, "--json-lines", str(path)]).stdout)} == {queue_id}


def test_summary_in_both_languages(postfix: tuple[Path, loggen.Log]) -> None:
    path, _ = postfix
    english = run([str(path)]).stdout.decode()
    turkish = run(["--lang", "tr", str(path)]).stdout.decode()
    assert "Totals by status" in english and "bounced" in english
    assert "Duruma göre toplamlar" in turkish and "geri döndü" in turkish


LOADS = re.compile(r"<script|<link|<img|<iframe|url\(|@import|(?:src|href)\s*=\s*[\"']?(?:https?:)?//",
                   re.IGNORECASE)


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_report_is_self_contained_and_counts_like_the_events(
        postfix: tuple[Path, loggen.Log], tmp_path: Path, lang: str) -> None:
    path, _ = postfix
    report = tmp_path / f"report-{lang}.html"
    done = run(["--json-lines", "--lang", lang, "--report", str(report), str(path)])
    assert done.returncode == 0, done.stderr
    html = report.read_text()
    assert not LOADS.search(html)
    assert "<svg" in html
    bounced = sum(row["status"] == "bounced" for row in _events(done.stdout))
    row = re.search(r'<tr data-status="bounced"><td>[^<]*</td><td class="n">(\d+)</td>', html)
    assert row and int(row.group(1)) == bounced > 0


def test_turkish_report_has_no_english_labels(postfix: tuple[Path, loggen.Log], tmp_path: Path) -> None:
    path, _ = postfix
    report = tmp_path / "tr.html"
    assert run(["--lang", "tr", "--report", str(report), str(path)]).returncode == 0
    visible = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", report.read_text(), flags=re.S)
    visible = re.sub(r"<[^>]+>", "\n", visible)
    english = tomllib.loads((catalog.TEXTS_DIR / "en" / "logs.toml").read_text())
    turkish = tomllib.loads((catalog.TEXTS_DIR / "tr" / "logs.toml").read_text())
    for table in ("labels", "status", "ages"):
        for key, text in english[table].items():
            if "{" in text or text == turkish[table][key]:
                continue
            assert not re.search(rf"(?m)^\s*{re.escape(text)}\s*$", visible), (table, key, text)
    svg = re.search(r"<svg.*?</svg>", report.read_text(), flags=re.S)
    assert svg and "Saat (UTC)" not in english["labels"]["hour"]
    assert 'lang="tr"' in report.read_text()
