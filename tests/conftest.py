from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parent.parent
# The real bounce corpus, vendored with its licence (BSD-2-Clause, Sisimai project).
CORPUS = ROOT / "tests" / "data" / "bounces"
BSD = CORPUS / "maildir" / "bsd"
SCORER = CORPUS / "score_bounces.py"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"vendored bounce corpus missing at {CORPUS}: the checkout is incomplete")
    return CORPUS


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local Spark (2 worker threads, loopback only, no UI) for the whole test session."""
    import os
    import shutil
    import sys

    if shutil.which("java") is None:
        pytest.fail("Spark tests need Java 17+: run `make test` (installs default-jre-headless)")
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers use this venv
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("smtp-explain-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        # Short test jobs: the quick JIT tier and a simple GC start the JVM sooner.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
