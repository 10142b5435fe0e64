"""A DataFrame of mails (``spark.read.format("binaryFile")``) -> bounce rows.

Each file goes through the CLI's own path: ``read_stream`` (an mbox file gives
its mails, each with its 1-based ``mail_index``) and ``decode_guarded`` (one
bad mail becomes a problem, never a failed task). A row has the fields of
:class:`smtp_explain.model.BounceResult`; ``origin`` is the file's path as
Spark names it (``file:/...``, ``s3a://...``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame

from smtp_explain.model import BounceResult
from smtp_explain.spark.arrow_columns import arrow_schema, batches, spark_schema

# (a field that may be None, "str | None", is a nullable column of its type)
_FIELDS = tuple((f.name, str(f.type).removesuffix(" | None")) for f in fields(BounceResult))

BOUNCE_ARROW_SCHEMA: pa.Schema = arrow_schema(_FIELDS)
"""Arrow schema of a bounce row: the fields of BounceResult, in their order."""
BOUNCE_SCHEMA = spark_schema(_FIELDS)
"""Spark schema of a bounce row (``StructType``)."""

PROBLEM_FIELD = "problem"
"""With ``problems=True``: the column saying why a mail gave no rows (null on bounce rows)."""


def _decode_partition(batches_in: Iterator[pa.RecordBatch], lang: str, rules: tuple[str, ...],
                      schema: pa.Schema, problems: bool) -> Iterator[pa.RecordBatch]:
    yield from batches(_rows(batches_in, lang, rules, problems), schema)


def _rows(batches_in: Iterator[pa.RecordBatch], lang: str, rules: tuple[str, ...],
          problems: bool) -> Iterator[dict[str, Any]]:
    from smtp_explain import catalog
    from smtp_explain.classify import get_classifier
    from smtp_explain.decoding.bounce import decode_guarded
    from smtp_explain.model import Problem
    from smtp_explain.read.sources import read_stream

    lang = catalog.pick_language(lang)
    classifier = get_classifier(rules)
    for batch in batches_in:
        columns = batch.to_pydict()
        for path, content in zip(columns["path"], columns["content"], strict=True):
            for origin, index, data in read_stream(path, io.BytesIO(content or b"")):
                problem: Problem | None = None
                if isinstance(data, Problem):
                    problem = data
                elif isinstance(data, bytes):
                    results, problem = decode_guarded(origin, data, lang, classifier, index)
                    for result in results:
                        yield result.to_dict()
                if problem is not None and problems:
                    yield {"origin": origin, "mail_index": index,
                           PROBLEM_FIELD: problem.text(lang)}


def bounce_rows(mails: DataFrame, lang: str = "en", *, rules: Sequence[str] = (),
                problems: bool = False) -> DataFrame:
    """One row per bounced recipient of every mail in ``mails``.

    ``mails`` needs the columns ``path`` and ``content`` of Spark's binaryFile
    source. ``lang`` picks the language of ``summary``; ``rules`` are user rule
    files (paths every executor can read). With ``problems`` each mail that
    gave no rows because it could not be read or decoded adds one row with
    ``origin``, ``mail_index`` and :data:`PROBLEM_FIELD` set (the text the CLI
    prints on stderr); without it such mails are left out, as from the CLI's
    standard output. (Spark's file sources never list zero-byte files, so
    those give no problem row.)
    """
    fields_out = (*_FIELDS, (PROBLEM_FIELD, "str")) if problems else _FIELDS
    schema = arrow_schema(fields_out)
    rule_files = tuple(rules)

    def decode(batches_in: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _decode_partition(batches_in, lang, rule_files, schema, problems)

    return mails.select("path", "content").mapInArrow(decode, spark_schema(fields_out))
