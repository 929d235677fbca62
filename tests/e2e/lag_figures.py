"""Each resource of the demo platform on its own, through create, an update and delete, once
without and once with the model of AWS's lags: the times and the lagged answers it met, for
docs/reliability.md's table of resources. Each run must be a first run that makes and keeps
exactly what the run without lags does, as in test_consistency.py (which `make test` runs on
the whole demo platform and the Platform component). `make lag-figures` runs this file (its
name keeps it out of `make test`) and appends a row per resource to $HEALTHCARE_LAG_REPORT.

A resource that lives in a VPC gets one from a stack of its own, made without lags first, so
its figures are its own.
"""

import copy

import pytest

from harness.inventory import counts
from pulumi_cli import Stack
from test_consistency import demo_platform, lifecycle, report

NETWORK_OUTPUTS = ("vpcId", "isolatedSubnetIds", "privateSubnetIds", "applicationSecurityGroupId")

# The update of each, as in test_consistency.py's demo platform (a tag is added to each too).
CHANGES = {
    "sessionCache": {"nodeType": "cache.t4g.small"},
    "clinicalRecords": {"backupRetentionDays": 35, "applyImmediately": True},
    "clinicalEvents": {"retentionHours": 48, "shardCount": 3},
}

# The demo's values for what other resources of the demo give.
LITERALS = {"${retentionHours}": 168, "${databaseDeletionProtection}": False,
            "${clinicalRecords.endpoint}": "clinical.db.internal",
            "${sessionCache.primaryEndpoint}": "sessions.cache.internal"}


def resolved(value, network):
    """`value` with the demo's references to the network and to config set to values."""
    if isinstance(value, dict):
        return {k: resolved(v, network) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v, network) for v in value]
    if isinstance(value, str) and value.startswith("${network.") and value.endswith("}"):
        return network[value[len("${network."):-1]]
    return LITERALS.get(value, value) if isinstance(value, str) else value


def alone(name, network):
    """The demo's resource `name` as the one resource of a program."""
    resource = copy.deepcopy(demo_platform()["resources"][name])
    if name == "clinicalServices":
        # The secrets it reads are the database's and the cache's, not made here.
        for service in resource["properties"]["services"].values():
            service.pop("secrets", None)
    program = {"resources": {name: resolved(resource, network or {})}}
    if name == "accountBaseline":
        # What its destroy keeps on purpose, which lifecycle() checks against what is left.
        program["outputs"] = {"retainedOnDelete": "${accountBaseline.retainedOnDelete}"}
    return program


def changes_of(name, program):
    if name != "clinicalServices":
        return {name: CHANGES[name]} if name in CHANGES else {}
    # A new task definition and a deployment of the service.
    services = copy.deepcopy(program["resources"][name]["properties"]["services"])
    services["app"]["environment"]["LOG_LEVEL"] = "debug"
    return {name: {"services": services}}


@pytest.mark.parametrize("name", ["network", "clinicalEvents", "sessionCache", "clinicalRecords",
                                  "clinicalServices", "accountBaseline"])
def test_each_resource_alone_with_and_without_lags(tmp_path, moto, proxy, lagged_proxy, name):
    network = None
    needs_network = name in ("sessionCache", "clinicalRecords", "clinicalServices")
    if needs_network:
        network = Stack(tmp_path / "network", {
            "resources": {"network": demo_platform()["resources"]["network"]},
            "outputs": {k: f"${{network.{k}}}" for k in NETWORK_OUTPUTS}}, proxy.url)
        network.up()
    try:
        program = alone(name, network.outputs() if network else None)
        changes = changes_of(name, program)
        plain, made_plain, kept_plain = lifecycle(tmp_path, f"{name}-plain", program, proxy.url,
                                                  moto, changes=changes)
        lagged, made_lagged, kept_lagged = lifecycle(tmp_path, f"{name}-lagged", program,
                                                     lagged_proxy.url, moto, changes=changes)
    finally:
        if network:
            network.destroy()
    assert counts(made_lagged) == counts(made_plain), (made_plain, made_lagged)
    assert counts(kept_lagged) == counts(kept_plain), (kept_plain, kept_lagged)
    met = lagged_proxy.consistency.counts()
    report({"resource": program["resources"][name]["type"], "without_lags": plain,
            "with_lags": lagged, "lagged_answers": met})
