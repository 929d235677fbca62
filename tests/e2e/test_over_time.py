"""Stacks that live for years: each resource after a stack rename, a move under a parent with
an alias, an import, and a cancelled create, through the real pulumi CLI against moto."""

import signal
import subprocess
import time

import pytest
import yaml

PROJECT = "healthcare-e2e"
VPC = "healthcare:network:SecureVpc"
NETWORK = {"type": VPC, "properties": {"cidrBlock": "10.50.0.0/16", "availabilityZoneCount": 2,
                                        "natGateways": "none"}}
PLACED = {"vpcId": "${network.vpcId}", "subnetIds": "${network.isolatedSubnetIds}",
          "allowedCidrBlocks": ["10.50.0.0/20"]}

# kind -> (type token, the subject's properties, whether it needs the network, its id output)
KINDS = {
    "vpc": (VPC, NETWORK["properties"], False, "vpcId"),
    "kinesis": ("healthcare:streaming:KinesisPipeline", {"shardCount": 1}, False, "streamName"),
    "redis": ("healthcare:cache:EncryptedRedis", {**PLACED, "skipFinalSnapshot": True}, True,
              "replicationGroupId"),
    "postgres": ("healthcare:database:HipaaPostgres",
                 {**PLACED, "deletionProtection": False, "skipFinalSnapshot": True}, True,
                 "identifier"),
}


def program(kind, team, options=None, holder=False):
    """The subject (`subject`) with tag team=<team>; `holder` adds a pipeline to parent it."""
    token, props, placed, id_output = KINDS[kind]
    subject = {"type": token, "properties": {**props, "tags": {"team": team}}}
    if options:
        subject["options"] = options
    resources = {"subject": subject}
    if placed:
        resources["network"] = NETWORK
    if holder:
        resources["holder"] = {"type": "healthcare:streaming:KinesisPipeline",
                               "properties": {"shardCount": 1}}
    return {"resources": resources,
            "outputs": {"id": f"${{subject.{id_output}}}", "compliance": "${subject.compliance}"}}


def unsatisfied(out):
    """Rules not satisfied, besides the deletion protection a disposable database turns off."""
    return [c["rule"] for c in out["compliance"]["controls"]
            if not c["satisfied"] and c["rule"] != "rds-instance-deletion-protection-enabled"]


def urn(stack, token, name="subject", parent=None):
    qualified = f"{parent}${token}" if parent else token
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified}::{name}"


def urn_tags(moto, kind, object_id):
    """The pulumi:urn tag of the subject's main AWS object and of its key (and secret)."""
    tags = {}
    if kind == "vpc":
        [v] = moto.client("ec2").describe_vpcs(VpcIds=[object_id])["Vpcs"]
        tags["vpc"] = {t["Key"]: t["Value"] for t in v.get("Tags", [])}
    elif kind == "kinesis":
        listed = moto.client("kinesis").list_tags_for_stream(StreamName=object_id)["Tags"]
        tags["stream"] = {t["Key"]: t["Value"] for t in listed}
    elif kind == "redis":
        ec = moto.client("elasticache")
        [g] = ec.describe_replication_groups(ReplicationGroupId=object_id)["ReplicationGroups"]
        listed = ec.list_tags_for_resource(ResourceName=g["ARN"])["TagList"]
        tags["group"] = {t["Key"]: t["Value"] for t in listed}
        sm = moto.client("secretsmanager")
        [s] = [s for s in sm.list_secrets()["SecretList"] if object_id in s["Name"]]
        tags["secret"] = {t["Key"]: t["Value"] for t in s.get("Tags", [])}
        tags["key"] = _key_tags(moto, g["KmsKeyId"])
    elif kind == "postgres":
        rds = moto.client("rds")
        [db] = rds.describe_db_instances(DBInstanceIdentifier=object_id)["DBInstances"]
        tags["instance"] = {t["Key"]: t["Value"] for t in db.get("TagList", [])}
        tags["key"] = _key_tags(moto, db["KmsKeyId"])
    return {part: t.get("pulumi:urn") for part, t in tags.items()}


def _key_tags(moto, key_id):
    kms = moto.client("kms")
    return {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}


def step_ops(stack):
    return {s["urn"]: s["op"] for s in stack.preview_json()["steps"]}


