#!/usr/bin/env python3
"""`pulumi preview` of generated programs with 1, 10, 40 and 100 resources, through the real
CLI and the YAML host, so that the cost of each resource is visible.

Each program declares N KinesisPipelines (the provider's smallest resource); a preview never
calls AWS, so the emulator is not involved. Every size is previewed RUNS times (first one
discarded as a warm-up); the median is printed with a least-squares line through the
medians: its slope is the cost per resource, its intercept the fixed cost of a preview
(engine start, plugin start, Configure). Figures, not pass/fail. Run with `make bench`.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from e2e.pulumi_cli import Stack  # noqa: E402

SIZES = (1, 10, 40, 100)
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
# Never reached: a preview makes no AWS call.
UNUSED_ENDPOINT = "http://127.0.0.1:9"


def program(n):
    return {"resources": {
        f"events{i}": {"type": "healthcare:streaming:KinesisPipeline",
                       "properties": {"shardCount": 1 + i % 4, "retentionHours": 24,
                                      "tags": {"workload": f"w{i}"}}}
        for i in range(n)}}


def fit(xs, ys):
    """Least-squares slope and intercept."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


def main():
    medians = []
    print("| resources | preview median | runs |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="healthcare-preview-bench-") as tmp:
        for n in SIZES:
            stack = Stack(Path(tmp) / f"p{n}", program(n), UNUSED_ENDPOINT, stack="bench")
            times = []
            for run in range(RUNS + 1):
                start = time.monotonic()
                stack.run("preview")
                if run:
                    times.append(time.monotonic() - start)
            medians.append(statistics.median(times))
            print(f"| {n} | {medians[-1] * 1000:.0f} ms | {RUNS} |")
    slope, intercept = fit(SIZES, medians)
    print(f"\ncost per resource: {slope * 1000:.1f} ms; fixed cost of a preview: {intercept * 1000:.0f} ms")


if __name__ == "__main__":
    main()
