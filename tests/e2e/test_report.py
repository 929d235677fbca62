"""The HIPAA compliance report of a deployed stack, as a browser shows it.

A SecureVpc (flow logs on) and an EncryptedRedis go up through the real CLI against moto;
`pulumi-resource-healthcare report` turns `pulumi stack export` into a page that headless
Chromium (Debian's package, installed by scripts/chromium.sh) renders. Every resource and
control must be on the rendered page; the AUTH token of a `--show-secrets` export must be
in neither report; and after the flow logs are deleted behind the provider's back and the
stack refreshed, the summary must show that control as not satisfied.
"""

import hashlib
import html
import json
import subprocess
import time
from collections import defaultdict
from html.parser import HTMLParser

import pytest

from pulumi_cli import REPO

PLUGIN = REPO / "bin" / "pulumi-resource-healthcare"
VPC = "healthcare:network:SecureVpc"
REDIS = "healthcare:cache:EncryptedRedis"
SIGNATURE_KEY, SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"

PROGRAM = {
    "resources": {
        "network": {"type": VPC, "properties": {"cidrBlock": "10.60.0.0/16", "availabilityZoneCount": 2,
                                                "natGateways": "none"}},
        "cache": {"type": REDIS, "properties": {
            "vpcId": "${network.vpcId}", "subnetIds": "${network.isolatedSubnetIds}",
            "allowedSecurityGroupIds": ["${network.applicationSecurityGroupId}"],
            "skipFinalSnapshot": True, "secretRecoveryDays": 0}},
    },
    "outputs": {"token": "${cache.authToken}", "flowLog": "${network.flowLogId}"},
}


