"""The fault matrix: one resource's create, update or delete, faulted at each of its AWS writes.

A census first runs the operation cleanly and counts its writes (``faultproxy.is_write``) and
what it made. Then, for each chosen index N:

- kill: the N-th write reaches AWS but its answer is held, and the plugin is SIGKILLed, as
  when a laptop sleeps or CI kills the runner. The user then recovers as the engine's state
  calls for: a pending create whose object exists in AWS is imported
  (``pulumi refresh --import-pending-creates URN ID``, the id found as a user finds it), any
  other pending operation is cleared by ``pulumi refresh --clear-pending-creates``; then the
  operation is run again.
- crash: the same, but the CLI is killed with the plugin (the runner died), so the engine's
  state keeps the operation as pending and the recovery above is what it calls for (by
  turns the import, and the clearing of the pending create, which leaves the next create to
  find what was made).
- fail: the N-th write is refused (AccessDenied, which is not retried); the operation fails,
  the engine keeps what it was told, and the next run completes.

Every case ends with the same checks: the operation done once more completes, AWS holds
exactly as many objects of each kind as the census made (no duplicate, no orphan), and
destroy leaves the inventory as it was before the case.

A subject whose parts are the account's one-per-region settings (``own_account``) has an
emulator of its own, reset before the census's create and update and before each case, so
that every one starts from an empty account; its ``census`` adds the kinds it makes to the
inventory.
"""

import dataclasses
import json
import os
import signal
import subprocess
import time

from harness.inventory import added, counts, inventory
from pulumi_cli import Stack
from test_vpc_e2e import _kill_plugins as kill_plugins

HOLD_TIMEOUT = 120


@dataclasses.dataclass
class Outcome:
    """What one case found; `problems` is empty when nothing was lost, leaked or doubled."""

    subject: str
    fault: str
    index: int
    seconds: float = 0.0
    operation: str = None
    # The AWS write faulted, as the proxy saw it (service:operation; a REST call's method and
    # path with its query).
    write: str = None
    recovery: str = None
    leaked: int = 0
    problems: list = dataclasses.field(default_factory=list)


