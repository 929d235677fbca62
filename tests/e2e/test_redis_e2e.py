"""EncryptedRedis inside a SecureVpc, through the real pulumi CLI and YAML language host, against moto."""

import json
import re

import pytest
import yaml

TOKEN = "healthcare:cache:EncryptedRedis"
APP_CIDR = "10.40.0.0/20"


def program(**props):
    cache = {"vpcId": "${network.vpcId}", "subnetIds": "${network.isolatedSubnetIds}",
             "allowedCidrBlocks": [APP_CIDR], "skipFinalSnapshot": False, **props}
    return {
        "resources": {
            "network": {"type": "healthcare:network:SecureVpc",
                        "properties": {"cidrBlock": "10.40.0.0/16", "availabilityZoneCount": 2,
                                       "natGateways": "none"}},
            "cache": {"type": TOKEN, "properties": cache},
        },
        "outputs": {"id": "${cache.replicationGroupId}", "primary": "${cache.primaryEndpoint}",
                    "reader": "${cache.readerEndpoint}", "sg": "${cache.securityGroupId}",
                    "secret": "${cache.authSecretArn}", "token": "${cache.authToken}",
                    "members": "${cache.memberClusters}", "key": "${cache.kmsKeyArn}",
                    "compliant": "${cache.compliance.compliant}", "drift": "${cache.drift}",
                    "isolated": "${network.isolatedSubnetIds}"},
    }


def group(moto, rg_id):
    return moto.client("elasticache").describe_replication_groups(ReplicationGroupId=rg_id)["ReplicationGroups"][0]


def secret(moto, arn):
    return json.loads(moto.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])


def live_groups(moto):
    groups = moto.client("elasticache").describe_replication_groups()["ReplicationGroups"]
    return [g["ReplicationGroupId"] for g in groups if g["Status"] != "deleting"]


def inventory(moto):
    ec = moto.client("elasticache")
    sm = moto.client("secretsmanager")
    return {
        "groups": live_groups(moto),
        "subnet_groups": [g["CacheSubnetGroupName"] for g in ec.describe_cache_subnet_groups()["CacheSubnetGroups"]],
        "secrets": [s["Name"] for s in sm.list_secrets()["SecretList"] if not s.get("DeletedDate")],
        "vpcs": [v["VpcId"] for v in moto.client("ec2").describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
        "functions": [f["FunctionName"] for f in moto.client("lambda").list_functions()["Functions"]],
        "roles": [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]],
    }


def ingress(moto, sg):
    [g] = moto.client("ec2").describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    return g["IpPermissions"], g["IpPermissionsEgress"]


