"""Fixtures for the fault matrix: the real pulumi CLI against moto, as in tests/e2e.

- ``own_moto`` (session): a second emulator, for the subjects whose cases each need an empty
  account (``Subject.own_account``); the matrix resets it before each of their cases, which
  the session's ``moto``, holding the ``network`` of the others, could not afford.
- ``own_proxy`` (function): a FaultProxy in front of it, playing AWS's lags exactly when the
  ``proxy`` fixture does (its model is the one ``proxy`` was given: $HEALTHCARE_AWS_LAGS).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "e2e"))

from harness.faultproxy import FaultProxy  # noqa: E402
from harness.moto_process import MotoServer  # noqa: E402
from pulumi_cli import TOOLS  # noqa: E402
from subjects import network  # noqa: E402,F401  (a fixture)

import pytest  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def pulumi_cli():
    if not (TOOLS / "pulumi").exists():
        pytest.fail("the pulumi CLI is not in .tools/bin: run `make tools` (make test does)")


@pytest.fixture(scope="session")
def own_moto():
    with MotoServer() as server:
        yield server


@pytest.fixture
def own_proxy(request, own_moto):
    # The lag model as tests/conftest.py's `proxy` fixture chooses it; that proxy, in front of
    # the shared emulator, is started for its model only and carries no call.
    model = request.getfixturevalue("proxy").consistency
    with FaultProxy(own_moto.url, consistency=model) as fault_proxy:
        yield fault_proxy