def choose(total, full, turn=0):
    """The indices a run tries: every one in the full matrix, else one write per row, the
    first, the middle or the last by the row's turn, so that the rows together try all
    three kinds of position and every run tries the same ones."""
    if full:
        return list(range(1, total + 1))
    return [[1, (total + 1) // 2, total][turn % 3]]


class Matrix:
    """Runs cases of one subject in fresh stacks under `workdir`, through `proxy` to `moto`."""

    def __init__(self, subject, moto, proxy, workdir, network=None):
        self.subject, self.moto, self.proxy = subject, moto, proxy
        self.workdir, self.network = workdir, network
        self.made = None
        self._stacks = 0

    def stack(self, grown=False):
        """A new stack of its own name, so that no two cases share a URN (and none can take
        over what another left)."""
        self._stacks += 1
        name = f"{self.subject.name}-{os.getpid()}-{self._stacks}"
        return Stack(self.workdir / name, self.subject.program(self.network, grown),
                     self.proxy.url, stack=name)

    def program(self, grown):
        return self.subject.program(self.network, grown)

    def inventory(self):
        """kind -> ids of every live object the checks count: the shared inventory, with the
        subject's own census laid over it."""
        found = inventory(self.moto)
        if self.subject.census:
            found.update(self.subject.census(self.moto))
        return found

    def fresh(self):
        """An empty account for a subject that needs one (its emulator is its own)."""
        if self.subject.own_account:
            self.moto.reset()

    # The census: how many writes each operation makes, and what a clean create makes.
    def census(self):
        self.fresh()
        before = self.inventory()
        stack = self.stack()
        writes = {}
        self.proxy.clear()
        stack.up()
        writes["create"] = self._writes()
        self.made = counts(added(before, self.inventory()))
        self.compliant = stack.outputs()["compliant"]
        self.proxy.clear()
        stack.destroy()
        writes["delete"] = self._writes()
        self._clean(before, "a clean destroy")
        if self.subject.grow:
            self.fresh()
            before = self.inventory()
            stack = self.stack()
            stack.up()
            stack.write(self.program(grown=True))
            self.proxy.clear()
            stack.up()
            writes["update"] = self._writes()
            self.grown = counts(added(before, self.inventory()))
            stack.destroy()
            self._clean(before, "a destroy after the update")
        return writes

    def _clean(self, before, what):
        left = added(before, self.inventory())
        assert not left, f"{what} of {self.subject.name} left {left}"

    def _faulted(self):
        """The write the case's rule fired on."""
        hit = [e for e in self.proxy.log() if e["fault"] in ("hang", "error")]
        if not hit:
            return None
        e = hit[0]
        rest = e["protocol"] in ("rest", "rest-xml", "rest-xml-wrapped")
        return f"{e['service']}:{e['method'] + ' ' + e['path'] if rest else e['operation']}"

    def _writes(self):
        from harness.faultproxy import is_write
        return sum(1 for e in self.proxy.log() if is_write(e["operation"]))

    # One case.
    def run(self, fault, operation, index):
        out = Outcome(self.subject.name, fault, index, operation=operation)
        started = time.monotonic()
        self.fresh()
        before = self.inventory()
        stack = self.stack()
        try:
            if operation in ("update", "delete"):
                stack.up()
            if operation == "update":
                stack.write(self.program(grown=True))
            command = ["destroy"] if operation == "delete" else ["up", "--skip-preview"]
            self.proxy.clear()
            try:
                if fault in ("kill", "crash"):
                    self._killed(stack, command, index, out, crash=fault == "crash")
                else:
                    self._failed(stack, command, index, out)
            finally:
                out.write = self._faulted()
            self.proxy.clear_rules()
            self._finish(stack, operation, before, out)
        except AssertionError as err:
            out.problems.append(str(err)[-1500:])
        finally:
            self.proxy.clear_rules()
            leftover = added(before, self.inventory())
            if leftover:
                stack.run("destroy", "--yes", "--continue-on-error", check=False)
                leftover = added(before, self.inventory())
            out.leaked = sum(len(ids) for ids in leftover.values())
            if leftover:
                out.problems.append(f"left in AWS after destroy: {json.dumps(leftover)}")
        out.seconds = round(time.monotonic() - started, 1)
        return out

    def _killed(self, stack, command, index, out, crash=False):
        rule = self.proxy.add_rule("hang", writes=True, nth=index, after=True)
        proc = subprocess.Popen(["pulumi", *command, "--yes", "--non-interactive"], cwd=stack.dir,
                                env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
        deadline = time.monotonic() + HOLD_TIMEOUT
        while rule.fired == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if rule.fired == 0:
            proc.kill()
            raise AssertionError(f"write {index} was never reached (exit {proc.poll()}):\n"
                                 f"{proc.communicate()[0][-2000:]}")
        if crash:
            os.killpg(proc.pid, signal.SIGKILL)
        assert kill_plugins(stack) or crash, "no plugin process found to kill"
        proc.wait(timeout=120)
        self.proxy.clear_rules()
        out.recovery = self._recover(stack, imports=index % 2 == 1)

    def _failed(self, stack, command, index, out):
        self.proxy.add_rule("error", writes=True, nth=index, error="access_denied")
        result = stack.run(*command, "--yes", check=False)
        assert result.returncode != 0, f"the run succeeded although write {index} was refused"
        text = result.stdout + result.stderr
        assert "fault injected by faultproxy" in text or "AccessDenied" in text or \
            "UnauthorizedOperation" in text, f"the refusal does not reach the user:\n{text[-2000:]}"
        out.recovery = "run again"

    def _recover(self, stack, imports=True):
        """What the state calls for after the plugin died mid-operation. A pending create
        whose object exists is imported (`imports`: what an interactive refresh offers) or
        cleared (what a script does; the next create then finds what was made), by turns."""
        # A CLI killed mid-run leaves its lock; the lock error tells the user to cancel.
        stack.run("cancel", "--yes", check=False)
        pending = stack.export()["deployment"].get("pending_operations") or []
        creates = [p for p in pending if p["type"] == "creating"]
        if not pending:
            return "none needed"
        if not creates:
            stack.run("refresh", "--yes", "--clear-pending-creates")
            return "refresh"
        [op] = creates
        found = self.subject.existing_id(self.moto, op["resource"]["urn"], op["resource"].get("inputs", {}))
        if found is None or not imports:
            stack.run("refresh", "--yes", "--clear-pending-creates")
            return "refresh --clear-pending-creates"
        stack.run("refresh", "--yes", "--import-pending-creates", op["resource"]["urn"],
                  "--import-pending-creates", found)
        return "refresh --import-pending-creates"

    def _finish(self, stack, operation, before, out):
        if operation == "delete":
            stack.destroy()
            return
        stack.up()
        made = counts(added(before, self.inventory()))
        expected = self.grown if operation == "update" else self.made
        if made != expected:
            raise AssertionError(f"AWS holds {dict(made)} after the run, a clean {operation} made "
                                 f"{dict(expected)}")
        compliant = stack.outputs()["compliant"]
        assert compliant == self.compliant, (
            f"compliant is {compliant} after recovery, {self.compliant} after a clean create")
        stack.destroy()
        left = added(before, self.inventory())
        assert not left, f"destroy left {left}"


def table(outcomes):
    """Rows of subject x fault x operation: cases, failed, objects leaked, the recoveries the
    engine's state called for, seconds."""
    rows = {}
    for o in outcomes:
        row = rows.setdefault((o.subject, o.fault, o.operation), [0, 0, 0, set(), 0.0])
        row[0] += 1
        row[1] += bool(o.problems)
        row[2] += o.leaked
        row[3].add(o.recovery or "-")
        row[4] += o.seconds
    lines = ["| resource | fault | operation | cases | failed | objects leaked | recovery | seconds |",
             "|---|---|---|---|---|---|---|---|"]
    for (subject, fault, operation), (n, bad, leaked, how, secs) in sorted(rows.items()):
        lines.append(f"| {subject} | {fault} | {operation} | {n} | {bad} | {leaked} | "
                     f"{', '.join(sorted(how))} | {secs:.0f} |")
    return "\n".join(lines)