def test_the_redis_lifecycle_inside_a_secure_vpc(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program())
    proxy.clear_log()
    preview = stack.preview_json()
    ops = {s["urn"].rsplit("::", 1)[-1]: s["op"] for s in preview["steps"]}
    assert ops["network"] == "create" and ops["cache"] == "create", ops
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs(show_secrets=True)
    assert out["compliant"] is True and out["drift"] == [], out
    rg = group(moto, out["id"])
    assert rg["TransitEncryptionEnabled"] and rg["AtRestEncryptionEnabled"] and rg["AuthTokenEnabled"]
    assert rg["KmsKeyId"] == out["key"]
    assert rg["AutomaticFailover"] == "enabled" and rg["MultiAZ"] == "enabled"
    assert rg["MemberClusters"] == out["members"] and len(out["members"]) == 2
    assert rg["SnapshotRetentionLimit"] == 15
    held = secret(moto, out["secret"])
    assert held == {"host": out["primary"], "port": 6379, "tls": True, "authToken": out["token"]}
    assert len(out["token"]) == 64
    described = moto.client("secretsmanager").describe_secret(SecretId=out["secret"])
    assert described["KmsKeyId"] == out["key"]
    rules, egress = ingress(moto, out["sg"])
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], [c["CidrIp"] for c in r["IpRanges"]]) for r in rules] == \
        [("tcp", 6379, 6379, [APP_CIDR])]
    assert egress == []
    subnet_group = moto.client("elasticache").describe_cache_subnet_groups(
        CacheSubnetGroupName=out["id"])["CacheSubnetGroups"][0]
    assert sorted(s["SubnetIdentifier"] for s in subnet_group["Subnets"]) == sorted(out["isolated"])
    stack.preview("--expect-no-changes")

    # Node type and replicas change in place: the same replication group, three nodes.
    stack.write(program(nodeType="cache.r7g.large", replicas=2))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    grown = stack.outputs(show_secrets=True)
    rg = group(moto, out["id"])
    assert grown["id"] == out["id"] and rg["CacheNodeType"] == "cache.r7g.large"
    assert len(rg["MemberClusters"]) == 3 and grown["members"] == rg["MemberClusters"]
    assert grown["token"] == out["token"]

    # A rotation trigger: in place, a new token, the secret holds it, the group is the same.
    stack.write(program(nodeType="cache.r7g.large", replicas=2, authTokenRotation="2026-11"))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    rotated = stack.outputs(show_secrets=True)
    assert rotated["id"] == out["id"] and rotated["token"] != out["token"] and len(rotated["token"]) == 64
    assert secret(moto, out["secret"])["authToken"] == rotated["token"]
    assert live_groups(moto).count(out["id"]) == 1
    stack.preview("--expect-no-changes")

    stack.destroy()
    after = inventory(moto)
    assert after == before, after
    snapshots = moto.client("elasticache").describe_snapshots()["Snapshots"]
    assert any(s["SnapshotName"].startswith(f"{out['id']}-final-") for s in snapshots), snapshots
    deleted = moto.client("secretsmanager").describe_secret(SecretId=out["secret"])
    assert deleted.get("DeletedDate"), "the secret is kept for its recovery window"
    # The key stays usable: the final snapshot is encrypted with it.
    assert moto.client("kms").describe_key(KeyId=out["key"])["KeyMetadata"]["KeyState"] == "Enabled"


# Pulumi's engine itself logs every property value it marshals, secrets in plaintext, at -v=9
# ("Marshaling property for RPC[...]"); that is the engine's logging, outside the plugin.
ENGINE_PROPERTY_LOG = re.compile(r'"msg":"(Un)?[Mm]arshaling property for RPC\[')


def test_the_auth_token_is_ciphertext_in_state_and_in_no_log(new_stack):
    stack = new_stack(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0))
    log = stack.run("up", "--yes", "--skip-preview", "-v=9", "--logflow", "--logtostderr")
    assert stack.outputs()["token"] == "[secret]"
    token = stack.outputs(show_secrets=True)["token"]
    assert len(token) == 64
    exported = json.dumps(stack.export())
    assert token not in exported and "ciphertext" in exported
    assert token not in log.stdout
    plugin_or_cli = [line for line in log.stderr.splitlines()
                     if token in line and not ENGINE_PROPERTY_LOG.search(line)]
    assert plugin_or_cli == []
    destroyed = stack.run("destroy", "--yes", "-v=9", "--logflow", "--logtostderr")
    assert token not in destroyed.stdout
    assert [line for line in destroyed.stderr.splitlines()
            if token in line and not ENGINE_PROPERTY_LOG.search(line)] == []