@pytest.fixture(scope="session")
def chromium():
    start = time.monotonic()
    proc = subprocess.run(["bash", str(REPO / "scripts" / "chromium.sh")], capture_output=True, text=True,
                          timeout=900)
    if proc.returncode != 0:
        pytest.fail(f"scripts/chromium.sh failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    print(f"\nchromium ready in {time.monotonic() - start:.1f}s: {proc.stderr.strip().splitlines()[-1]}")
    return proc.stdout.strip().splitlines()[-1]


class PageText(HTMLParser):
    """The text of a rendered page, whole and by the id of each element holding it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    # Elements whose text a browser never runs into its neighbours'.
    BLOCKS = {"br", "div", "h1", "h2", "h3", "li", "p", "section", "table", "td", "text", "th", "tr"}

    def __init__(self, dom):
        super().__init__()
        self.open, self.parts, self.by_id = [], [], defaultdict(list)
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.separate(tag)
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("id")))

    def handle_endtag(self, tag):
        self.separate(tag)
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def separate(self, tag):
        if tag in self.BLOCKS:
            self.handle_data(" ")

    def handle_data(self, data):
        if any(tag in ("style", "title") for tag, _ in self.open):
            return
        self.parts.append(data)
        for _, ident in self.open:
            if ident:
                self.by_id[ident].append(data)

    def text(self, ident=None):
        parts = self.parts if ident is None else self.by_id[ident]
        return " ".join("".join(parts).split())


def headless(chromium, profile, *args):
    """Runs headless Chromium with a new profile, offline, and returns its standard output."""
    profile.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                           "--no-first-run", "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def report(out, *args, stdin=None):
    """`pulumi-resource-healthcare report --out OUT ...`: the paths of the HTML and Markdown."""
    proc = subprocess.run([str(PLUGIN), "report", "--out", str(out), "--name", "report", *args],
                          input=stdin, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    page, markdown = out / "report.html", out / "report.md"
    assert page.is_file() and markdown.is_file(), f"no report was written:\n{proc.stdout}\n{proc.stderr}"
    return page, markdown


def plaintexts(value):
    """Every plain-text secret value in an export (`pulumi stack export --show-secrets`)."""
    if isinstance(value, dict):
        if value.get(SIGNATURE_KEY) == SECRET_SIGNATURE and "plaintext" in value:
            return [json.loads(value["plaintext"])]
        return [p for v in value.values() for p in plaintexts(v)]
    if isinstance(value, list):
        return [p for v in value for p in plaintexts(v)]
    return []


def anchor(resource):
    """A resource's section id: its name (at most 40 characters, others than ASCII letters and
    digits as '-') and 12 hex digits of the SHA-256 of its URN, unique per URN."""
    name = resource["urn"].rsplit("::", 1)[1]
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in name[:40])
    return f"resource-{slug}-{hashlib.sha256(resource['urn'].encode()).hexdigest()[:12]}"


def healthcare_resources(export):
    return [r for r in export["deployment"]["resources"] if r["type"] in (VPC, REDIS)]


def test_the_report_of_a_deployed_stack_shows_every_control_and_one_made_false_after_a_refresh(
        new_stack, moto, tmp_path, chromium):
    stack = new_stack(PROGRAM, name="audited")
    stack.up()
    export_file = tmp_path / "export.json"
    export_file.write_text(stack.run("stack", "export").stdout)
    page, markdown = report(tmp_path / "first", "--stack-export", str(export_file))
    started = time.monotonic()
    rendered = PageText(headless(chromium, tmp_path / "profile", "--dump-dom", page.as_uri()))
    print(f"\nchromium rendered the report in {time.monotonic() - started:.1f}s")

    export = json.loads(export_file.read_text())
    ours = healthcare_resources(export)
    assert sorted(r["type"] for r in ours) == [REDIS, VPC]
    total = 0
    for resource in ours:
        section = rendered.text(anchor(resource))
        assert resource["type"] in section and resource["id"] in section, section
        for control in resource["outputs"]["compliance"]["controls"]:
            assert control["satisfied"] is True, control
            assert f"✓ satisfied {control['rule']} {control['safeguard']} {control['detail']}" in section
            total += 1
    summary = rendered.text("summary")
    assert f"{total} of {total} controls satisfied" in summary and "NOT satisfied" not in summary
    wiring = rendered.text("wiring")
    assert "cache (EncryptedRedis) runs in the isolated subnets of VPC network" in wiring
    assert "cache accepts tcp/6379 from security group" in wiring
    assert markdown.read_text().count("✅ satisfied") >= total

    pdf = tmp_path / "report.pdf"
    headless(chromium, tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.read_bytes()[:5] == b"%PDF-"

    # The AUTH token, in plain text in a --show-secrets export read from standard input, is
    # named in the reports and never shown.
    token = stack.outputs(show_secrets=True)["token"]
    shown = stack.run("stack", "export", "--show-secrets").stdout
    assert token in plaintexts(json.loads(shown))
    forms = {token, html.escape(token), json.dumps(token)[1:-1], json.dumps(token)[1:-1].replace("<", "\\u003c")}
    for path in report(tmp_path / "shown", stdin=shown):
        text = path.read_text()
        assert "outputs.authToken" in text
        assert [form for form in forms if form in text] == []

    # Flow logs deleted behind the provider's back; a refresh reads the VPC from AWS again.
    moto.client("ec2").delete_flow_logs(FlowLogIds=[stack.outputs()["flowLog"]])
    stack.refresh()
    export_file.write_text(stack.run("stack", "export").stdout)
    page, _ = report(tmp_path / "refreshed", "--stack-export", str(export_file))
    rendered = PageText(headless(chromium, tmp_path / "profile", "--dump-dom", page.as_uri()))
    refreshed = healthcare_resources(json.loads(export_file.read_text()))
    controls = [(r["urn"].rsplit("::", 1)[1], c) for r in refreshed for c in r["outputs"]["compliance"]["controls"]]
    failing = [(name, c) for name, c in controls if not c["satisfied"]]
    assert ("network", "vpc-flow-logs-enabled") in [(name, c["rule"]) for name, c in failing]
    summary = rendered.text("summary")
    assert f"{len(controls) - len(failing)} of {len(controls)} controls satisfied" in summary
    assert f"✗ {len(failing)} NOT satisfied" in summary
    not_satisfied = rendered.text("not-satisfied")
    for name, control in failing:
        assert f"✗ NOT satisfied {name} {control['rule']} {control['safeguard']} {control['detail']}" in not_satisfied
    assert "network: flow logs are off" in summary
    [vpc] = [r for r in refreshed if r["type"] == VPC]
    network = rendered.text(anchor(vpc))
    assert network.index("✗ NOT satisfied vpc-flow-logs-enabled") < network.index("✓ satisfied")
