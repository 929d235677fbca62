"""Every resource, the Platform component and the demo platform through the real CLI against
an emulator that lags as real AWS does (tests/harness/consistency.py): new EC2 objects
unknown by id and missing from filtered reads for seconds, new IAM roles refused by the
services that check them for about ten seconds, new keys unknown for a moment, databases and
caches `modifying` after a change, deletes refused while dependents drain.

Each program comes up on its first `pulumi up`, changes in place on its first update and goes
away on its first `pulumi destroy`, and what it made is exactly what the same program makes
without the lags. With HEALTHCARE_LAG_REPORT=FILE each run's times and the lagged answers it
met are appended to FILE as JSON lines (docs/reliability.md has the figures).
"""

import copy
import json
import os
import time
from pathlib import Path

import yaml

from harness.consistency import Consistency
from harness.faultproxy import FaultProxy
from harness.inventory import added, counts, inventory
from harness.moto_process import MotoServer
from pulumi_cli import Stack

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/clinical-api:1.0.0"


def demo_platform():
    """examples/platform (the demo): the five resources as top-level resources, wired."""
    program = yaml.safe_load((EXAMPLES / "platform" / "Pulumi.yaml").read_text())
    return {k: program[k] for k in ("config", "resources", "outputs") if k in program}


def component_platform():
    props = {"cidrBlock": "10.71.0.0/16", "natGateways": "single", "skipFinalSnapshot": True,
             "deletionProtection": False,
             "services": {"api": {"image": IMAGE, "containerPort": 8080}}}
    return {"resources": {"platform": {"type": "healthcare:index:Platform", "properties": props}},
            "outputs": {"vpcId": "${platform.vpcId}", "clusterName": "${platform.clusterName}"}}


def changed(program, value, changes):
    """The program with one more tag on every resource (an in-place update of each) and the
    `changes` (resource -> properties) that make databases and caches modify."""
    out = copy.deepcopy(program)
    for name, resource in out["resources"].items():
        props = resource.setdefault("properties", {})
        props["tags"] = {**props.get("tags", {}), "review": value}
        props.update(changes.get(name, {}))
    return out


def report(row):
    path = os.environ.get("HEALTHCARE_LAG_REPORT")
    if path:
        with open(path, "a") as out:
            out.write(json.dumps(row) + "\n")


def timed(step):
    started = time.monotonic()
    step()
    return round(time.monotonic() - started, 1)


def lifecycle(tmp_path, name, program, endpoint, moto, settings=(), changes=None):
    """up, an update of every resource, destroy: each a first run. Returns (times, made,
    kept): what the create made, and what the destroy kept on purpose (the keys of final
    snapshots, so the snapshots stay readable; an account baseline's log group and key)."""
    stack = Stack(tmp_path / name, program, endpoint)
    for key, value in settings:
        stack.run("config", "set", key, value)
    before = inventory(moto)
    times = {"create": timed(stack.up)}
    made = added(before, inventory(moto))
    stack.write(changed(program, "2026", changes or {}))
    history = {}

    def update():
        history.update(stack.up_summary())
    times["update"] = timed(update)
    assert history.get("update", 0) >= len(program["resources"]), history
    assert not history.get("create") and not history.get("delete"), history
    # The same objects, save a service's task definition: a new revision replaces the old.
    after = added(before, inventory(moto))
    same = lambda held: {k: v for k, v in held.items() if k != "ecs:task-definition"}  # noqa: E731
    assert same(after) == same(made), "the update made or removed objects"
    assert counts(after) == counts(made), "the update left a task definition revision behind"
    # An account baseline keeps its audit evidence on purpose, and names it.
    retained = " ".join(stack.outputs().get("retainedOnDelete", []))
    times["delete"] = timed(stack.destroy)
    kept = linked_roles_aside(added(before, inventory(moto)))
    unnamed = [g for g in kept.get("logs:log-group", []) if g not in retained]
    assert not unnamed, f"destroy left log groups behind that nothing names: {unnamed}"
    assert set(kept) <= {"kms:key", "kms:alias", "logs:log-group"}, \
        f"destroy left objects behind: {kept}"
    return times, linked_roles_aside(made), kept


def linked_roles_aside(held):
    """What a run made or kept, less service-linked roles: AWS makes each once per account (AWS
    Config's for the baseline's recorder), so only an account's first run makes it, and it
    stays, as on AWS."""
    roles = [r for r in held.get("iam:role", []) if not r.startswith("AWSServiceRoleFor")]
    out = {k: v for k, v in held.items() if k != "iam:role"}
    return {**out, "iam:role": roles} if roles else out