def test_drift_shows_on_refresh_and_up_repairs_it(new_stack, moto):
    stack = new_stack(program(skipFinalSnapshot=True, secretRecoveryDays=0))
    stack.up()
    out = stack.outputs()
    ec = moto.client("elasticache")
    ec.modify_replication_group(ReplicationGroupId=out["id"], AutomaticFailoverEnabled=False,
                                MultiAZEnabled=False, ApplyImmediately=True)
    ec.decrease_replica_count(ReplicationGroupId=out["id"], NewReplicaCount=0, ApplyImmediately=True)
    moto.client("ec2").authorize_security_group_ingress(GroupId=out["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    stack.refresh()
    [state] = stack.resources(TOKEN)
    drift = state["outputs"]["drift"]
    assert "Multi-AZ automatic failover is off" not in drift  # one node: nothing to fail over to
    assert any("tcp port 22 from 0.0.0.0/0" in d for d in drift), drift
    assert state["outputs"]["replicas"] == 0
    assert state["outputs"]["compliance"]["compliant"] is False
    step = stack.preview_steps()["cache"]
    assert step["op"] == "update" and sorted(step["diffReasons"]) == ["drift", "replicas"], step
    assert {key: change["kind"] for key, change in step["detailedDiff"].items()} == {
        "replicas": "update", "drift": "delete"}, step
    stack.up()
    fixed = stack.outputs()
    assert fixed["drift"] == [] and fixed["compliant"] is True
    rg = group(moto, out["id"])
    assert len(rg["MemberClusters"]) == 2 and rg["AutomaticFailover"] == "enabled"
    rules, _ = ingress(moto, out["sg"])
    assert [r["FromPort"] for r in rules] == [6379]
    stack.destroy()


def test_auth_switched_to_rbac_outside_pulumi_is_put_back_and_the_user_groups_detached(new_stack, moto):
    stack = new_stack(program(skipFinalSnapshot=True, secretRecoveryDays=0))
    stack.up()
    out = stack.outputs(show_secrets=True)
    ec = moto.client("elasticache")
    # As AWS requires, AUTH is deleted only together with a move to RBAC user groups.
    ec.modify_replication_group(ReplicationGroupId=out["id"], AuthTokenUpdateStrategy="DELETE",
                                UserGroupIdsToAdd=["outside-pulumi"], ApplyImmediately=True)
    switched = group(moto, out["id"])
    assert not switched["AuthTokenEnabled"] and switched["UserGroupIds"] == ["outside-pulumi"]
    stack.refresh()
    [state] = stack.resources(TOKEN)
    [auth] = [c for c in state["outputs"]["compliance"]["controls"] if not c["satisfied"]]
    assert "AUTH" in auth["detail"] or "auth" in auth["rule"], auth
    stack.up()
    fixed = group(moto, out["id"])
    assert fixed["AuthTokenEnabled"] and not fixed.get("UserGroupIds"), fixed
    assert stack.outputs()["compliant"] is True
    stack.destroy()


def test_import_by_replication_group_id_previews_with_no_changes(new_stack, tmp_path):
    source = new_stack(program(skipFinalSnapshot=True, secretRecoveryDays=0), name="source")
    source.up()
    rg_id = source.outputs()["id"]
    target = new_stack({"resources": {}}, name="target")
    generated = tmp_path / "imported.yaml"
    target.run("import", TOKEN, "imported", rg_id, "--yes", "--protect=false", "--out", str(generated))
    target.write({"resources": yaml.safe_load(generated.read_text()).get("resources", {})})
    target.preview("--expect-no-changes")
    target.run("state", "delete", f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::imported", "--yes")


def test_a_failed_create_leaves_a_partial_state_that_up_completes(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(skipFinalSnapshot=True, secretRecoveryDays=0))
    proxy.add_rule("error", service="elasticache", operation="CreateReplicationGroup", error="access_denied")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0 and "CreateReplicationGroup" in failed.stdout + failed.stderr
    [partial] = stack.resources(TOKEN)
    assert partial["id"] and partial["outputs"]["authSecretArn"]
    assert live_groups(moto) == before["groups"]
    proxy.clear_rules()
    stack.up()
    out = stack.outputs(show_secrets=True)
    assert out["compliant"] is True and out["id"] == partial["id"]
    assert secret(moto, out["secret"])["authToken"] == out["token"]
    stack.destroy()
    assert inventory(moto) == before


@pytest.mark.parametrize("props,prop", [
    ({"transitEncryption": False}, "transitEncryption"),
    ({"snapshotRetentionDays": 0}, "snapshotRetentionDays"),
    ({"allowedCidrBlocks": ["0.0.0.0/0"]}, "allowedCidrBlocks[0]"),
    ({"authSecretReaders": ["arn:aws:iam::123456789012:role/app-*"]}, "authSecretReaders[0]"),
    ({"authSecretAdministrators": ["ops"]}, "authSecretAdministrators"),
])
def test_bad_inputs_fail_preview_naming_the_property(new_stack, props, prop):
    stack = new_stack(program(**props))
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert re.search(rf"resource 'cache': property {re.escape(prop)} value .* has a problem",
                     result.stderr), result.stderr[-2000:]


def test_a_new_port_replaces_the_cache_under_a_new_name(new_stack, moto):
    quick = {"replicas": 0, "skipFinalSnapshot": True, "secretRecoveryDays": 0}
    stack = new_stack(program(**quick))
    stack.up()
    out = stack.outputs(show_secrets=True)
    stack.write(program(port=6380, **quick))
    preview = stack.preview()
    preview = " ".join((preview.stdout + preview.stderr).split())
    assert ("`port` cannot change in place, so this change replaces the resource: ElastiCache sets "
            "a replication group's port only at creation. The new cache starts empty") in preview, preview
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    new = stack.outputs(show_secrets=True)
    assert new["id"] != out["id"] and new["token"] != out["token"]
    assert live_groups(moto).count(new["id"]) == 1 and out["id"] not in live_groups(moto)
    rules, _ = ingress(moto, new["sg"])
    assert [r["FromPort"] for r in rules] == [6380]
    assert secret(moto, new["secret"])["port"] == 6380
    stack.destroy()


def test_waiting_for_the_cache_shows_what_aws_is_doing(new_stack, proxy):
    stack = new_stack(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0))
    # Two lookups find no group; the first poll after CreateReplicationGroup then sees `creating`.
    proxy.add_rule("rewrite", service="elasticache", operation="DescribeReplicationGroups",
                   find="<Status>available</Status>", replace="<Status>creating</Status>", times=3)
    up = stack.up()
    assert re.search(r"waiting for replication group \S+ to be available \(creating\), 0m0\ds", up.stdout), up.stdout
    stack.destroy()


def test_cluster_mode_shards_behind_a_configuration_endpoint(new_stack, moto):
    stack = new_stack(program(clusterMode=True, shards=2, skipFinalSnapshot=True, secretRecoveryDays=0))
    stack.up()
    out = stack.outputs(show_secrets=True)
    rg = group(moto, out["id"])
    assert rg["ClusterEnabled"] is True and len(rg["NodeGroups"]) == 2 and len(out["members"]) == 4
    assert out["primary"] == rg["ConfigurationEndpoint"]["Address"] and out["reader"] == ""
    assert out["compliant"] is True and secret(moto, out["secret"])["host"] == out["primary"]
    stack.preview("--expect-no-changes")

    # Resharding is online and in place: the same group, one shard more, then one fewer (the
    # highest-numbered goes).
    for shards, ids in ((3, ["0001", "0002", "0003"]), (2, ["0001", "0002"])):
        stack.write(program(clusterMode=True, shards=shards, skipFinalSnapshot=True, secretRecoveryDays=0))
        step = stack.preview_steps()["cache"]
        assert step["op"] == "update" and step["diffReasons"] == ["shards"], step
        changes = stack.up_summary()
        assert changes.get("update") == 1 and "replace" not in changes, changes
        now = stack.outputs(show_secrets=True)
        rg = group(moto, out["id"])
        assert now["id"] == out["id"] and now["token"] == out["token"]
        assert sorted(n["NodeGroupId"] for n in rg["NodeGroups"]) == ids, rg["NodeGroups"]
        assert len(now["members"]) == 2 * shards and sorted(now["members"]) == sorted(rg["MemberClusters"])
        stack.preview("--expect-no-changes")
    stack.destroy()


def test_redis_becomes_valkey_in_place_and_never_goes_back(new_stack, moto):
    quick = {"replicas": 0, "skipFinalSnapshot": True, "secretRecoveryDays": 0}
    stack = new_stack(program(**quick))
    stack.up()
    out = stack.outputs(show_secrets=True)
    assert group(moto, out["id"])["Engine"] == "redis"
    stack.write(program(engine="valkey", **quick))
    step = stack.preview_steps()["cache"]
    assert step["op"] == "update" and "engine" in step["diffReasons"], step
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    now = stack.outputs(show_secrets=True)
    rg = group(moto, out["id"])
    assert now["id"] == out["id"] and now["primary"] == out["primary"] and now["token"] == out["token"]
    assert rg["Engine"] == "valkey"
    [member] = moto.client("elasticache").describe_cache_clusters(CacheClusterId=rg["MemberClusters"][0])["CacheClusters"]
    assert member["EngineVersion"] == "8.0" and member["CacheParameterGroup"]["CacheParameterGroupName"] == "default.valkey8"
    stack.preview("--expect-no-changes")

    stack.write(program(engine="redis", **quick))
    failed = stack.preview(check=False)
    text = " ".join((failed.stdout + failed.stderr).split())
    assert failed.returncode != 0 and "ElastiCache cannot move a cache from valkey back to redis" in text, text
    assert group(moto, out["id"])["Engine"] == "valkey"
    stack.write(program(engine="valkey", **quick))
    stack.destroy()


def secret_policy(moto, arn):
    got = moto.client("secretsmanager").get_resource_policy(SecretId=arn).get("ResourcePolicy")
    return json.loads(got) if got else None


def test_the_auth_secret_admits_only_its_readers_administrators_and_deployer(new_stack, moto):
    account = moto.client("sts").get_caller_identity()["Account"]
    deployer = moto.client("sts").get_caller_identity()["Arn"]
    breakglass = f"arn:aws:iam::{account}:role/breakglass"
    stack = new_stack(program(authSecretReaders=["api-exec"], authSecretAdministrators=[breakglass]))
    stack.up()
    out = stack.outputs()
    [statement] = secret_policy(moto, out["secret"])["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "secretsmanager:*")
    # The token's rotation function is admitted too: it stages each new token.
    rotator = f"arn:aws:iam::{account}:role/{out['id']}-auth-rotation"
    assert statement["Condition"] == {"StringNotEquals": {"aws:PrincipalArn": sorted(
        [f"arn:aws:iam::{account}:role/api-exec", breakglass, deployer, rotator])}}, statement
    assert out["drift"] == []
    stack.preview("--expect-no-changes")

    # Loosened by hand: a refresh shows it, and `up` puts the policy back.
    moto.client("secretsmanager").put_resource_policy(SecretId=out["secret"], ResourcePolicy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Sid": "OnlyNamedPrincipals", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*",
            "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalArn": [breakglass]}}}]}))
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert state["outputs"]["drift"] == [
        f"the AUTH secret's resource policy does not admit arn:aws:iam::{account}:role/api-exec, {rotator}"], \
        state["outputs"]["drift"]
    stack.up()
    assert stack.outputs()["drift"] == []
    [statement] = secret_policy(moto, out["secret"])["Statement"]
    assert f"arn:aws:iam::{account}:role/api-exec" in statement["Condition"]["StringNotEquals"]["aws:PrincipalArn"]

    # No readers any more: the policy goes, and IAM alone decides again.
    stack.write(program())
    assert stack.preview_steps()["cache"]["op"] == "update"
    stack.up()
    assert secret_policy(moto, out["secret"]) is None
    assert stack.outputs()["drift"] == []
    stack.preview("--expect-no-changes")
    stack.destroy()


