"""A DataFrame of log lines (``spark.read.text``) -> the events of ``logs --json-lines``.

The log decoding joins lines by queue id, so every line of one queue id must
reach the same call of ``events_from_lines``, in log order:

1. each line gets its position (``monotonically_increasing_id``: within a file
   it grows with the offset) and its group, the queue id from ``queue_key``;
   a line that stands alone (a NOQUEUE reject, noise) is its own group;
2. ``repartition`` by group puts a queue id in one partition, and
   ``sortWithinPartitions`` by (group, position) hands its lines over in log
   order and one queue id after the other (one in flight at a time);
3. ``mapInArrow`` runs ``events_from_lines`` over each partition.

In the CSV formats (Exchange, Office 365) a row whose quoted field holds a line
break spans lines; step 1 joins them first, within each input split (a row cut
by a split boundary, in files over spark.sql.files.maxPartitionBytes, is read
as two).

The format is detected once, on the driver, from the first lines (as the CLI
detects it from the first lines of a file), so one DataFrame holds one format;
pass ``fmt`` to skip the look.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from smtp_explain.logs import EVENT_FIELDS
from smtp_explain.spark.arrow_columns import BATCH_ROWS, arrow_schema, batches, spark_schema

_NOT_TEXT = {"hard_bounce": "bool", "delay": "float", "attempt": "int"}
_FIELDS = tuple((name, _NOT_TEXT.get(name, "str")) for name in EVENT_FIELDS)

EVENT_ARROW_SCHEMA: pa.Schema = arrow_schema(_FIELDS)
"""Arrow schema of an event: EVENT_FIELDS in order (delay double, attempt int64)."""
EVENT_SCHEMA = spark_schema(_FIELDS)
"""Spark schema of an event (``StructType``)."""

UNPARSED_FIELD = "unparsed"
"""With ``unparsed=True``: the column holding a delivery-looking line that could not be
read (all event fields null on such a row; null on event rows)."""

_KEYED_FIELDS = (("line", "str"), ("pos", "int"), ("group", "str"))
_KEYED = arrow_schema(_KEYED_FIELDS)


def _key_partition(batches_in: Iterator[pa.RecordBatch], fmt: str) -> Iterator[pa.RecordBatch]:
    from smtp_explain.logs import records_from_lines

    positions: deque[int] = deque()  # of the lines not yet given to a record

    def lines() -> Iterator[str]:
        for batch in batches_in:
            for line, pos in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(),
                                 strict=True):
                if line is not None and pos is not None:
                    positions.append(int(pos))
                    yield str(line)

    taken = 0
    rows: list[tuple[str, int, str]] = []
    for first, record, key in records_from_lines(lines(), fmt):
        while taken < first:
            positions.popleft()
            taken += 1
        pos = positions[0]
        # A line of its own gets a group of its own: "\0" cannot start a queue id.
        rows.append((record, pos, f"q{key}" if key is not None else f"\0{pos}"))
        if len(rows) >= BATCH_ROWS:
            yield _keyed_batch(rows)
            rows = []
    if rows:
        yield _keyed_batch(rows)


def _keyed_batch(rows: list[tuple[str, int, str]]) -> pa.RecordBatch:
    records, positions, groups = zip(*rows, strict=True)
    return pa.RecordBatch.from_arrays(
        [pa.array(records, pa.string()), pa.array(positions, pa.int64()),
         pa.array(groups, pa.string())], schema=_KEYED)


def _event_rows(batches_in: Iterator[pa.RecordBatch], fmt: str, year: int | None,
                unparsed: bool) -> Iterator[dict[str, Any]]:
    from smtp_explain.logs import Unparsed, events_from_lines

    kept: list[str] = []
    lines = (line for batch in batches_in for line in batch.column(0).to_pylist()
             if line is not None)
    sink = Unparsed(kept.append if unparsed else None)
    for event in events_from_lines(lines, fmt, unparsed=sink, year=year):
        if kept:
            yield from ({UNPARSED_FIELD: line} for line in kept)
            kept.clear()
        yield event.to_dict()
    yield from ({UNPARSED_FIELD: line} for line in kept)


def detect_format(lines: DataFrame, column: str = "value") -> str:
    """The log format of the first lines of ``lines``, as ``events_from_lines`` would pick it."""
    from smtp_explain.logs.detect import FALLBACK, SNIFF_LINES, detect

    head = [row[0] for row in lines.select(column).limit(SNIFF_LINES).collect()]
    return detect(line for line in head if line) or FALLBACK


def log_events(lines: DataFrame, fmt: str = "auto", *, year: int | None = None,
               unparsed: bool = False, partitions: int | None = None,
               column: str = "value") -> DataFrame:
    """One row per recipient outcome in the log ``lines`` (column ``column``, as
    ``spark.read.text`` names it), with the fields of :data:`EVENT_SCHEMA`.

    ``fmt`` is a format name of ``smtp_explain.logs.FORMAT_NAMES`` or "auto";
    ``year`` is the year of classic syslog stamps (default: inferred, as by the CLI);
    ``partitions`` the number of groups to spread queue ids over (default: Spark's
    shuffle partitions). With ``unparsed`` every delivery-looking line that could
    not be read adds a row with :data:`UNPARSED_FIELD` set, so nothing is dropped
    silently; without it they are left out, as from the CLI's standard output.
    """
    from smtp_explain.logs import FORMAT_NAMES

    if fmt == "auto":
        fmt = detect_format(lines, column)
    elif fmt not in FORMAT_NAMES:  # said here, not as a failed task on an executor
        raise ValueError(f"unknown log format {fmt!r}; known: auto, {', '.join(FORMAT_NAMES)}")
    fields_out = (*_FIELDS, (UNPARSED_FIELD, "str")) if unparsed else _FIELDS
    schema = arrow_schema(fields_out)

    def key(batches_in: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _key_partition(batches_in, fmt)

    def decode(batches_in: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return batches(_event_rows(batches_in, fmt, year, unparsed), schema)

    positioned = lines.select(F.col(column).alias("line"),
                              F.monotonically_increasing_id().alias("pos"))
    keyed = positioned.mapInArrow(key, spark_schema(_KEYED_FIELDS))
    grouped = (keyed.repartition(partitions, "group") if partitions
               else keyed.repartition("group"))
    ordered = grouped.sortWithinPartitions("group", "pos").select("line")
    return ordered.mapInArrow(decode, spark_schema(fields_out))
