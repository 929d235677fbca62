#!/usr/bin/env python3
"""Start-up and memory figures of the release plugin binary.

Prints, over N launches: the time from exec to the port line, and the resident memory
(VmRSS) after Configure + GetSchema. Figures only: nothing here passes or fails.
Run with `make bench`.
"""

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from harness.fake_engine import FakeEngine  # noqa: E402
from harness.plugin_process import Plugin  # noqa: E402
from harness.props import to_struct  # noqa: E402
from pulumi.runtime.proto import provider_pb2  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    binary = str(REPO / "bin" / "pulumi-resource-healthcare")
    engine = FakeEngine()
    starts, rss = [], []
    try:
        for _ in range(RUNS):
            plugin = Plugin([binary], engine.address)
            starts.append(plugin.startup_seconds * 1000)
            plugin.stub.Configure(provider_pb2.ConfigureRequest(
                args=to_struct({"region": "us-east-1", "skipCredentialsValidation": True}),
                acceptSecrets=True, acceptResources=True))
            plugin.stub.GetSchema(provider_pb2.GetSchemaRequest())
            rss.append(rss_kib(plugin.process.pid) / 1024)
            plugin.stop()
    finally:
        engine.stop()
    size = Path(binary).stat().st_size / (1024 * 1024)
    print(f"binary: {size:.1f} MiB, {RUNS} launches")
    print(f"cold start (exec to port printed): median {statistics.median(starts):.1f} ms, "
          f"min {min(starts):.1f} ms, max {max(starts):.1f} ms")
    print(f"resident memory after Configure + GetSchema: median {statistics.median(rss):.1f} MiB, "
          f"max {max(rss):.1f} MiB")


if __name__ == "__main__":
    main()