@pytest.mark.parametrize("kind", list(KINDS))
def test_renamed_moved_and_imported_resources_keep_updating_in_place(new_stack, moto, kind):
    token = KINDS[kind][0]
    stack = new_stack(program(kind, "a"))
    stack.up()
    object_id = stack.outputs()["id"]

    # A renamed stack: every URN changes; the next in-place change applies.
    stack.run("stack", "rename", "renamed")
    stack.write(program(kind, "b"))
    renamed = urn("renamed", token)
    assert step_ops(stack)[renamed] == "update"
    stack.up()
    assert unsatisfied(stack.outputs()) == []
    assert set(urn_tags(moto, kind, object_id).values()) == {renamed}

    # Moved under a parent, with an alias to where it was.
    placed = KINDS[kind][2]
    parent_name = "network" if placed else "holder"
    parent_token = VPC if placed else "healthcare:streaming:KinesisPipeline"
    moved = urn("renamed", token, parent=parent_token)
    stack.write(program(kind, "c", holder=not placed,
                        options={"parent": f"${{{parent_name}}}", "aliases": [renamed]}))
    ops = step_ops(stack)
    assert ops[moved] == "update", ops
    stack.up()
    assert set(urn_tags(moto, kind, object_id).values()) == {moved}

    # Imported into another stack, then changed in place there.
    target = new_stack({"resources": {}}, name="target")
    generated = stack.dir.parent / "imported.yaml"
    target.run("import", token, "imported", object_id, "--yes", "--protect=false", "--out", str(generated))
    resources = yaml.safe_load(generated.read_text())["resources"]
    resources["imported"].setdefault("properties", {})["tags"] = {"team": "d"}
    target.write({"resources": resources})
    imported = urn("e2e", token, name="imported")
    assert step_ops(target)[imported] == "update"
    target.up()
    assert set(urn_tags(moto, kind, object_id).values()) == {imported}
    target.run("state", "delete", imported, "--yes")

    stack.destroy()


# kind -> (service, operation, text in the answer that says "ready", text that says "not yet")
LONGEST_WAIT = {
    "vpc": ("ec2", "DescribeVpcs", "<state>available</state>", "<state>pending</state>"),
    "kinesis": ("kinesis", "DescribeStreamSummary", '"StreamStatus": "ACTIVE"', '"StreamStatus": "CREATING"'),
    "redis": ("elasticache", "DescribeReplicationGroups", "<Status>available</Status>",
              "<Status>creating</Status>"),
    "postgres": ("rds", "DescribeDBInstances", "<DBInstanceStatus>available</DBInstanceStatus>",
                 "<DBInstanceStatus>creating</DBInstanceStatus>"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_create_cancelled_during_its_wait_leaves_a_partial_state_that_up_completes(
        new_stack, moto, proxy, kind):
    token = KINDS[kind][0]
    service, operation, ready, waiting = LONGEST_WAIT[kind]
    stack = new_stack(program(kind, "a"))
    if KINDS[kind][2]:
        stack.write({"resources": {"network": NETWORK}})
        stack.up()
        stack.write(program(kind, "a"))
    # The resource never looks ready, so its create waits until Ctrl-C.
    proxy.add_rule("rewrite", service=service, operation=operation, find=ready, replace=waiting)
    up = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"], cwd=stack.dir,
                          env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _rewritten(proxy, service, operation):
        time.sleep(0.2)
    assert _rewritten(proxy, service, operation), f"the create never waited on {operation}"
    time.sleep(1.0)
    up.send_signal(signal.SIGINT)
    out, _ = up.communicate(timeout=120)
    assert up.returncode != 0, out
    proxy.clear_rules()

    subject = [r for r in stack.resources(token) if r["urn"].endswith("::subject")]
    assert len(subject) == 1 and subject[0].get("id"), (out, subject)
    assert not stack.export()["deployment"].get("pending_operations"), out
    partial_id = subject[0]["id"]

    stack.up()
    out = stack.outputs()
    assert unsatisfied(out) == []
    [done] = [r for r in stack.resources(token) if r["urn"].endswith("::subject")]
    assert done["id"] == partial_id
    assert _count(moto, kind, out["id"]) == 1
    stack.destroy()
    assert _count(moto, kind, out["id"]) == 0


def _rewritten(proxy, service, operation):
    return any(r.fired for r in proxy.rules() if r.service == service and r.operation == operation)


def _count(moto, kind, object_id):
    """How many live objects of the subject's main kind carry its id or name."""
    if kind == "vpc":
        return len([v for v in moto.client("ec2").describe_vpcs()["Vpcs"] if v["VpcId"] == object_id])
    if kind == "kinesis":
        return moto.client("kinesis").list_streams()["StreamNames"].count(object_id)
    if kind == "redis":
        groups = moto.client("elasticache").describe_replication_groups()["ReplicationGroups"]
        return len([g for g in groups if g["ReplicationGroupId"] == object_id and g["Status"] != "deleting"])
    dbs = moto.client("rds").describe_db_instances()["DBInstances"]
    return len([d for d in dbs if d["DBInstanceIdentifier"] == object_id and d["DBInstanceStatus"] != "deleting"])
