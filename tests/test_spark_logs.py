"""smtp_explain.spark.log_events: Spark gives the events `smtp-explain logs --json-lines` gives."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from loggen import exchange_log, exim_log, o365_log, postfix_log, sendmail_log
from smtp_explain.logs import EVENT_FIELDS
from smtp_explain.spark import (
    EVENT_ARROW_SCHEMA,
    EVENT_SCHEMA,
    UNPARSED_FIELD,
    detect_format,
    log_events,
)


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def _cli(path: Path, tmp_path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    unparsed = tmp_path / "unparsed.txt"
    done = subprocess.run([sys.executable, "-m", "smtp_explain.cli", "logs", "--json-lines",
                           "--unparsed", str(unparsed), str(path)],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-300:]
    return ([json.loads(line) for line in done.stdout.splitlines()],
            unparsed.read_text().splitlines())


def _with_cut_lines(lines: list[str]) -> list[str]:
    """Every 40th delivery line also appears cut short right after itself: unparsable."""
    out: list[str] = []
    seen = 0
    for line in lines:
        out.append(line)
        if "status=" in line:
            seen += 1
            if seen % 40 == 0:
                out.append(line[: line.index("status=") - 8])
    return out


def _spark_events(spark: SparkSession, path: Path, **options: Any) -> tuple[
        list[dict[str, Any]], list[str]]:
    rows = [r.asDict() for r in log_events(spark.read.text(str(path)), unparsed=True,
                                           **options).collect()]
    events = [{k: r[k] for k in EVENT_FIELDS} for r in rows if r[UNPARSED_FIELD] is None]
    return events, [r[UNPARSED_FIELD] for r in rows if r[UNPARSED_FIELD] is not None]


def test_postfix_events_equal_cli_across_partitions(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "mail.log"
    path.write_text("\n".join(_with_cut_lines(postfix_log(seed=12, messages=80).lines)) + "\n")
    expected, cut = _cli(path, tmp_path)
    statuses = Counter(e["status"] for e in expected)
    assert {"sent", "deferred", "bounced", "rejected"} <= set(statuses)
    assert cut and max(Counter(e["queue_id"] for e in expected if e["queue_id"]).values()) >= 3
    # Small splits: one file read as several partitions, so queue ids really cross them.
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16k")
    try:
        assert spark.read.text(str(path)).rdd.getNumPartitions() >= 4
        events, unparsed = _spark_events(spark, path, partitions=3)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert sorted(events, key=_key) == sorted(expected, key=_key)
    assert sorted(unparsed) == sorted(cut)


# o365: rows whose quoted subject holds a line break span lines, keyed as whole rows.
@pytest.mark.parametrize(("name", "make"), [("exim", exim_log), ("sendmail", sendmail_log),
                                            ("exchange", exchange_log), ("o365", o365_log)])
def test_other_formats_detected_and_equal_cli(spark: SparkSession, tmp_path: Path, name: str,
                                              make: Any) -> None:
    path = tmp_path / f"{name}.log"
    path.write_text(make(seed=3, messages=60).text())
    expected, _ = _cli(path, tmp_path)
    assert {e["status"] for e in expected} >= {"sent", "bounced", "deferred"}
    assert detect_format(spark.read.text(str(path))) == name
    events, _ = _spark_events(spark, path)
    assert sorted(events, key=_key) == sorted(expected, key=_key)


def test_compressed_log_equals_cli(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "mail.log.gz"
    path.write_bytes(gzip.compress(postfix_log(seed=5, messages=30).text().encode()))
    expected, _ = _cli(path, tmp_path)
    assert expected
    events, _ = _spark_events(spark, path)
    assert sorted(events, key=_key) == sorted(expected, key=_key)


def test_unknown_format_is_refused_before_any_job(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_text("line\n")
    with pytest.raises(ValueError, match="unknown log format 'qmail'"):
        log_events(spark.read.text(str(path)), fmt="qmail")


def test_published_event_schemas() -> None:
    assert tuple(EVENT_ARROW_SCHEMA.names) == EVENT_FIELDS == tuple(EVENT_SCHEMA.fieldNames())
    assert EVENT_ARROW_SCHEMA.field("delay").type == pa.float64()
    assert EVENT_ARROW_SCHEMA.field("attempt").type == pa.int64()
    assert EVENT_ARROW_SCHEMA.field("hard_bounce").type == pa.bool_()
    assert EVENT_SCHEMA["time"].dataType.simpleString() == "string"
