"""Rows of Python values -> Arrow record batches of a fixed schema, for mapInArrow.

Both schemas (Arrow for the Python side, Spark for the DataFrame) come from one
table of field names and Python types, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
from pyspark.sql.types import (
    BooleanType,
    DataType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
)

_ARROW: dict[str, pa.DataType] = {"str": pa.string(), "bool": pa.bool_(), "int": pa.int64(),
                                  "float": pa.float64()}
_SPARK: dict[str, DataType] = {"str": StringType(), "bool": BooleanType(), "int": LongType(),
                               "float": DoubleType()}

BATCH_ROWS = 2048  # rows per record batch handed back to Spark: bounded memory per task


def arrow_schema(fields: Sequence[tuple[str, str]]) -> pa.Schema:
    """(name, Python type name) pairs -> Arrow schema; every field may be null."""
    return pa.schema([pa.field(name, _ARROW[kind], nullable=True) for name, kind in fields])


def spark_schema(fields: Sequence[tuple[str, str]]) -> StructType:
    return StructType([StructField(name, _SPARK[kind], nullable=True) for name, kind in fields])


def _column(values: list[Any], kind: pa.DataType) -> pa.Array[Any]:
    try:
        return pa.array(values, kind)
    except UnicodeEncodeError:
        # A lone surrogate (from undecodable input) cannot be UTF-8: replace, keep the row.
        return pa.array([v.encode("utf-8", "replace").decode("utf-8") if isinstance(v, str)
                         else v for v in values], kind)


def to_batch(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """Rows as dicts (missing keys are null) -> one record batch of ``schema``."""
    columns = [_column([row.get(field.name) for row in rows], field.type) for field in schema]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def batches(rows: Iterable[Mapping[str, Any]], schema: pa.Schema,
            size: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Record batches of at most ``size`` rows; none for no rows."""
    pending: list[Mapping[str, Any]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= size:
            yield to_batch(pending, schema)
            pending = []
    if pending:
        yield to_batch(pending, schema)
