"""Figures a machine cannot make noisy, held to budgets: the size of the plugin as shipped and
of the schema every preview loads. Timing figures are benchmarks (BENCHMARKS.md), not tests."""

import json
import os
import subprocess

from test_protocol import provider_bin

MIB = 1024 * 1024
# The release binary, stripped (README and BENCHMARKS.md give today's figure). Raised from 52
# to 54 MiB for the Lambda client, which EncryptedRedis's scheduled token rotation needs. Raised
# to 55 MiB because the size moves between builds by more than the 14 KiB 54 MiB left: a build
# of a tree with more code came out 185 KB smaller (56,423,792 bytes) than the one before it
# (56,608,496), so 54 MiB would fail or pass by chance. Lowered to 52 MiB once the provider's
# own crate was built at opt-level "s": 52,421,208 bytes (50.0 MiB) against 56,789,144.
BINARY_BUDGET = 52 * MIB
# The schema as the engine receives it (compact JSON). Raised from 84 to 86 KiB for
# EncryptedRedis's `authTokenRotationDays`, and to 88 KiB for AccountBaseline's `backup` (its
# input type and three outputs).
SCHEMA_BUDGET = 88 * 1024


def test_the_binary_as_shipped_stays_within_its_budget():
    size = os.path.getsize(provider_bin())
    assert size <= BINARY_BUDGET, (
        f"the plugin is {size / MIB:.1f} MiB, over its budget of {BINARY_BUDGET / MIB:.0f} MiB")


def test_the_schema_stays_within_its_budget():
    out = subprocess.run([provider_bin(), "schema"], capture_output=True, text=True, timeout=30,
                         check=True).stdout
    size = len(json.dumps(json.loads(out), separators=(",", ":")))
    assert size <= SCHEMA_BUDGET, (
        f"the schema is {size / 1024:.1f} KiB, over its budget of {SCHEMA_BUDGET / 1024:.0f} KiB")