def compare(tmp_path, moto, proxy, lagged_proxy, name, program, settings=(), changes=None,
            met=()):
    plain, made_plain, kept_plain = lifecycle(tmp_path, f"{name}-plain", program, proxy.url,
                                              moto, settings, changes)
    lagged, made_lagged, kept_lagged = lifecycle(tmp_path, f"{name}-lagged", program,
                                                 lagged_proxy.url, moto, settings, changes)
    # Exactly what a run without lags makes, and keeps: the same kinds, each as many times.
    assert counts(made_lagged) == counts(made_plain), (made_plain, made_lagged)
    assert counts(kept_lagged) == counts(kept_plain), (kept_plain, kept_lagged)
    met = lagged_proxy.consistency.counts()
    # The lags were in the way of every kind of call: new EC2 objects, roles and keys, the
    # cache's modify window, deletes while dependents drain.
    # And the other services' lags on objects just made, each met by a call that follows
    # the create at once: a secret, a log group, an inline policy, key rotation, and the
    # account's first ECS cluster.
    # And the transitional states: a stream UPDATING after its change, a NAT gateway
    # deleting; and the deletes of what a database, cache or service held while it drains.
    for kind in ("ec2.not_found", "iam.not_propagated", "kms.not_found", "elasticache.modifying",
                 "ec2.dependency_violation", "named.secret", "named.log_group",
                 "named.role_policy", "named.key_rotation.hidden", "ecs.linked_role",
                 "kinesis.updating", "ec2.nat_deleting", "rds.in_use", "elasticache.in_use",
                 "ecs.in_use", *met):
        assert met.get(kind), (kind, met)
    report({"program": name, "without_lags": plain, "with_lags": lagged, "lagged_answers": met})


def test_the_demo_platform_survives_aws_lags_on_first_runs(tmp_path, moto, proxy, lagged_proxy):
    program = demo_platform()
    # A new task definition and a deployment of the service, and a resharding of the stream.
    services = copy.deepcopy(program["resources"]["clinicalServices"]["properties"]["services"])
    services["app"]["environment"]["LOG_LEVEL"] = "debug"
    compare(tmp_path, moto, proxy, lagged_proxy, "demo-platform", program,
            settings=[("databaseDeletionProtection", "false")],
            changes={"sessionCache": {"nodeType": "cache.t4g.small"},
                     "clinicalRecords": {"backupRetentionDays": 35, "applyImmediately": True},
                     "clinicalEvents": {"retentionHours": 48, "shardCount": 3},
                     "clinicalServices": {"services": services}},
            # The account baseline's buckets, each configured right after its create; its
            # topic and trail, each named right after its create; Security Hub read right
            # after it is enabled, and the standards it enables PENDING a while.
            # And the password policy and S3 Block Public Access read back late.
            met=("named.bucket", "account.topic", "account.trail", "account.hub",
                 "account.standard_pending", "account.stale_setting"))


def test_the_platform_component_survives_aws_lags_on_first_runs(tmp_path, moto, proxy,
                                                                lagged_proxy):
    compare(tmp_path, moto, proxy, lagged_proxy, "platform-component", component_platform(),
            changes={"platform": {"cacheNodeType": "cache.t4g.small", "streamRetentionHours": 48}})


def test_a_named_cache_is_replaced_under_lags_in_one_up(tmp_path, moto, lagged_proxy):
    """A user-given id forces delete-before-replace: the old cache, its secret (deleted without
    a recovery window) and its security group go, then the same names are made again, the
    secret's while Secrets Manager still holds it after the delete."""
    def program(port):
        return {"resources": {
            "network": {"type": "healthcare:network:SecureVpc",
                        "properties": {"cidrBlock": "10.73.0.0/16", "availabilityZoneCount": 2,
                                       "natGateways": "none"}},
            "cache": {"type": "healthcare:cache:EncryptedRedis", "properties": {
                "replicationGroupId": "sessions-lagged", "port": port, "replicas": 0,
                "vpcId": "${network.vpcId}", "subnetIds": "${network.isolatedSubnetIds}",
                "allowedCidrBlocks": ["10.73.0.0/20"], "skipFinalSnapshot": True,
                "secretRecoveryDays": 0}}},
            "outputs": {"id": "${cache.replicationGroupId}", "secret": "${cache.authSecretArn}"}}

    before = inventory(moto)
    stack = Stack(tmp_path / "named", program(6379), lagged_proxy.url)
    stack.up()
    made = added(before, inventory(moto))
    stack.write(program(6380))
    history = stack.up_summary()
    assert history.get("replace") == 1, history
    assert counts(added(before, inventory(moto))) == counts(made)
    assert lagged_proxy.consistency.counts().get("named.secret_name_held"), \
        lagged_proxy.consistency.counts()
    stack.destroy()
    kept = added(before, inventory(moto))
    assert set(kept) <= {"kms:key", "kms:alias"}, kept


def test_an_account_baseline_brought_up_again_at_once_takes_its_bucket_names_back(tmp_path):
    """`pulumi destroy` then `pulumi up` at once, as a CI job that rebuilds its stack does: the
    buckets of a baseline with a user-given name (no Object Lock, logs not kept) were deleted
    a moment before, and S3 refuses their names until it has freed them."""
    program = {"resources": {"baseline": {
        "type": "healthcare:index:AccountBaseline",
        "properties": {"baselineName": "account-again", "alarmEmails": ["security@example.com"],
                       "objectLockMode": "NONE",
                       "retainLogs": False}}},
        "outputs": {"bucket": "${baseline.logBucketName}"}}
    # An account of its own: an account has one baseline.
    with MotoServer() as moto:
        lagged = FaultProxy(moto.url, consistency=Consistency(seed=0)).start()
        try:
            before = inventory(moto)
            stack = Stack(tmp_path / "again", program, lagged.url)
            stack.up()
            made = added(before, inventory(moto))
            stack.destroy()
            stack.up()
            assert counts(added(before, inventory(moto))) == counts(made)
            assert lagged.consistency.counts().get("named.bucket_name_held"), \
                lagged.consistency.counts()
            stack.destroy()
        finally:
            lagged.stop()
