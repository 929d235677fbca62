"""HipaaPostgres inside a SecureVpc, through the real pulumi CLI and YAML language host, against moto."""

import json
import re

import pytest
import yaml

TOKEN = "healthcare:database:HipaaPostgres"
APP_CIDR = "10.40.0.0/20"
# Quick to tear down: no deletion protection, no final snapshot.
DISPOSABLE = {"deletionProtection": False, "skipFinalSnapshot": True}


def program(options=None, **props):
    db = {"vpcId": "${network.vpcId}", "subnetIds": "${network.isolatedSubnetIds}",
          "allowedCidrBlocks": [APP_CIDR], **props}
    resource = {"type": TOKEN, "properties": db}
    if options:
        resource["options"] = options
    return {
        "resources": {
            "network": {"type": "healthcare:network:SecureVpc",
                        "properties": {"cidrBlock": "10.40.0.0/16", "availabilityZoneCount": 2,
                                       "natGateways": "none"}},
            "db": resource,
        },
        "outputs": {"id": "${db.identifier}", "endpoint": "${db.endpoint}",
                    "reader": "${db.readerEndpoint}", "port": "${db.port}",
                    "sg": "${db.securityGroupId}", "secret": "${db.masterUserSecretArn}",
                    "key": "${db.kmsKeyArn}", "params": "${db.parameterGroupName}",
                    "subnetGroup": "${db.subnetGroupName}", "role": "${db.monitoringRoleArn}",
                    "pending": "${db.pendingModifications}", "reboot": "${db.pendingReboot}",
                    "instances": "${db.instances}", "compliance": "${db.compliance}",
                    "compliant": "${db.compliance.compliant}", "drift": "${db.drift}",
                    "isolated": "${network.isolatedSubnetIds}"},
    }


def unsatisfied(out):
    """Rules not satisfied, besides the deletion protection DISPOSABLE turns off."""
    return [c["rule"] for c in out["compliance"]["controls"]
            if not c["satisfied"] and c["rule"] != "rds-instance-deletion-protection-enabled"]


def rds(moto):
    return moto.client("rds")


def instance(moto, db_id):
    return rds(moto).describe_db_instances(DBInstanceIdentifier=db_id)["DBInstances"][0]


def cluster(moto, db_id):
    return rds(moto).describe_db_clusters(DBClusterIdentifier=db_id)["DBClusters"][0]


def live_instances(moto):
    return [d["DBInstanceIdentifier"] for d in rds(moto).describe_db_instances()["DBInstances"]
            if d["DBInstanceStatus"] != "deleting"]


def inventory(moto):
    client = rds(moto)
    return {
        "instances": live_instances(moto),
        "clusters": [c["DBClusterIdentifier"] for c in client.describe_db_clusters()["DBClusters"]],
        "subnet_groups": [g["DBSubnetGroupName"] for g in client.describe_db_subnet_groups()["DBSubnetGroups"]],
        "parameter_groups": [g["DBParameterGroupName"] for g in client.describe_db_parameter_groups()["DBParameterGroups"]
                             if not g["DBParameterGroupName"].startswith("default.")],
        "cluster_parameter_groups": [g["DBClusterParameterGroupName"] for g in
                                     client.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
                                     if not g["DBClusterParameterGroupName"].startswith("default.")],
        "roles": sorted(r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]),
        "secrets": [s["Name"] for s in moto.client("secretsmanager").list_secrets()["SecretList"]
                    if not s.get("DeletedDate")],
        "vpcs": [v["VpcId"] for v in moto.client("ec2").describe_vpcs()["Vpcs"] if not v.get("IsDefault")],
    }


def ingress(moto, sg):
    [g] = moto.client("ec2").describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    return g["IpPermissions"], g["IpPermissionsEgress"]


def user_parameters(moto, group, aurora=False):
    client = rds(moto)
    if aurora:
        found = client.describe_db_cluster_parameters(DBClusterParameterGroupName=group, Source="user")
    else:
        found = client.describe_db_parameters(DBParameterGroupName=group, Source="user")
    return {p["ParameterName"]: p["ParameterValue"] for p in found["Parameters"]}


