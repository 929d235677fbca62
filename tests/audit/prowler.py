"""Prowler, the independent auditor, run against a moto server.

Prowler is installed by scripts/prowler.sh (``make test`` runs it) and linked at
.venv-prowler. It reaches moto through the standard endpoint environment
(``AWS_ENDPOINT_URL``) with dummy credentials, in us-east-1 only, and writes its findings as
OCSF JSON, which ``Scan.findings()`` reads.

- ``select_checks(workdir)``: the checks of Prowler's HIPAA framework and of the services the
  provider uses, as Prowler itself lists them; written to a checks file for ``Scan``.
- ``Scan(endpoint, checks_file, workdir, name)``: one run, started at once in the background;
  ``.findings()`` waits for it and returns its ``Finding`` list.
"""

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROWLER = REPO / ".venv-prowler" / "bin" / "prowler"
FRAMEWORK = "hipaa_aws"
# The services of the objects the provider makes; Prowler files log groups under cloudwatch.
SERVICES = ("rds", "elasticache", "kinesis", "ec2", "vpc", "ecs", "kms", "cloudwatch", "backup",
            "secretsmanager", "iam")
REGION = "us-east-1"
TIMEOUT = 600


@dataclass(frozen=True)
class Finding:
    """One finding: a check's verdict (PASS, FAIL or MANUAL) on one resource."""

    check: str
    status: str
    resource_type: str
    uid: str
    name: str
    labels: tuple
    detail: str
    region: str

    @property
    def text(self):
        """The resource's ARN and name, where the ids of the objects it concerns appear."""
        return f"{self.uid} {self.name}"


def _environment(endpoint, home):
    """Prowler's whole environment: moto's endpoint, dummy credentials, no shared config
    files or instance metadata, and a home of its own; nothing else of this process's.

    The endpoint is its HTTP proxy too: S3 Control calls go to ``<account>.<endpoint host>``,
    a name that never resolves, and through the proxy reach moto, which finds S3 Control by
    the path (moto_process.boto_client does the same)."""
    return {
        "PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true", "HTTP_PROXY": endpoint, "http_proxy": endpoint,
    }


def _prowler(args, workdir, endpoint="http://127.0.0.1:9", **kw):
    """Starts `prowler aws ARGS` in workdir (a listing needs no endpoint: it calls no AWS)."""
    if not os.access(PROWLER, os.X_OK):
        raise AssertionError(f"{PROWLER} is missing: run scripts/prowler.sh (make test does)")
    home = Path(workdir) / "home"
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(PROWLER), "aws", "--no-banner", "--no-color", *args],
                            cwd=workdir, env=_environment(endpoint, home), text=True, **kw)


def select_checks(workdir):
    """The HIPAA framework's checks and the listed services' checks, by Prowler's own
    selection options (one listing each, at once); returns (sorted ids, checks file)."""
    listings = [_prowler(["--list-checks-json", *selection], workdir,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for selection in (["--compliance", FRAMEWORK], ["--service", *SERVICES])]
    checks = set()
    for listing in listings:
        out, err = listing.communicate(timeout=TIMEOUT)
        assert listing.returncode == 0, f"prowler {listing.args[2:]} failed:\n{err[-3000:]}"
        checks.update(json.loads(out)["aws"])
    checks = sorted(checks)
    path = Path(workdir) / "checks.json"
    path.write_text(json.dumps({"aws": checks}))
    return checks, path


class Scan:
    """One Prowler run of the checks in checks_file against endpoint, in the background."""

    def __init__(self, endpoint, checks_file, workdir, name):
        self.dir = Path(workdir) / f"prowler-{name}"
        self.dir.mkdir(parents=True)
        self.log = self.dir / "prowler.log"
        self.started = time.monotonic()
        with open(self.log, "w") as log:
            self.process = _prowler([
                "--checks-file", str(checks_file), "--region", REGION,
                # Every object, not only those a network interface or workload uses: moto runs
                # no workload, and a check skipped is a check that cannot fail.
                "--scan-unused-services",
                # moto answers at once and never throttles; an operation it lacks fails the
                # same way every time, and retrying it only costs time.
                "--aws-retries-max-attempts", "1",
                "--output-formats", "json-ocsf", "--output-directory", str(self.dir),
                "--output-filename", "findings", "--log-level", "ERROR",
                # Failed findings are what this run is for, not an error of the run.
                "--ignore-exit-code-3",
            ], self.dir, endpoint, stdout=log, stderr=subprocess.STDOUT)
        self.seconds = None

    def findings(self):
        """Waits for the run; its findings."""
        code = self.process.wait(timeout=TIMEOUT)
        self.seconds = round(time.monotonic() - self.started, 1)
        assert code == 0, f"prowler exited {code}:\n{self.log.read_text()[-5000:]}"
        return [Finding(check=f["metadata"]["event_code"], status=f["status_code"],
                        resource_type=r["type"], uid=r["uid"], name=r.get("name") or "",
                        labels=tuple(r.get("labels") or ()), detail=f.get("status_detail", ""),
                        region=r.get("region") or "")
                for f in json.loads((self.dir / "findings.ocsf.json").read_text())
                for r in f["resources"]]

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
