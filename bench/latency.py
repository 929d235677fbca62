#!/usr/bin/env python3
"""Create wall time of each resource with latency added to every AWS call (BENCH_LATENCY
seconds, default 0.05).

Real AWS answers in tens of milliseconds, not moto's one; what a user waits for is the
number of calls that cannot overlap. Each resource of the demo platform is created alone in
its own stack (the VPC that Redis and PostgreSQL need comes from a base stack made first,
without latency), through the real CLI, with the fault proxy between the plugin and moto
delaying every call. From the proxy's log of that `pulumi up`:

- calls: the AWS calls the create made;
- chain: the critical path, the calls that did not overlap and whose durations (the added
  latency plus the emulator's own time) add up the most; with every independent part made
  concurrently, these are the calls that depend on each other;
- chain time: those durations added up, the least the create could take;
- wall: from the first call's start to the last call's end;
- wall / chain time: 1.0 means the create spent no time beyond its chain of calls (no
  sleeping in waits, no work between calls).

BENCH_VERBOSE=1 prints each chain's calls.

Then the whole demo platform is brought up once with the same latency and its wall time
printed. Figures, not pass/fail. Run with `make bench`.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                  AWS_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
                  AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")

import yaml  # noqa: E402
from e2e.pulumi_cli import Stack  # noqa: E402
from harness.faultproxy import FaultProxy  # noqa: E402
from harness.moto_process import MotoServer  # noqa: E402

LATENCY = float(os.environ.get("BENCH_LATENCY", "0.05"))
CIDR = "10.40.0.0/16"
VPC = {"cidrBlock": CIDR, "availabilityZoneCount": 2, "natGateways": "perAz",
       "endpoints": {"gateway": ["s3"], "interface": ["kinesis-streams", "kms", "logs", "secretsmanager"]}}


def resources(vpc_id, subnets):
    placed = {"vpcId": vpc_id, "subnetIds": subnets, "allowedCidrBlocks": [CIDR]}
    return {
        "SecureVpc": ("healthcare:network:SecureVpc", VPC),
        "KinesisPipeline": ("healthcare:streaming:KinesisPipeline", {"shardCount": 2, "retentionHours": 168}),
        "EncryptedRedis": ("healthcare:cache:EncryptedRedis", placed),
        "HipaaPostgres": ("healthcare:database:HipaaPostgres",
                          {**placed, "databaseName": "clinical", "deletionProtection": False,
                           "skipFinalSnapshot": True}),
    }


def critical_path(calls):
    """The chain of calls that decided the wall time: of every sequence of calls each
    starting after the one before it ended, the one whose durations add up the most."""
    calls = sorted(calls, key=lambda c: c["time"])
    best, prev = [], []
    for i, c in enumerate(calls):
        before = [j for j in range(i) if calls[j]["ended"] <= c["time"]]
        j = max(before, key=lambda k: best[k], default=None)
        best.append(c["ended"] - c["time"] + (best[j] if j is not None else 0))
        prev.append(j)
    path, i = [], max(range(len(calls)), key=lambda k: best[k], default=None)
    while i is not None:
        path.append(calls[i])
        i = prev[i]
    return path[::-1]


def measure(stack, proxy):
    proxy.clear_log()
    rule = proxy.add_rule("delay", seconds=LATENCY)
    started = time.monotonic()
    stack.up()
    total = time.monotonic() - started
    proxy.remove_rule(rule)
    calls = [c for c in proxy.log() if c.get("ended")]
    wall = max(c["ended"] for c in calls) - min(c["time"] for c in calls)
    path = critical_path(calls)
    if os.environ.get("BENCH_VERBOSE"):
        print("   chain: " + " ".join(f"{c['service']}:{c['operation']}" for c in path))
    return len(calls), path, wall, total


def row(name, calls, path, wall, total):
    spent = sum(c["ended"] - c["time"] for c in path)
    print(f"| {name} | {calls} | {len(path)} | {spent:.2f} s | {wall:.2f} s | {wall / spent:.2f} | {total:.2f} s |")


def main():
    with MotoServer() as moto, FaultProxy(moto.url) as proxy, \
            tempfile.TemporaryDirectory(prefix="healthcare-latency-bench-") as tmp:
        base = Stack(Path(tmp) / "base", {
            "resources": {"network": {"type": "healthcare:network:SecureVpc",
                                      "properties": {"cidrBlock": "10.50.0.0/16",
                                                     "availabilityZoneCount": 2,
                                                     "natGateways": "none"}}},
            "outputs": {"vpcId": "${network.vpcId}", "isolated": "${network.isolatedSubnetIds}"}},
            proxy.url, stack="base")
        base.up()
        out = base.outputs()
        stacks = []
        print(f"latency added to every AWS call: {LATENCY * 1000:.0f} ms\n")
        print("| resource | AWS calls | chain | chain time | create wall | wall / chain time | pulumi up |")
        print("|---|---|---|---|---|---|---|")
        try:
            for name, (token, props) in resources(out["vpcId"], out["isolated"]).items():
                props = {**props, "cidrBlock": "10.60.0.0/16"} if name == "SecureVpc" else props
                stack = Stack(Path(tmp) / name, {"resources": {"it": {"type": token, "properties": props}}},
                              proxy.url, stack="bench")
                stacks.append(stack)
                row(name, *measure(stack, proxy))
            platform = yaml.safe_load((REPO / "examples" / "platform" / "Pulumi.yaml").read_text())
            platform.pop("plugins", None)
            platform.pop("name", None)
            demo = Stack(Path(tmp) / "platform", platform, proxy.url, stack="bench")
            demo.run("config", "set", "databaseDeletionProtection", "false")
            stacks.append(demo)
            print()
            row("the demo platform, one `pulumi up`", *measure(demo, proxy))
        finally:
            for stack in [*stacks, base]:
                stack.run("destroy", "--yes", "--continue-on-error", check=False)


if __name__ == "__main__":
    main()