def test_the_postgres_lifecycle_inside_a_secure_vpc(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program())
    proxy.clear_log()
    preview = stack.preview_json()
    ops = {s["urn"].rsplit("::", 1)[-1]: s["op"] for s in preview["steps"]}
    assert ops["network"] == "create" and ops["db"] == "create", ops
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    assert out["compliant"] is True and out["drift"] == [], out["compliance"]
    assert len(out["compliance"]["controls"]) == 11
    db = instance(moto, out["id"])
    assert db["Engine"] == "postgres" and db["EngineVersion"] == "16.4"
    assert db["DBInstanceClass"] == "db.t4g.medium" and db["StorageType"] == "gp3"
    assert (db["AllocatedStorage"], db["MaxAllocatedStorage"]) == (20, 100)
    assert db["StorageEncrypted"] is True and db["KmsKeyId"] == out["key"]
    assert db["PubliclyAccessible"] is False and db["MultiAZ"] is True
    assert db["BackupRetentionPeriod"] == 30 and db["DeletionProtection"] is True
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert db["MonitoringInterval"] == 60 and db["MonitoringRoleArn"] == out["role"]
    assert db["PerformanceInsightsEnabled"] is True and db["PerformanceInsightsKMSKeyId"] == out["key"]
    assert db["PerformanceInsightsRetentionPeriod"] == 7
    assert db["MasterUsername"] == "healthcare_admin" and db["DBName"] == "healthcare"
    assert db["MasterUserSecret"]["SecretArn"] == out["secret"]
    assert db["MasterUserSecret"]["KmsKeyId"] == out["key"]
    assert db["Endpoint"]["Address"] == out["endpoint"] and out["port"] == 5432
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [out["sg"]]
    assert db["DBParameterGroups"][0]["DBParameterGroupName"] == out["params"]
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1"}
    rotation = moto.client("secretsmanager").describe_secret(SecretId=out["secret"])
    assert rotation["RotationEnabled"] is True and rotation["RotationRules"]["AutomaticallyAfterDays"] == 30
    rules, egress = ingress(moto, out["sg"])
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"], [c["CidrIp"] for c in r["IpRanges"]]) for r in rules] == \
        [("tcp", 5432, 5432, [APP_CIDR])]
    assert egress == []
    subnets = rds(moto).describe_db_subnet_groups(DBSubnetGroupName=out["subnetGroup"])["DBSubnetGroups"][0]
    assert sorted(s["SubnetIdentifier"] for s in subnets["Subnets"]) == sorted(out["isolated"])
    stack.preview("--expect-no-changes")
    stack.run("refresh", "--yes", "--expect-no-changes")

    # Instance class and backup retention change in place, at once when asked.
    stack.write(program(instanceClass="db.r7g.large", backupRetentionDays=14, applyImmediately=True))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    grown = stack.outputs()
    db = instance(moto, out["id"])
    assert grown["id"] == out["id"] and db["DBInstanceClass"] == "db.r7g.large"
    assert db["BackupRetentionPeriod"] == 14 and grown["pending"] == {}
    stack.preview("--expect-no-changes")

    # Without applyImmediately the class change waits for the maintenance window.
    stack.write(program(instanceClass="db.r7g.xlarge", backupRetentionDays=14))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    waiting = stack.outputs()
    assert waiting["pending"] == {"instanceClass": "db.r7g.xlarge"}, waiting["pending"]
    assert instance(moto, out["id"])["DBInstanceClass"] == "db.r7g.large"
    stack.preview("--expect-no-changes")

    # Deletion protection: destroy fails, says how to proceed, and the database stays.
    refused = stack.run("destroy", "--yes", check=False)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert "deletion protection on" in said and "deletionProtection: false" in said, said[-3000:]
    assert out["id"] in live_instances(moto)

    stack.write(program(instanceClass="db.r7g.xlarge", backupRetentionDays=14, deletionProtection=False))
    stack.up()
    assert instance(moto, out["id"])["DeletionProtection"] is False
    stack.destroy()
    after = inventory(moto)
    assert after == before, after
    snapshots = rds(moto).describe_db_snapshots(DBInstanceIdentifier=out["id"])["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in snapshots if s["SnapshotType"] == "manual"] and \
        all(s["DBSnapshotIdentifier"].startswith(f"{out['id']}-final-") for s in snapshots
            if s["SnapshotType"] == "manual"), snapshots
    # The key stays usable: the final snapshot is encrypted with it.
    assert moto.client("kms").describe_key(KeyId=out["key"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_the_aurora_lifecycle_inside_a_secure_vpc(new_stack, moto):
    before = inventory(moto)
    stack = new_stack(program(engine="aurora-postgresql", deletionProtection=False))
    stack.up()
    out = stack.outputs()
    assert unsatisfied(out) == [] and out["drift"] == [], out["compliance"]
    c = cluster(moto, out["id"])
    assert c["Engine"] == "aurora-postgresql" and c["StorageEncrypted"] is True and c["KmsKeyId"] == out["key"]
    assert c["BackupRetentionPeriod"] == 30 and c["IAMDatabaseAuthenticationEnabled"] is True
    assert c["EnabledCloudwatchLogsExports"] == ["postgresql"]
    assert c["MasterUserSecret"]["KmsKeyId"] == out["key"]
    assert c["DBClusterParameterGroup"] == out["params"]
    assert user_parameters(moto, out["params"], aurora=True) == {"rds.force_ssl": "1"}
    assert [g["VpcSecurityGroupId"] for g in c["VpcSecurityGroups"]] == [out["sg"]]
    assert out["endpoint"] == c["Endpoint"] and out["reader"] == c["ReaderEndpoint"]
    writers = [m["DBInstanceIdentifier"] for m in c["DBClusterMembers"] if m["IsClusterWriter"]]
    assert len(c["DBClusterMembers"]) == 2 and out["instances"][0] == writers[0]
    for member in out["instances"]:
        db = instance(moto, member)
        assert db["PubliclyAccessible"] is False and db["DBInstanceClass"] == "db.t4g.medium"
        assert db["PerformanceInsightsEnabled"] is True and db["MonitoringInterval"] == 60
    stack.preview("--expect-no-changes")
    stack.run("refresh", "--yes", "--expect-no-changes")
    stack.preview("--expect-no-changes")

    # A second reader and a new class, in place.
    stack.write(program(engine="aurora-postgresql", deletionProtection=False, readers=2,
                        instanceClass="db.r7g.large", applyImmediately=True))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    grown = stack.outputs()
    assert grown["id"] == out["id"] and len(grown["instances"]) == 3
    assert {instance(moto, m)["DBInstanceClass"] for m in grown["instances"]} == {"db.r7g.large"}
    stack.preview("--expect-no-changes")

    stack.destroy()
    assert inventory(moto) == before
    snapshots = rds(moto).describe_db_cluster_snapshots(DBClusterIdentifier=out["id"])["DBClusterSnapshots"]
    assert any(s["DBClusterSnapshotIdentifier"].startswith(f"{out['id']}-final-") for s in snapshots), snapshots


def test_aurora_serverless_v2_scales_in_place(new_stack, moto):
    props = {"engine": "aurora-postgresql", "minCapacity": 0.5, "maxCapacity": 4, **DISPOSABLE}
    stack = new_stack(program(**props))
    stack.up()
    out = stack.outputs()
    c = cluster(moto, out["id"])
    assert c["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 4.0}
    assert {instance(moto, m)["DBInstanceClass"] for m in out["instances"]} == {"db.serverless"}
    stack.preview("--expect-no-changes")
    stack.write(program(**{**props, "maxCapacity": 16}))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    assert cluster(moto, out["id"])["ServerlessV2ScalingConfiguration"]["MaxCapacity"] == 16.0
    stack.destroy()


def test_changing_the_engine_replaces_the_database(new_stack, moto):
    stack = new_stack(program(**DISPOSABLE))
    stack.up()
    old = stack.outputs()
    stack.write(program(engine="aurora-postgresql", **DISPOSABLE))
    # The preview says which property forces the replacement, why, and what it costs.
    preview = stack.preview()
    preview = preview.stdout + preview.stderr
    assert re.search(r"`engine` cannot change in place, so this change replaces the resource: "
                     r"an RDS instance and an Aurora cluster are different kinds of database\. "
                     r"The new database starts empty", " ".join(preview.split())), preview
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    new = stack.outputs()
    assert new["id"] != old["id"] and old["id"] not in live_instances(moto)
    assert cluster(moto, new["id"])["Engine"] == "aurora-postgresql"
    stack.destroy()


def test_changing_the_engine_of_a_named_database_deletes_it_first(new_stack, moto):
    """A user-given identifier cannot be held by two databases at once: the replacement
    deletes the instance, its subnet and parameter groups, security group and key first,
    then makes the cluster under the same identifier."""
    named = {"identifier": "records-named", **DISPOSABLE}
    stack = new_stack(program(**named))
    stack.up()
    old = stack.outputs()
    stack.write(program(engine="aurora-postgresql", **named))
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    new = stack.outputs()
    assert new["id"] == old["id"] == "records-named"
    assert "records-named" not in live_instances(moto)
    assert cluster(moto, new["id"])["Engine"] == "aurora-postgresql"
    assert new["key"] != old["key"] and new["compliant"] is not None
    stack.destroy()


@pytest.mark.parametrize("props,prop,rule", [
    ({"publiclyAccessible": True}, "publiclyAccessible", "rds-instance-public-access-check"),
    ({"backupRetentionDays": 3}, "backupRetentionDays", "db-instance-backup-enabled"),
    ({"storageEncrypted": False}, "storageEncrypted", "rds-storage-encrypted"),
])
def test_bad_inputs_fail_preview_naming_the_property_and_rule(new_stack, proxy, props, prop, rule):
    stack = new_stack(program(**props))
    proxy.clear_log()
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert re.search(rf"resource 'db': property {re.escape(prop)} value .* has a problem: .*{rule}",
                     result.stderr), result.stderr[-2000:]
    assert not [op for op in proxy.operations() if op.startswith("rds:")]


# Pulumi's engine logs every property value it marshals at -v=9; the master password is
# never a property, so it must appear in no line at all.
def test_the_master_password_is_in_no_output_state_or_log(new_stack, moto):
    stack = new_stack(program(**DISPOSABLE))
    up = stack.run("up", "--yes", "--skip-preview", "-v=9", "--logflow", "--logtostderr")
    out = stack.outputs(show_secrets=True)
    value = json.loads(moto.client("secretsmanager").get_secret_value(SecretId=out["secret"])["SecretString"])
    password = value["password"]
    assert len(password) >= 8
    assert password not in json.dumps(out)
    assert password not in json.dumps(stack.export())
    assert password not in up.stdout and password not in up.stderr
    stack.refresh()
    destroyed = stack.run("destroy", "--yes", "-v=9", "--logflow", "--logtostderr")
    assert password not in destroyed.stdout and password not in destroyed.stderr


def test_drift_shows_on_refresh_and_up_repairs_it(new_stack, moto):
    stack = new_stack(program(**DISPOSABLE))
    stack.up()
    out = stack.outputs()
    rds(moto).modify_db_instance(
        DBInstanceIdentifier=out["id"], BackupRetentionPeriod=7, PubliclyAccessible=True,
        CloudwatchLogsExportConfiguration={"DisableLogTypes": ["postgresql"]}, ApplyImmediately=True)
    moto.client("ec2").authorize_security_group_ingress(GroupId=out["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    stack.refresh()
    [state] = stack.resources(TOKEN)
    outputs = state["outputs"]
    assert outputs["backupRetentionDays"] == 7 and outputs["publiclyAccessible"] is True
    assert outputs["logExports"] == ["upgrade"]
    assert any("tcp port 22 from 0.0.0.0/0" in d for d in outputs["drift"]), outputs["drift"]
    assert sorted(unsatisfied(outputs)) == ["rds-instance-public-access-check", "rds-logging-enabled",
                                            "vpc-sg-open-only-to-authorized-ports"]
    step = stack.preview_steps()["db"]
    assert step["op"] == "update", step
    assert {"backupRetentionDays", "publiclyAccessible", "logExports"} <= set(step["diffReasons"]), step
    assert "subnetIds" not in step["diffReasons"], step
    assert {key: change["kind"] for key, change in step["detailedDiff"].items()} == {
        "backupRetentionDays": "update", "publiclyAccessible": "update", "logExports": "update",
        "drift": "delete"}, step
    assert step["detailedDiff"]["drift"]["inputDiff"] is False, step
    stack.up()
    fixed = stack.outputs()
    assert fixed["drift"] == [] and unsatisfied(fixed) == []
    db = instance(moto, out["id"])
    assert db["BackupRetentionPeriod"] == 30 and db["PubliclyAccessible"] is False
    assert sorted(db["EnabledCloudwatchLogsExports"]) == ["postgresql", "upgrade"]
    rules, _ = ingress(moto, out["sg"])
    assert [r["FromPort"] for r in rules] == [5432]
    stack.destroy()


def test_deletion_protection_turned_off_outside_pulumi_is_put_back(new_stack, moto):
    stack = new_stack(program(skipFinalSnapshot=True))
    stack.up()
    out = stack.outputs()
    rds(moto).modify_db_instance(DBInstanceIdentifier=out["id"], DeletionProtection=False, ApplyImmediately=True)
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert state["outputs"]["deletionProtection"] is False
    assert not state["outputs"]["compliance"]["compliant"]
    stack.up()
    assert instance(moto, out["id"])["DeletionProtection"] is True
    stack.write(program(skipFinalSnapshot=True, deletionProtection=False))
    stack.up()
    stack.destroy()


@pytest.mark.parametrize("engine", ["postgres", "aurora-postgresql"])
def test_import_by_identifier_previews_with_no_changes(new_stack, tmp_path, engine):
    source = new_stack(program(engine=engine, **DISPOSABLE), name="source")
    source.up()
    db_id = source.outputs()["id"]
    target = new_stack({"resources": {}}, name="target")
    generated = tmp_path / "imported.yaml"
    target.run("import", TOKEN, "imported", db_id, "--yes", "--protect=false", "--out", str(generated))
    target.write({"resources": yaml.safe_load(generated.read_text()).get("resources", {})})
    target.preview("--expect-no-changes")
    target.run("state", "delete", f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::imported", "--yes")


def test_a_failed_create_leaves_a_partial_state_that_up_completes(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(**DISPOSABLE))
    proxy.add_rule("error", service="rds", operation="CreateDBInstance", error="access_denied")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0 and "CreateDBInstance" in failed.stdout + failed.stderr
    [partial] = stack.resources(TOKEN)
    assert partial["id"] and partial["outputs"]["kmsKeyArn"]
    assert live_instances(moto) == before["instances"]
    proxy.clear_rules()
    stack.up()
    out = stack.outputs()
    assert unsatisfied(out) == [] and out["id"] == partial["id"]
    stack.destroy()
    after = inventory(moto)
    assert after == before, after


# The warning `up` gives for a static parameter change (the stack's outputs, printed by every
# `up`, include one named "reboot", so the word alone proves nothing).
REBOOT_WARNING = re.compile(r"shared_preload_libraries change\(s\) take effect at the next reboot")


def pending_reboot(stack):
    """pendingReboot as the last refresh or up read it."""
    [state] = stack.resources(TOKEN)
    return state["outputs"]["pendingReboot"]


def test_a_static_parameter_waits_for_a_reboot(new_stack, moto):
    params = {"log_min_duration_statement": "500"}
    stack = new_stack(program(parameters=params, **DISPOSABLE))
    up = stack.up()
    assert not REBOOT_WARNING.search(up.stdout), up.stdout
    out = stack.outputs()
    assert out["reboot"] is False
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1", **params}
    stack.preview("--expect-no-changes")
    params = {"log_min_duration_statement": "500", "shared_preload_libraries": "pg_stat_statements,pgaudit"}
    stack.write(program(parameters=params, **DISPOSABLE))
    up = stack.up()
    assert REBOOT_WARNING.search(up.stdout), up.stdout
    out = stack.outputs()
    assert out["reboot"] is True
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1", **params}
    stack.preview("--expect-no-changes")
    rds(moto).reboot_db_instance(DBInstanceIdentifier=out["id"])
    stack.refresh()
    assert pending_reboot(stack) is False
    stack.destroy()


def test_an_aurora_static_parameter_waits_for_every_member_to_reboot(new_stack, moto):
    props = {"engine": "aurora-postgresql", **DISPOSABLE}
    params = {"log_min_duration_statement": "500"}
    stack = new_stack(program(parameters=params, **props))
    stack.up()
    out = stack.outputs()
    assert out["reboot"] is False and len(out["instances"]) == 2
    params = {**params, "shared_preload_libraries": "pg_stat_statements,pgaudit"}
    stack.write(program(parameters=params, **props))
    up = stack.up()
    assert REBOOT_WARNING.search(up.stdout), up.stdout
    out = stack.outputs()
    assert out["reboot"] is True
    assert user_parameters(moto, out["params"], aurora=True) == {"rds.force_ssl": "1", **params}
    members = cluster(moto, out["id"])["DBClusterMembers"]
    assert {m["DBInstanceIdentifier"]: m["DBClusterParameterGroupStatus"] for m in members} == \
        {member: "pending-reboot" for member in out["instances"]}
    stack.preview("--expect-no-changes")
    # Aurora PostgreSQL 16 reboots each instance on its own: the writer alone leaves the reader
    # with the old settings, and the cluster still waits.
    writer, reader = out["instances"]
    rds(moto).reboot_db_instance(DBInstanceIdentifier=writer)
    stack.refresh()
    assert pending_reboot(stack) is True
    rds(moto).reboot_db_instance(DBInstanceIdentifier=reader)
    stack.refresh()
    assert pending_reboot(stack) is False
    stack.destroy()


@pytest.mark.parametrize("engine,version,family", [("postgres", "13.15", "postgres13"),
                                                   ("aurora-postgresql", "13.12", "aurora-postgresql13")])
def test_postgresql_13_gets_its_own_parameter_family(new_stack, moto, engine, version, family):
    stack = new_stack(program(engine=engine, engineVersion=version, **DISPOSABLE))
    stack.up()
    out = stack.outputs()
    assert unsatisfied(out) == [] and out["params"].endswith(f"-{family}"), out
    aurora = engine == "aurora-postgresql"
    reported = cluster(moto, out["id"]) if aurora else instance(moto, out["id"])
    assert reported["EngineVersion"] == version
    assert user_parameters(moto, out["params"], aurora=aurora) == {"rds.force_ssl": "1"}
    stack.preview("--expect-no-changes")
    stack.destroy()


def test_waiting_for_the_database_shows_what_rds_is_doing(new_stack, proxy):
    stack = new_stack(program(**DISPOSABLE))
    # Two lookups before CreateDBInstance find nothing; the first poll after it sees `creating`.
    proxy.add_rule("rewrite", service="rds", operation="DescribeDBInstances",
                   find="<DBInstanceStatus>available</DBInstanceStatus>",
                   replace="<DBInstanceStatus>creating</DBInstanceStatus>", times=3)
    up = stack.up()
    assert re.search(r"waiting for DB instance \S+ to be available \(creating\), 0m0\ds", up.stdout), up.stdout
    stack.destroy()


def test_custom_timeouts_bound_the_wait(new_stack, proxy):
    stack = new_stack(program(options={"customTimeouts": {"create": "3s"}}, **DISPOSABLE))
    proxy.add_rule("rewrite", service="rds", operation="DescribeDBInstances",
                   find="<DBInstanceStatus>available</DBInstanceStatus>",
                   replace="<DBInstanceStatus>creating</DBInstanceStatus>")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    said = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "timed out" in said.lower(), said[-3000:]
    [partial] = stack.resources(TOKEN)
    assert partial["id"], "the engine keeps track of the database that was started"
    proxy.clear_rules()
    stack.up()
    stack.destroy()


def test_a_major_upgrade_is_in_place_and_a_downgrade_is_refused(new_stack, moto):
    stack = new_stack(program(engineVersion="15.8", applyImmediately=True, **DISPOSABLE))
    stack.up()
    old = stack.outputs()
    assert old["params"].endswith("-postgres15")
    stack.write(program(engineVersion="16.4", applyImmediately=True, **DISPOSABLE))
    failed = stack.preview(check=False)
    assert failed.returncode != 0 and "allowMajorVersionUpgrade" in failed.stdout + failed.stderr
    stack.write(program(engineVersion="16.4", allowMajorVersionUpgrade=True, applyImmediately=True,
                        **DISPOSABLE))
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    upgraded = stack.outputs()
    db = instance(moto, old["id"])
    assert upgraded["id"] == old["id"] and db["EngineVersion"] == "16.4"
    assert upgraded["params"].endswith("-postgres16") and db["DBParameterGroups"][0]["DBParameterGroupName"] == upgraded["params"]
    groups = [g["DBParameterGroupName"] for g in rds(moto).describe_db_parameter_groups()["DBParameterGroups"]]
    assert old["params"] not in groups and upgraded["params"] in groups
    stack.preview("--expect-no-changes")

    # RDS cannot go back; a replacement would start empty, so the downgrade is refused, not
    # planned, and the database is left as it is.
    stack.write(program(engineVersion="15.8", applyImmediately=True, **DISPOSABLE))
    failed = stack.preview(check=False)
    text = " ".join((failed.stdout + failed.stderr).split())
    assert failed.returncode != 0 and "engineVersion" in text, text
    assert "RDS cannot downgrade PostgreSQL from 16.4 to 15.8" in text, text
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    assert live_instances(moto).count(old["id"]) == 1 and instance(moto, old["id"])["EngineVersion"] == "16.4"
    stack.write(program(engineVersion="16.4", allowMajorVersionUpgrade=True, applyImmediately=True,
                        **DISPOSABLE))
    stack.destroy()


def test_a_new_port_applies_in_place(new_stack, moto):
    stack = new_stack(program(**DISPOSABLE))
    stack.up()
    old = stack.outputs()
    created = instance(moto, old["id"])["InstanceCreateTime"]
    stack.write(program(port=6543, **DISPOSABLE))
    step = stack.preview_steps()["db"]
    assert step["op"] == "update" and step["diffReasons"] == ["port"], step
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    out = stack.outputs()
    db = instance(moto, old["id"])
    assert out["id"] == old["id"] and db["InstanceCreateTime"] == created
    assert db["Endpoint"]["Port"] == 6543 and out["port"] == 6543
    # The database's security group moved with it: the new port only, from the same sources.
    [sg] = moto.client("ec2").describe_security_groups(GroupIds=[out["sg"]])["SecurityGroups"]
    assert [(r["FromPort"], r["ToPort"]) for r in sg["IpPermissions"]] == [(6543, 6543)], sg
    assert [r["CidrIp"] for r in sg["IpPermissions"][0]["IpRanges"]] == [APP_CIDR]
    assert unsatisfied(out) == [] and out["drift"] == [], out
    stack.preview("--expect-no-changes")
    stack.destroy()


def test_parameters_removed_from_the_program_are_reset(new_stack, moto):
    params = {"log_min_duration_statement": "500", "log_connections": "1"}
    stack = new_stack(program(parameters=params, **DISPOSABLE))
    stack.up()
    out = stack.outputs()
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1", **params}
    stack.write(program(parameters={"log_connections": "1"}, **DISPOSABLE))
    changes = stack.up_summary()
    assert changes.get("update") == 1, changes
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1", "log_connections": "1"}
    stack.write(program(**DISPOSABLE))
    stack.up()
    assert user_parameters(moto, out["params"]) == {"rds.force_ssl": "1"}
    stack.preview("--expect-no-changes")
    stack.destroy()
