"""Bad weather: all five resources in one program, up and down with 50-200 ms on every AWS
call, 30% of calls throttled, 5% answered 500 and 2% of connections dropped, against the
same program on a clear day. It completes, makes exactly what the clear run made, and
destroy leaves nothing; the figures say what the weather cost."""

import time

from harness.inventory import added, counts, inventory
from pulumi_cli import Stack
from subjects import SUBJECTS, _lay

# With retries: 30% + 5% + 2% of attempts fail, so eleven attempts leave a call failing
# about once in 50 million.
RETRIES = 10


def program(network):
    resources = {}
    for name in ("kinesis", "vpc", "redis", "postgres", "fargate"):
        s = SUBJECTS[name]
        resources[name] = {"type": s.token, "properties": _lay(s.properties, network)}
    return {"resources": resources,
            "outputs": {name: f"${{{name}.compliance.compliant}}" for name in resources}}


def weather(proxy):
    proxy.add_rule("error", error="throttle", probability=0.30, seed=1)
    proxy.add_rule("error", error="internal", probability=0.05, seed=2)
    proxy.add_rule("drop", probability=0.02, seed=3)
    proxy.add_rule("delay", seconds=0.05, jitter=0.15, seed=4)


def run(stack, moto, before):
    started = time.monotonic()
    stack.up()
    up = time.monotonic() - started
    made = counts(added(before, inventory(moto)))
    outputs = stack.outputs()
    started = time.monotonic()
    stack.destroy()
    down = time.monotonic() - started
    assert added(before, inventory(moto)) == {}, "destroy left objects behind"
    return up, down, made, outputs


def test_the_platform_comes_up_and_down_in_bad_weather_with_nothing_doubled(tmp_path, moto, proxy, network):
    before = inventory(moto)
    clear = Stack(tmp_path / "clear", program(network), proxy.url, stack="clear")
    clear.run("config", "set", "healthcare:maxRetries", str(RETRIES))
    proxy.clear()
    clear_up, clear_down, clear_made, clear_outputs = run(clear, moto, before)
    clear_calls = len(proxy.log())

    stormy = Stack(tmp_path / "stormy", program(network), proxy.url, stack="stormy")
    stormy.run("config", "set", "healthcare:maxRetries", str(RETRIES))
    proxy.clear()
    weather(proxy)
    up, down, made, outputs = run(stormy, moto, before)
    log = proxy.log()
    faults = {kind: sum(1 for e in log if e["fault"] == kind) for kind in ("error", "drop", "delay")}
    proxy.clear()

    print(f"\nclear: up {clear_up:.1f} s, down {clear_down:.1f} s, {clear_calls} AWS calls"
          f"\nweather: up {up:.1f} s, down {down:.1f} s, {len(log)} AWS calls "
          f"({faults['error']} refused, {faults['drop']} dropped, {faults['delay']} delayed)")
    assert faults["error"] > 0 and faults["drop"] > 0, faults
    assert made == clear_made, f"in bad weather AWS held {dict(made)}; on a clear day {dict(clear_made)}"
    assert outputs == clear_outputs
