"""Apache Spark: the CLI's decoding on DataFrames, for inputs bigger than one machine.

Install with ``pip install smtp-explain[spark]`` (Spark 4 needs Java 17 or later).

- :func:`bounce_rows` turns a DataFrame of mails read with
  ``spark.read.format("binaryFile")`` into one row per bounced recipient, the
  same rows ``smtp-explain bounce --json-lines`` prints
  (schema :data:`BOUNCE_SCHEMA` / :data:`BOUNCE_ARROW_SCHEMA`).

The functions are thin: each partition runs the library's own decoding through
``mapInArrow``; nothing here decides a reason.
"""

from __future__ import annotations

from smtp_explain.spark.bounce_rows import (
    BOUNCE_ARROW_SCHEMA,
    BOUNCE_SCHEMA,
    PROBLEM_FIELD,
    bounce_rows,
)

__all__ = ["BOUNCE_ARROW_SCHEMA", "BOUNCE_SCHEMA", "PROBLEM_FIELD", "bounce_rows"]
