"""Load: ten of each resource (small sizes) in one program, up with `--parallel 16`, a preview
with no changes, then destroy: every object made once, nothing left, and the plugin's peak
memory and the wall times printed."""

import subprocess
import threading
import time

from harness.inventory import added, counts, inventory
from pulumi_cli import Stack
from subjects import SUBJECTS, _lay

EACH = 10


def program(network, each=EACH):
    resources = {}
    for name in ("kinesis", "vpc", "redis", "postgres", "fargate"):
        s = SUBJECTS[name]
        for i in range(each):
            props = _lay(s.properties, network)
            if name == "vpc":
                props["cidrBlock"] = f"10.{100 + i}.0.0/16"
            resources[f"{name}{i}"] = {"type": s.token, "properties": props}
    return {"resources": resources}


def plugin_peaks(stack, stop, peaks):
    """Polls the peak resident memory (VmHWM) of the plugins started for `stack`."""
    while not stop.is_set():
        for pid in subprocess.run(["pgrep", "-f", "pulumi-resource-healthcare"],
                                  capture_output=True, text=True).stdout.split():
            try:
                env = open(f"/proc/{pid}/environ", "rb").read()
                status = open(f"/proc/{pid}/status").read()
            except OSError:
                continue
            if str(stack.home).encode() not in env:
                continue
            hwm = next((int(line.split()[1]) for line in status.splitlines()
                        if line.startswith("VmHWM:")), 0)
            peaks[pid] = max(peaks.get(pid, 0), hwm)
        stop.wait(0.2)


def test_ten_of_each_resource_at_once_are_each_made_once_and_all_removed(tmp_path, moto, proxy, network):
    before = inventory(moto)
    single = Stack(tmp_path / "one", program(network, each=1), proxy.url, stack="one")
    single.up()
    one = counts(added(before, inventory(moto)))
    single.destroy()
    stack = Stack(tmp_path / "load", program(network), proxy.url, stack="load")
    stack.run("config", "set", "healthcare:maxRetries", "3")
    peaks, stop = {}, threading.Event()
    watcher = threading.Thread(target=plugin_peaks, args=(stack, stop, peaks), daemon=True)
    watcher.start()
    try:
        started = time.monotonic()
        stack.up("--parallel", "16")
        up = time.monotonic() - started
        made = counts(added(before, inventory(moto)))
        started = time.monotonic()
        stack.preview("--expect-no-changes")
        preview = time.monotonic() - started
        started = time.monotonic()
        stack.destroy()
        down = time.monotonic() - started
    finally:
        stop.set()
        watcher.join(5)
    print(f"\n{5 * EACH} resources: up {up:.1f} s, no-change preview {preview:.1f} s, "
          f"destroy {down:.1f} s; plugin peak RSS {max(peaks.values(), default=0) / 1024:.1f} MiB "
          f"({len(peaks)} plugin processes)")
    assert made == counts({kind: [None] * (n * EACH) for kind, n in one.items()}), (
        f"{EACH} of each made {dict(made)}; one of each made {dict(one)}")
    assert added(before, inventory(moto)) == {}, "destroy left objects behind"
    assert peaks, "no plugin process was seen"
