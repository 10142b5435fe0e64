"""smtp_explain.spark.bounce_rows: Spark gives the rows `smtp-explain bounce --json-lines` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
from pyspark.sql import SparkSession

from smtp_explain.model import BounceResult
from smtp_explain.spark import BOUNCE_ARROW_SCHEMA, BOUNCE_SCHEMA, PROBLEM_FIELD, bounce_rows
from test_bounce import ARF, BROKEN, DSN, NOT_BOUNCE, VACATION
from test_formats_mta import DMA, EXIM, POSTFIX, QMAIL, SENDMAIL

MAILS = {"dsn.eml": DSN, "arf.eml": ARF, "vacation.eml": VACATION, "plain.eml": NOT_BOUNCE,
         "postfix.eml": POSTFIX, "sendmail.eml": SENDMAIL, "exim.eml": EXIM, "qmail.eml": QMAIL,
         "dma.eml": DMA, "crlf.eml": POSTFIX.replace(b"\n", b"\r\n"),
         **{f"broken-{name}.eml": data for name, data in BROKEN.items()}}
MBOX = (b"From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n" + DSN + b"\n"
        b"From someone Mon Mar  2 10:00:00 2026\n" + NOT_BOUNCE + b"\n"
        b"From feedback Mon Mar  2 10:00:00 2026\n" + EXIM + b"\n")


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "mails"
    folder.mkdir()
    for name, data in MAILS.items():
        (folder / name).write_bytes(data)
    (folder / "box.mbox").write_bytes(MBOX)
    return folder


def _cli(folder: Path, lang: str = "en", *options: str) -> tuple[list[dict[str, Any]], list[str]]:
    done = subprocess.run([sys.executable, "-m", "smtp_explain.cli", "bounce", "--json-lines",
                           "--lang", lang, *options, str(folder)],
                          capture_output=True, timeout=120, check=False)
    assert b"Traceback" not in done.stderr
    return ([json.loads(line) for line in done.stdout.splitlines()],
            done.stderr.decode().splitlines())


def _spark_rows(spark: SparkSession, folder: Path, **options: Any) -> list[dict[str, Any]]:
    mails = spark.read.format("binaryFile").load(str(folder))
    rows = [row.asDict() for row in bounce_rows(mails, **options).collect()]
    for row in rows:  # Spark names local files by URI; the CLI by the path it was given
        assert row["origin"].startswith("file:/")
        row["origin"] = row["origin"].removeprefix("file:")
    return rows


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def test_spark_rows_equal_cli_rows_and_problems(spark: SparkSession, tmp_path: Path) -> None:
    folder = _inputs(tmp_path)
    (folder / "blank.eml").write_bytes(b"\n  \n\n")
    expected, warnings = _cli(folder)
    assert len(expected) >= 12  # the inputs hold that many bounced recipients
    assert {r["origin"].rsplit("/", 1)[1] for r in expected} >= {"dsn.eml", "box.mbox", "exim.eml"}
    got = _spark_rows(spark, folder, problems=True)
    bounces = [{k: v for k, v in r.items() if k != PROBLEM_FIELD} for r in got
               if r[PROBLEM_FIELD] is None]
    assert sorted(bounces, key=_key) == sorted(expected, key=_key)
    assert [r["mail_index"] for r in bounces if r["origin"].endswith("box.mbox")].count(3) >= 1
    # A mail that cannot be read gives a row saying what the CLI says on stderr, and the
    # job goes on. Spark's file sources never list zero-byte files: only the CLI warns.
    zero_byte = f"smtp-explain: {folder / 'broken-empty.eml'}: empty file"
    assert zero_byte in warnings
    warnings.remove(zero_byte)
    # besides "no bounce found" notes for the mails that are no bounce (said, not lost)
    lost = [w for w in warnings if not w.endswith(": no bounce found")]
    assert len(lost) == 1 and "blank.eml" in lost[0]
    problems = [r for r in got if r[PROBLEM_FIELD] is not None]
    said = [f"smtp-explain: {r['origin']}{'#' + str(r['mail_index']) if r['mail_index'] else ''}: "
            f"{r[PROBLEM_FIELD]}" for r in problems]
    assert sorted(said) == sorted(warnings)
    assert all(r["recipient"] is None for r in problems)


def test_user_rules_reach_the_executors(spark: SparkSession, tmp_path: Path) -> None:
    rules = tmp_path / "ours.toml"
    rules.write_text('[[rules]]\nid = "ours-full"\npattern = \'mailbox full\'\nreason = "suspend"\n')
    folder = tmp_path / "ruled"
    folder.mkdir()
    (folder / "dsn.eml").write_bytes(DSN)
    expected, _ = _cli(folder, "en", "--rules", str(rules))
    assert "suspend" in {r["reason"] for r in expected}
    got = _spark_rows(spark, folder, rules=[str(rules)])
    assert sorted(got, key=_key) == sorted(expected, key=_key)


def test_rows_without_problems_option_have_bounce_fields_only(spark: SparkSession,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "few"
    folder.mkdir()
    (folder / "dsn.eml").write_bytes(DSN)
    (folder / "blank.eml").write_bytes(b"\n\n")
    rows = bounce_rows(spark.read.format("binaryFile").load(str(folder))).collect()
    assert sorted(r.recipient for r in rows) == ["bob@example.com", "carol@example.com"]
    assert rows[0].__fields__ == BOUNCE_SCHEMA.fieldNames()


def test_turkish_summaries_match_cli(spark: SparkSession, tmp_path: Path) -> None:
    folder = tmp_path / "tr"
    folder.mkdir()
    (folder / "dsn.eml").write_bytes(DSN)
    expected, _ = _cli(folder, "tr")
    got = _spark_rows(spark, folder, lang="tr")
    assert sorted(got, key=_key) == sorted(expected, key=_key)
    assert {r["lang"] for r in got} == {"tr"}


def test_published_schemas_follow_bounce_result() -> None:
    names = list(BounceResult.__dataclass_fields__)
    assert BOUNCE_ARROW_SCHEMA.names == names == BOUNCE_SCHEMA.fieldNames()
    assert BOUNCE_ARROW_SCHEMA.field("hard_bounce").type == pa.bool_()
    assert BOUNCE_ARROW_SCHEMA.field("mail_index").type == pa.int64()
    assert BOUNCE_SCHEMA["recipient"].dataType.simpleString() == "string"
