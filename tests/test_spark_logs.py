"""smtp_explain.spark.log_events: Spark gives the events the log decoding gives on the whole log."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
from pyspark.sql import SparkSession

from generated_postfix_log import YEAR, postfix_log
from smtp_explain.logs import EVENT_FIELDS, Unparsed, events_from_lines
from smtp_explain.spark import (
    EVENT_ARROW_SCHEMA,
    EVENT_SCHEMA,
    UNPARSED_FIELD,
    detect_format,
    log_events,
)

EXIM = """\
2026-03-01 10:00:00 1rXyZa-000Abc-4D <= alice@example.org H=mail.example.org [198.51.100.7] P=esmtps S=1234 id=a1@example.org
2026-03-01 10:00:00 1rXyZb-000Abc-5E <= carol@example.org H=mail.example.org [198.51.100.7] P=esmtps S=999 id=a2@example.org
2026-03-01 10:00:01 1rXyZa-000Abc-4D => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [192.0.2.1] C="250 OK"
2026-03-01 10:00:01 1rXyZb-000Abc-5E == erin@example.com R=dnslookup T=remote_smtp defer (-44) H=mx.example.com [192.0.2.2]: SMTP error from remote mail server after RCPT TO:<erin@example.com>: 452 4.2.2 Mailbox full
2026-03-01 10:00:01 1rXyZa-000Abc-4D ** dan@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.2]: SMTP error from remote mail server after RCPT TO:<dan@example.com>: 550 5.1.1 User unknown
2026-03-01 10:00:02 1rXyZa-000Abc-4D Completed
2026-03-01 11:00:01 1rXyZb-000Abc-5E => erin@example.com R=dnslookup T=remote_smtp H=mx.example.com [192.0.2.2] C="250 OK"
2026-03-01 11:00:02 1rXyZb-000Abc-5E Completed
"""


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def _expected(lines: list[str], fmt: str = "auto") -> tuple[list[dict[str, Any]], list[str]]:
    """What the CLI's decoding gives on the whole log in one pass."""
    kept: list[str] = []
    events = [e.to_dict() for e in events_from_lines(lines, fmt, unparsed=Unparsed(kept.append),
                                                      year=YEAR)]
    return events, kept


def _write(tmp_path: Path, name: str, lines: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_spark_events_equal_whole_log_events(spark: SparkSession, tmp_path: Path) -> None:
    lines = postfix_log(40, seed=12)
    expected, cut = _expected(lines)
    statuses = Counter(e["status"] for e in expected)
    assert set(statuses) == {"sent", "deferred", "bounced", "expired", "rejected"}
    assert len(cut) == 6 and max(Counter(e["queue_id"] for e in expected).values()) >= 3
    path = _write(tmp_path, "mail.log", lines)
    # Small splits: one file read as many partitions, so queue ids really cross them.
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16k")
    try:
        frame = spark.read.text(path)
        assert frame.rdd.getNumPartitions() >= 4
        rows = [r.asDict() for r in log_events(frame, year=YEAR, unparsed=True,
                                               partitions=3).collect()]
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    got = [{k: r[k] for k in EVENT_FIELDS} for r in rows if r[UNPARSED_FIELD] is None]
    assert sorted(got, key=_key) == sorted(expected, key=_key)
    assert sorted(r[UNPARSED_FIELD] for r in rows if r[UNPARSED_FIELD] is not None) == sorted(cut)


def test_exim_log_detected_and_equal(spark: SparkSession, tmp_path: Path) -> None:
    lines = EXIM.splitlines()
    expected, _ = _expected(lines)
    assert {e["status"] for e in expected} >= {"sent", "bounced", "deferred"}
    frame = spark.read.text(_write(tmp_path, "mainlog", lines))
    assert detect_format(frame) == "exim"
    rows = [r.asDict() for r in log_events(frame, year=YEAR).collect()]
    assert UNPARSED_FIELD not in rows[0]
    assert sorted(rows, key=_key) == sorted(expected, key=_key)


def test_published_event_schemas() -> None:
    assert tuple(EVENT_ARROW_SCHEMA.names) == EVENT_FIELDS == tuple(EVENT_SCHEMA.fieldNames())
    assert EVENT_ARROW_SCHEMA.field("delay").type == pa.float64()
    assert EVENT_ARROW_SCHEMA.field("attempt").type == pa.int64()
    assert EVENT_ARROW_SCHEMA.field("hard_bounce").type == pa.bool_()
    assert EVENT_SCHEMA["time"].dataType.simpleString() == "string"
