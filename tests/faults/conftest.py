"""Fixtures for the fault matrix: the real pulumi CLI against moto, as in tests/e2e."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "e2e"))

from pulumi_cli import TOOLS  # noqa: E402
from subjects import network  # noqa: E402,F401  (a fixture)

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli():
    if not (TOOLS / "pulumi").exists():
        pytest.fail("the pulumi CLI is not in .tools/bin: run `make tools` (make test does)")