def rotation_control(stack):
    [cache] = stack.resources(TOKEN)
    [control] = [c for c in cache["outputs"]["compliance"]["controls"]
                 if c["rule"] == "secretsmanager-rotation-enabled-check"]
    return control


def test_secrets_manager_rotates_the_auth_token_on_its_schedule(new_stack, moto):
    """The AUTH secret rotates every authTokenRotationDays days through the cache's own
    function: Secrets Manager runs its code (in the emulator, in-process), which makes a new
    token, ROTATEs it onto the group, makes it current and SETs it; Pulumi sees no change."""
    before = inventory(moto)
    stack = new_stack(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0,
                              authTokenRotationDays=7))
    stack.up()
    out = stack.outputs(show_secrets=True)
    assert out["drift"] == [], out
    assert rotation_control(stack)["satisfied"] is True
    name = f"{out['id']}-auth-rotation"
    sm = moto.client("secretsmanager")
    described = sm.describe_secret(SecretId=out["secret"])
    assert described["RotationEnabled"] is True
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 7
    # Rotated once already, at create: a rotation that cannot work fails `pulumi up`.
    assert described.get("LastRotatedDate"), described
    assert secret(moto, out["secret"])["authToken"] == out["token"]
    function = moto.client("lambda").get_function(FunctionName=name)["Configuration"]
    assert described["RotationLambdaARN"] == function["FunctionArn"]
    assert function["Runtime"].startswith("python3") and function["Handler"] == "index.handler"
    assert function["Environment"]["Variables"] == {"REPLICATION_GROUP_ID": out["id"]}
    assert function["Role"].endswith(f":role/{name}")
    [state] = stack.resources(TOKEN)
    assert state["outputs"]["authRotationFunctionArn"] == function["FunctionArn"]
    assert state["outputs"]["authRotationRoleArn"] == function["Role"]
    grant = json.loads(moto.client("lambda").get_policy(FunctionName=name)["Policy"])
    [allowed] = grant["Statement"]
    assert allowed["Principal"] == {"Service": "secretsmanager.amazonaws.com"}, allowed
    assert out["secret"] in json.dumps(allowed["Condition"]), allowed
    role_policy = moto.client("iam").get_role_policy(RoleName=name, PolicyName="rotate-auth-token")
    resources = [s["Resource"] for s in role_policy["PolicyDocument"]["Statement"]]
    assert out["secret"] in resources and out["key"] in resources, resources
    assert "*" not in resources
    stack.preview("--expect-no-changes")

    # Secrets Manager's schedule comes due: the function runs its four steps.
    token_changed = group(moto, out["id"]).get("AuthTokenLastModifiedDate")
    sm.rotate_secret(SecretId=out["secret"])
    held = secret(moto, out["secret"])
    assert held["authToken"] != out["token"] and len(held["authToken"]) == 64, "a new token"
    assert held["host"] == out["primary"] and held["port"] == 6379 and held["tls"] is True
    stages = sm.describe_secret(SecretId=out["secret"])["VersionIdsToStages"]
    assert sum("AWSCURRENT" in s for s in stages.values()) == 1
    assert not any("AWSPENDING" in s and "AWSCURRENT" not in s for s in stages.values()), stages
    assert group(moto, out["id"]).get("AuthTokenLastModifiedDate") != token_changed, \
        "the function changed the group's token"
    stack.refresh()
    stack.preview("--expect-no-changes")
    stack.up()
    assert stack.outputs(show_secrets=True)["token"] == held["authToken"]

    # Another schedule is an in-place update of the secret alone.
    stack.write(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0,
                        authTokenRotationDays=30))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    assert sm.describe_secret(SecretId=out["secret"])["RotationRules"]["AutomaticallyAfterDays"] == 30

    # Rotation turned off outside Pulumi is drift, and up turns it back on.
    sm.cancel_rotate_secret(SecretId=out["secret"])
    assert not sm.describe_secret(SecretId=out["secret"]).get("RotationEnabled")
    stack.refresh()
    assert rotation_control(stack)["satisfied"] is False
    assert stack.preview_steps()["cache"]["op"] == "update"
    stack.up()
    assert sm.describe_secret(SecretId=out["secret"])["RotationEnabled"] is True

    stack.destroy()
    assert inventory(moto) == before


