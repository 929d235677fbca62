"""Fixtures for the black-box suites: moto, the fault proxy, a fake engine, the plugin.

- ``moto`` (session): moto_launcher.py as a subprocess; ``.port``, ``.url``, ``.reset()``,
  ``.client(service, retries=None, timeout=None)``.
- ``proxy`` (function): a FaultProxy in front of moto; ``.url``, ``.add_rule()``, ``.log()``...
  It passes moto's answers as they are, unless ``HEALTHCARE_AWS_LAGS=aws`` (default ``off``):
  then it also plays AWS's eventual consistency (``harness/consistency.py``: new objects,
  roles and keys unknown for seconds, databases modifying, deletes draining), its lags drawn
  from the seed ``HEALTHCARE_AWS_LAGS_SEED`` (an integer, default 0).
- ``lagged_proxy`` (function): a FaultProxy that always plays AWS's eventual consistency
  (profile ``aws``, seed ``HEALTHCARE_AWS_LAGS_SEED`` or 0); ``.consistency`` is the model,
  whose ``counts()`` tells how many lagged answers it gave.
- ``engine`` (function): a FakeEngine; ``.address``, ``.logs``, ``.ephemeral()``.
- ``plugin`` (function): factory ``plugin(env=None, args=(), engine_address=None,
  command=None)`` starting the provider; every plugin started is stopped at teardown.
"""

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(TESTS))

from harness.consistency import Consistency  # noqa: E402
from harness.fake_engine import FakeEngine  # noqa: E402
from harness.faultproxy import FaultProxy  # noqa: E402
from harness.moto_process import MotoServer  # noqa: E402
from harness.plugin_process import Plugin  # noqa: E402

# Dummy credentials for this process and every child (the plugin, moto); never real ones,
# no shared config files, no instance metadata lookups.
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1",
                  AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                  AWS_EC2_METADATA_DISABLED="true")
for _name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)


def provider_bin():
    """$HEALTHCARE_PROVIDER_BIN, else <repo>/bin/pulumi-resource-healthcare."""
    return os.environ.get("HEALTHCARE_PROVIDER_BIN",
                          str(REPO / "bin" / "pulumi-resource-healthcare"))


@pytest.fixture(scope="session")
def moto():
    server = MotoServer()
    try:
        yield server
    finally:
        server.stop()


LAG_MODES = ("off", "aws")


def aws_lags():
    """A Consistency model with the AWS-like profile, seeded by $HEALTHCARE_AWS_LAGS_SEED, its
    lags multiplied by $HEALTHCARE_AWS_LAGS_SCALE (default 1: longer lags for a soak run)."""
    seed = os.environ.get("HEALTHCARE_AWS_LAGS_SEED", "0")
    scale = os.environ.get("HEALTHCARE_AWS_LAGS_SCALE", "1")
    try:
        seed = int(seed)
    except ValueError:
        pytest.fail(f"HEALTHCARE_AWS_LAGS_SEED must be an integer, not {seed!r}")
    try:
        scale = float(scale)
    except ValueError:
        pytest.fail(f"HEALTHCARE_AWS_LAGS_SCALE must be a number, not {scale!r}")
    if not scale > 0:
        pytest.fail(f"HEALTHCARE_AWS_LAGS_SCALE must be above 0, not {scale}")
    return Consistency(seed=seed, profile="aws", scale=scale)


def lag_mode():
    """$HEALTHCARE_AWS_LAGS: ``off`` (default) or ``aws``."""
    mode = os.environ.get("HEALTHCARE_AWS_LAGS", "off") or "off"
    if mode not in LAG_MODES:
        pytest.fail(f"HEALTHCARE_AWS_LAGS must be one of {LAG_MODES}, not {mode!r}")
    return mode


@pytest.fixture
def proxy(moto):
    model = aws_lags() if lag_mode() == "aws" else None
    fault_proxy = FaultProxy(moto.url, consistency=model).start()
    try:
        yield fault_proxy
    finally:
        fault_proxy.stop()


@pytest.fixture
def lagged_proxy(moto):
    fault_proxy = FaultProxy(moto.url, consistency=aws_lags()).start()
    try:
        yield fault_proxy
    finally:
        fault_proxy.stop()


@pytest.fixture
def engine():
    fake = FakeEngine()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def plugin(engine):
    """Factory: ``plugin(env=None, args=(), engine_address=None, command=None, attach=False)``.

    ``attach=True`` starts it with no engine address (attach mode).

    command defaults to [$HEALTHCARE_PROVIDER_BIN or bin/pulumi-resource-healthcare];
    the engine address (default: the ``engine`` fixture's) is passed as the last argument.
    """
    started = []

    def start(env=None, args=(), engine_address=None, command=None, start_timeout=10.0, attach=False):
        if command is None:
            binary = provider_bin()
            if not os.access(binary, os.X_OK):
                pytest.fail(f"provider binary not found or not executable: {binary} "
                            "(build it, or set HEALTHCARE_PROVIDER_BIN)")
            command = [binary]
        # Plugin stops its own process when it fails to start.
        address = None if attach else (engine_address or engine.address)
        started.append(Plugin(command, address, env=env, args=args,
                              start_timeout=start_timeout))
        return started[-1]

    yield start
    for p in started:
        p.stop()
