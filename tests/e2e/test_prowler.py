"""An auditor the project did not write agrees: Prowler on the demo platform and on a control.

The demo platform (examples/platform: the platform's five resources and the account baseline)
goes up through the real CLI in an emulator of its own; a careless stack (tests/audit/
careless.py) is made with boto3 in another. Prowler runs the checks of its HIPAA framework and
of the provider's services against each (tests/audit/prowler.py). On the platform, every
finding in the scanned region must pass, or be a row of the table in docs/compliance.md
("Audited by Prowler"), whether it is about an object the stack made (tests/audit/
ownership.py: the row names the resource that made it), about the region's default VPC, or
about the account itself; each check about the account that gives no finding here is a row
too. Every row must still match: a finding, or for a check that gave none, still none. On the
careless stack, each careless object must fail the checks named for it, and each of those
checks must pass on the platform.
"""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import yaml

from audit import careless
from audit.ownership import ACCOUNT, Owners, default_vpc, made_objects, objects
from audit.prowler import REGION, Scan, select_checks
from harness.moto_process import MotoServer
from pulumi_cli import REPO, Stack

COMPLIANCE = REPO / "docs" / "compliance.md"
SECTION = "## Audited by Prowler"
COLUMNS = ["check", "resource", "object", "status", "kind", "why"]
KINDS = {"open", "emulator", "not applicable", "review", "auditor"}
# A row whose check gives no finding at all (a check about the account that the emulator
# cannot answer, or that does not apply to this account); its object is "-".
SILENT = "none"


def demo_platform():
    """examples/platform (the demo), as the demo runs it."""
    program = yaml.safe_load((REPO / "examples" / "platform" / "Pulumi.yaml").read_text())
    return {k: program[k] for k in ("config", "resources", "outputs") if k in program}


def cells(row):
    return [cell.strip().strip("`") for cell in row.strip().strip("|").split("|")]


def known_findings():
    """The table of docs/compliance.md's "Audited by Prowler" section:
    (check, resource, object, status) -> kind; status is FAIL, MANUAL or, for a check about
    the account that gives no finding, none."""
    text = COMPLIANCE.read_text()
    assert SECTION in text, f"{COMPLIANCE} has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows and cells(rows[0]) == COLUMNS, f"the table's columns must be {COLUMNS}"
    table = {}
    for row in rows[2:]:
        check, resource, obj, status, kind, why = cells(row)
        assert status in ("FAIL", "MANUAL", SILENT) and kind in KINDS and why, \
            f"malformed row: {row}"
        assert status != SILENT or (resource, obj) == (ACCOUNT, "-"), \
            f"a row of a check with no finding is about the {ACCOUNT}, object -: {row}"
        assert (check, resource, obj, status) not in table, f"row given twice: {row}"
        table[(check, resource, obj, status)] = kind
    return table


def careless_run(workdir, aws):
    """Selects the checks, makes the careless stack and starts its scan (while the platform
    goes up)."""
    checks, checks_file = select_checks(workdir)
    made = careless.build(aws)
    return checks, checks_file, made, Scan(aws.url, checks_file, workdir, "careless")


def summary(findings):
    return dict(sorted(Counter(f.status for f in findings).items()))


def test_prowler_passes_the_demo_platform_and_fails_a_careless_stack(tmp_path):
    started = time.monotonic()
    known = known_findings()
    scans = []
    with MotoServer() as platform_aws, MotoServer() as careless_aws:
        pool = ThreadPoolExecutor(1)
        control = pool.submit(careless_run, tmp_path, careless_aws)
        try:
            before, default = objects(platform_aws), default_vpc(platform_aws)
            stack = Stack(tmp_path / "platform", demo_platform(), platform_aws.url)
            stack.up()
            up_seconds = round(time.monotonic() - started, 1)
            checks, checks_file, careless_ids, careless_scan = control.result()
            made, vpc_of, tagged = made_objects(platform_aws, before)
            scans.append(Scan(platform_aws.url, checks_file, tmp_path, "platform"))
            platform = scans[0].findings()
            careless_findings = careless_scan.findings()
            owners = Owners(stack.export(), made, vpc_of, tagged, default)
        finally:
            # No Prowler outlives the test, whatever failed.
            pool.shutdown(wait=True)
            if not control.exception():
                scans.append(control.result()[3])
            for scan in scans:
                scan.stop()

    # The control: each careless object fails the checks named for it.
    missed = [(obj, check) for obj, named in careless.FAILS.items() for check in named
              if not any(f.check == check and f.status == "FAIL" and careless_ids[obj] in f.text
                         for f in careless_findings)]
    assert not missed, f"careless objects that did not fail their checks: {missed}"

    # Prowler scanned one region: every finding is about it (the global services' included).
    elsewhere = sorted({(f.check, f.region) for f in platform if f.region != REGION})
    assert not elsewhere, f"findings about regions other than {REGION}: {elsewhere}"

    # Which of the platform's findings are about its own objects, and whose; the others are
    # about the region's default VPC or the account itself.
    assert not owners.disputed, f"objects claimed by more than one resource: {owners.disputed}"
    ours, outside, unowned = [], [], []
    for finding in platform:
        owner, ident = owners.of(finding)
        if owner:
            ours.append((owner, finding))
        elif ident:
            unowned.append((finding.check, ident))
        else:
            outside.append((owners.outside(finding), finding))
    assert not unowned, f"findings about objects the stack made that no resource owns: {unowned}"

    # Prowler saw every resource of the platform, and each check the careless stack failed
    # passes on the platform's own objects.
    seen = {owner for owner, f in ours if f.status == "PASS"}
    assert seen == set(owners.names.values()), f"resources with no passing finding: " \
        f"{set(owners.names.values()) - seen}"
    not_passed = sorted({c for named in careless.FAILS.values() for c in named} -
                        {f.check for _, f in ours if f.status == "PASS"})
    assert not not_passed, f"control checks that pass on no object of the platform: {not_passed}"

    # Every finding in the region, on the platform's objects, the default VPC or the account,
    # passes or is a row of the table; every check that gave no finding and is a row gave
    # none; every row of the table is still so.
    judged = ours + outside
    found = {(f.check, who, f.resource_type, f.status) for who, f in judged if f.status != "PASS"}
    silent = {(check, ACCOUNT, "-", SILENT) for check in set(checks) - {f.check for f in platform}}
    unknown = sorted(found - set(known))
    details = {key: sorted({f.detail for who, f in judged
                            if (f.check, who, f.resource_type, f.status) == key})[:3]
               for key in unknown}
    assert not unknown, (f"findings on the platform that do not pass and are not in "
                         f"{COMPLIANCE.name} ({SECTION}):" + "".join(
                             f"\n  {' | '.join(key)}: {'; '.join(details[key])}"
                             for key in unknown))
    stale = sorted(set(known) - found - silent)
    assert not stale, f"rows of {COMPLIANCE.name} ({SECTION}) that no finding matches any more " \
        f"(the check passes now, or gives a finding where it gave none: change or remove the " \
        f"row): {stale}"

    print(f"\nprowler: {len(checks)} checks ({len(silent)} with no finding); platform up in "
          f"{up_seconds}s, scanned in {scans[0].seconds}s: its own objects "
          f"{summary([f for _, f in ours])}, the account "
          f"{summary([f for who, f in outside if who == ACCOUNT])}, its default VPC "
          f"{summary([f for who, f in outside if who != ACCOUNT])}; careless stack scanned in "
          f"{careless_scan.seconds}s: {summary(careless_findings)}; "
          f"{round(time.monotonic() - started, 1)}s in all")