def test_a_cache_recorded_before_the_schedule_existed_gets_it_at_its_next_update(new_stack, moto, tmp_path):
    """A state recorded by a release without authTokenRotationDays (its inputs lack it, no
    rotation function) plans no change after the upgrade, even after a refresh; the cache's
    next update, for any reason, sets the default schedule up."""
    before = inventory(moto)
    stack = new_stack(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0))
    stack.up()
    out = stack.outputs()
    name = f"{out['id']}-auth-rotation"
    sm = moto.client("secretsmanager")
    # The cache as that release left it: no schedule, no function, no role, and no trace of
    # them in the state.
    sm.cancel_rotate_secret(SecretId=out["secret"])
    moto.client("lambda").delete_function(FunctionName=name)
    iam = moto.client("iam")
    iam.delete_role_policy(RoleName=name, PolicyName="rotate-auth-token")
    iam.delete_role(RoleName=name)
    state = stack.export()
    [cache] = [r for r in state["deployment"]["resources"] if r["type"] == TOKEN]
    for part in (cache["inputs"], cache["outputs"]):
        part.pop("authTokenRotationDays", None)
        part.pop("authRotationFunctionArn", None)
        part.pop("authRotationRoleArn", None)
        part["__defaults"] = [d for d in part.get("__defaults", []) if d != "authTokenRotationDays"]
    recorded = tmp_path / "recorded.json"
    recorded.write_text(json.dumps(state))
    stack.run("stack", "import", "--file", str(recorded))

    stack.preview("--expect-no-changes")
    stack.refresh()
    stack.preview("--expect-no-changes")
    assert not sm.describe_secret(SecretId=out["secret"]).get("RotationEnabled")

    stack.write(program(replicas=0, skipFinalSnapshot=True, secretRecoveryDays=0,
                        tags={"team": "records"}))
    stack.up()
    described = sm.describe_secret(SecretId=out["secret"])
    assert described["RotationEnabled"] is True, described
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 30
    assert described["RotationLambdaARN"].endswith(f":function:{name}")
    stack.refresh()
    stack.preview("--expect-no-changes")
    assert rotation_control(stack)["satisfied"] is True

    stack.destroy()
    assert inventory(moto) == before


