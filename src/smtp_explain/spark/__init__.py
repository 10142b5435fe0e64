"""Apache Spark: the CLI's decoding on DataFrames, for inputs bigger than one machine.

Install with ``pip install smtp-explain[spark]`` (Spark 4 needs Java 17 or later).

- :func:`bounce_rows` turns a DataFrame of mails read with
  ``spark.read.format("binaryFile")`` into one row per bounced recipient, the
  same rows ``smtp-explain bounce --json-lines`` prints
  (schema :data:`BOUNCE_SCHEMA` / :data:`BOUNCE_ARROW_SCHEMA`).
- :func:`log_events` turns a DataFrame of log lines read with ``spark.read.text``
  into one row per recipient outcome, the events ``smtp-explain logs --json-lines``
  prints (schema :data:`EVENT_SCHEMA` / :data:`EVENT_ARROW_SCHEMA`); every line of
  a queue id goes to one partition, in log order.

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
from smtp_explain.spark.log_events import (
    EVENT_ARROW_SCHEMA,
    EVENT_SCHEMA,
    UNPARSED_FIELD,
    detect_format,
    log_events,
)

__all__ = [
    "BOUNCE_ARROW_SCHEMA", "BOUNCE_SCHEMA", "EVENT_ARROW_SCHEMA", "EVENT_SCHEMA", "PROBLEM_FIELD",
    "UNPARSED_FIELD", "bounce_rows", "detect_format", "log_events",
]