@pytest.mark.parametrize("recovery", [0, 7])
def test_a_new_port_replaces_a_named_cache_by_deleting_it_first(new_stack, moto, recovery):
    """A user-given id cannot be held by two caches at once: the replacement deletes the old
    cache first, then makes the new one under the same id, with its own key, secret and
    security group. The old secret, when it has a recovery window, is scheduled for deletion
    under its name, which a new secret cannot take: the new one gets a name of its own."""
    quick = {"replicas": 0, "skipFinalSnapshot": True, "secretRecoveryDays": recovery,
             "replicationGroupId": f"sessions-named{recovery}"}
    stack = new_stack(program(**quick))
    stack.up()
    out = stack.outputs(show_secrets=True)
    before = inventory(moto)
    stack.write(program(port=6380, **quick))
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    new = stack.outputs(show_secrets=True)
    assert new["id"] == out["id"] == quick["replicationGroupId"]
    assert new["token"] != out["token"] and new["key"] != out["key"]
    assert live_groups(moto).count(new["id"]) == 1
    assert secret(moto, new["secret"])["port"] == 6380
    rules, _ = ingress(moto, new["sg"])
    assert [r["FromPort"] for r in rules] == [6380]
    assert {k: sorted(v) for k, v in inventory(moto).items()} == \
        {k: sorted(v) for k, v in before.items()}
    stack.destroy()
