"""The example programs that rebuild the reference stacks (examples/seed*), through the real
CLI against moto: preview with no AWS call, up, the stack's exports checked against what AWS
holds, a preview with no changes, destroy leaving nothing of the stack."""

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from harness.inline import inline_stack, quiet

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def primary_address(group):
    """A replication group's primary endpoint address; none for a cluster-mode group (its
    shards have no primary endpoint of their own), which the emulator may also hold."""
    return group["NodeGroups"][0].get("PrimaryEndpoint", {}).get("Address") if group.get("NodeGroups") else None


def the_one(objects, is_it):
    """The objects `is_it` picks out of a listing: the emulator is shared by every test that
    runs in the same process, so a listing may hold other tests' objects too."""
    return [o for o in objects if is_it(o)]


def yaml_example(name):
    """The example's program, less what the test stack sets itself (name, runtime, plugins)."""
    program = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    return {k: program[k] for k in ("config", "resources", "outputs") if k in program}


def test_seed003_yaml_vpc_ecs_postgres(new_stack, moto, proxy):
    stack = new_stack(yaml_example("seed003-yaml"))
    stack.run("config", "set", "healthcare:region", "eu-south-1")
    stack.run("config", "set", "databaseDeletionProtection", "false")
    stack.run("config", "set", "environmentSuffix", "qa")

    proxy.clear_log()
    steps = stack.preview_steps()
    assert {s["op"] for name, s in steps.items() if name != "healthcare-e2e-e2e"} == {"create"}, steps
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    ec2 = moto.client("ec2", region="eu-south-1")
    [vpc] = ec2.describe_vpcs(VpcIds=[out["VPCId"]])["Vpcs"]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = ec2.describe_subnets(SubnetIds=out["PublicSubnetIds"] + out["PrivateSubnetIds"])["Subnets"]
    assert len(subnets) == 4 and {s["VpcId"] for s in subnets} == {out["VPCId"]}
    [nat] = out["NATGatewayIds"].values()
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "available"
    rds = moto.client("rds", region="eu-south-1")
    [db] = the_one(rds.describe_db_instances()["DBInstances"], lambda d: d["DBInstanceArn"] == out["RDSArn"])
    assert db["Endpoint"]["Port"] == out["RDSPort"] == 5432
    assert db["MultiAZ"] is True and db["StorageEncrypted"] is True and db["KmsKeyId"] == out["KMSKeyId"]
    ecs = moto.client("ecs", region="eu-south-1")
    [cluster] = ecs.describe_clusters(clusters=[out["ECSClusterName"]])["clusters"]
    assert cluster["clusterArn"] == out["ECSClusterArn"] and cluster["status"] == "ACTIVE"
    [svc] = ecs.describe_services(cluster=out["ECSClusterName"], services=[out["ECSServiceName"]])["services"]
    assert svc["serviceArn"] == out["ECSServiceArn"] and svc["desiredCount"] == 1
    assert out["StackName"] == "e2e" and out["EnvironmentSuffix"] == "qa"

    stack.preview("--expect-no-changes")
    stack.destroy()
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [out["VPCId"]]}])["Vpcs"] == []
    assert [d for d in rds.describe_db_instances()["DBInstances"] if d["DBInstanceArn"] == out["RDSArn"]] == []
    assert [c for c in ecs.describe_clusters(clusters=[out["ECSClusterName"]])["clusters"]
            if c["status"] == "ACTIVE"] == []


def python_example(name):
    """The `program` function of a Python example (its program.py)."""
    spec = importlib.util.spec_from_file_location(f"{name}.program", EXAMPLES / name / "program.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


def test_seed000_python_vpc_redis_ecs(tmp_path, moto, proxy):
    region = "eu-south-2"
    with inline_stack(tmp_path, "seed000-python", python_example("seed000-python"), proxy.url,
                      region=region) as stack:
        proxy.clear_log()
        preview = stack.preview(on_output=quiet)
        assert preview.change_summary == {"create": 4}, preview.change_summary
        assert proxy.log() == [], proxy.operations()

        out = {k: v.value for k, v in stack.up(on_output=quiet).outputs.items()}
        assert out["region"] == region
        assert moto.client("ec2", region=region).describe_vpcs(VpcIds=[out["vpc_id"]])["Vpcs"]
        [group] = the_one(moto.client("elasticache", region=region).describe_replication_groups()["ReplicationGroups"],
                          lambda g: primary_address(g) == out["redis_endpoint"])
        primary = group["NodeGroups"][0]["PrimaryEndpoint"]
        assert (primary["Address"], primary["Port"]) == (out["redis_endpoint"], out["redis_port"])
        assert group["TransitEncryptionEnabled"] and group["AtRestEncryptionEnabled"]
        assert group["AutomaticFailover"] == "enabled" and len(group["MemberClusters"]) == 2
        ecs = moto.client("ecs", region=region)
        [cluster] = ecs.describe_clusters(clusters=[out["ecs_cluster_name"]], include=["SETTINGS"])["clusters"]
        assert cluster["clusterArn"] == out["ecs_cluster_arn"]
        assert {"name": "containerInsights", "value": "enabled"} in cluster["settings"]
        task = ecs.describe_task_definition(taskDefinition=out["task_definition_arn"])["taskDefinition"]
        assert (task["cpu"], task["memory"]) == ("256", "512")
        [container] = task["containerDefinitions"]
        assert {"name": "REDIS_HOST", "value": out["redis_endpoint"]} in container["environment"]
        assert [s["name"] for s in container["secrets"]] == ["REDIS_AUTH_TOKEN"]

        again = stack.preview(on_output=quiet)
        assert set(again.change_summary) == {"same"}, again.change_summary

        stack.destroy(on_output=quiet)
        assert moto.client("ec2", region=region).describe_vpcs(
            Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])["Vpcs"] == []
        assert ecs.describe_clusters(clusters=[out["ecs_cluster_name"]])["clusters"][0]["status"] == "INACTIVE"


SEED001_EXPORTS = {
    "region", "vpc_id", "public_subnet_ids", "private_subnet_ids", "nat_eip_id", "nat_gateway_id",
    "public_route_table_id", "private_route_table_id", "kinesis_stream_name", "kinesis_stream_arn",
    "rds_instance_identifier", "rds_endpoint", "rds_port", "rds_secret_arn", "rds_security_group_id",
    "redis_primary_endpoint", "redis_reader_endpoint", "redis_port", "redis_secret_arn",
    "redis_security_group_id", "db_subnet_group_name", "elasticache_subnet_group_name",
    "kinesis_producer_role_arn",
}


def test_seed001_python_vpc_kinesis_postgres_redis(tmp_path, moto, proxy):
    program = python_example("seed001-python")
    config = {"seed001-python:databaseDeletionProtection": "false"}
    with inline_stack(tmp_path, "seed001-python", program, proxy.url, config=config) as stack:
        proxy.clear_log()
        assert stack.preview(on_output=quiet).change_summary == {"create": 5}
        assert proxy.log() == [], proxy.operations()

        out = {k: v.value for k, v in stack.up(on_output=quiet).outputs.items()}
        assert set(out) == SEED001_EXPORTS, set(out) ^ SEED001_EXPORTS
        ec2 = moto.client("ec2")
        assert out["region"] == "us-east-1"
        [nat] = ec2.describe_nat_gateways(NatGatewayIds=[out["nat_gateway_id"]])["NatGateways"]
        assert nat["VpcId"] == out["vpc_id"] and nat["NatGatewayAddresses"][0]["AllocationId"] == out["nat_eip_id"]
        tables = ec2.describe_route_tables(RouteTableIds=[out["public_route_table_id"], *out["private_route_table_id"]])
        assert len(tables["RouteTables"]) == 3
        subnets = ec2.describe_subnets(SubnetIds=out["public_subnet_ids"] + out["private_subnet_ids"])["Subnets"]
        assert len(subnets) == 4 and {s["VpcId"] for s in subnets} == {out["vpc_id"]}
        stream = moto.client("kinesis").describe_stream_summary(StreamName=out["kinesis_stream_name"])
        summary = stream["StreamDescriptionSummary"]
        assert summary["StreamARN"] == out["kinesis_stream_arn"] and summary["OpenShardCount"] == 2
        assert summary["RetentionPeriodHours"] == 24 and summary["EncryptionType"] == "KMS"
        [db] = moto.client("rds").describe_db_instances(DBInstanceIdentifier=out["rds_instance_identifier"])["DBInstances"]
        assert (db["Endpoint"]["Address"], db["Endpoint"]["Port"]) == (out["rds_endpoint"], out["rds_port"])
        assert db["MasterUserSecret"]["SecretArn"] == out["rds_secret_arn"]
        assert db["DBSubnetGroup"]["DBSubnetGroupName"] == out["db_subnet_group_name"]
        assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [out["rds_security_group_id"]]
        assert db["MultiAZ"] and db["BackupRetentionPeriod"] == 30
        [group] = the_one(moto.client("elasticache").describe_replication_groups()["ReplicationGroups"],
                          lambda g: primary_address(g) == out["redis_primary_endpoint"])
        # (moto answers no reader endpoint; the export is what AWS answers, here nothing)
        assert group["NodeGroups"][0].get("ReaderEndpoint", {}).get("Address", "") == out["redis_reader_endpoint"]
        assert moto.client("secretsmanager").describe_secret(SecretId=out["redis_secret_arn"])["ARN"] == out["redis_secret_arn"]
        assert moto.client("iam").get_role(RoleName=out["kinesis_producer_role_arn"].rsplit("/", 1)[-1])["Role"]["Arn"] \
            == out["kinesis_producer_role_arn"]

        assert set(stack.preview(on_output=quiet).change_summary) == {"same"}
        stack.destroy(on_output=quiet)
        assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])["Vpcs"] == []
        assert moto.client("kinesis").list_streams()["StreamNames"].count(out["kinesis_stream_name"]) == 0


def go_env():
    cache = Path.home() / ".cache" / "pulumi-healthcare" / "go"
    return {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly -buildvcs=false",
            "GOMODCACHE": os.environ.get("GOMODCACHE", str(cache / "mod")),
            "GOCACHE": os.environ.get("GOCACHE", str(cache / "build"))}


def inline_env(tmp_path, project, config):
    """The environment of an Automation API runner (examples/*/inline): backend, CLI, config."""
    (tmp_path / "state").mkdir(exist_ok=True)
    (tmp_path / "work").mkdir(exist_ok=True)
    return {**os.environ,
            "PATH": os.pathsep.join([str(REPO / "bin"), str(REPO / ".tools" / "bin"), os.environ["PATH"]]),
            "PULUMI_ROOT": str(REPO / ".tools"), "INLINE_WORK_DIR": str(tmp_path / "work"),
            "PULUMI_BACKEND_URL": f"file://{tmp_path / 'state'}", "PULUMI_CONFIG_PASSPHRASE": project,
            "PULUMI_HOME": str(tmp_path / "home"), "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true", "INLINE_CONFIG": json.dumps(config)}


def test_seed002_go_vpc_kinesis_ecs_aurora_redis(tmp_path, moto, proxy):
    """The Go program, built with the Go SDK and run as an Automation API inline program."""
    region = "us-west-2"
    runner = tmp_path / "inline"
    built = subprocess.run(["go", "build", "-o", str(runner), "./inline"], cwd=EXAMPLES / "seed002-go",
                           env=go_env(), capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    env = inline_env(tmp_path, "seed002-go", {
        "healthcare:endpoint": proxy.url, "healthcare:region": region, "healthcare:maxRetries": "1",
        "seed002-go:databaseDeletionProtection": "false"})

    def step(name):
        done = subprocess.run([str(runner), name], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"inline {name}:\n{done.stderr[-3000:]}"
        return json.loads(done.stdout)

    proxy.clear_log()
    assert step("preview") == {"create": 6}
    assert proxy.log() == [], proxy.operations()
    try:
        out = step("up")
        kinesis = moto.client("kinesis", region=region)
        summary = kinesis.describe_stream_summary(StreamName=out["kinesis_stream_name"])["StreamDescriptionSummary"]
        assert summary["StreamARN"] == out["kinesis_stream_arn"] and summary["OpenShardCount"] == 4
        assert summary["KeyId"] == out["kms_key_arn"] == out["kms_key_id"]
        [cluster] = the_one(moto.client("rds", region=region).describe_db_clusters()["DBClusters"],
                            lambda c: c["Endpoint"] == out["rds_cluster_endpoint"])
        assert cluster["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 2.0}
        [group] = the_one(moto.client("elasticache", region=region).describe_replication_groups()["ReplicationGroups"],
                          lambda g: primary_address(g) == out["elasticache_primary_endpoint"])
        assert group["SnapshotRetentionLimit"] == 5
        ecs = moto.client("ecs", region=region)
        [ecs_cluster] = ecs.describe_clusters(clusters=[out["ecs_cluster_name"]])["clusters"]
        assert ecs_cluster["clusterArn"] == out["ecs_cluster_arn"]
        [svc] = ecs.describe_services(cluster=out["ecs_cluster_name"], services=[out["ecs_service_name"]])["services"]
        assert svc["status"] == "ACTIVE"
        targets = moto.client("application-autoscaling", region=region).describe_scalable_targets(
            ServiceNamespace="ecs")["ScalableTargets"]
        assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets
                if t["ResourceId"] == f"service/{out['ecs_cluster_name']}/api"] == [(2, 10)]
        assert set(step("preview")) == {"same"}
    finally:
        step("destroy")
    assert moto.client("ec2", region=region).describe_vpcs(
        Filters=[{"Name": "vpc-id", "Values": [out["vpc_id"]]}])["Vpcs"] == []


def test_seed004_typescript_vpc_aurora_rotation_ecs_task(tmp_path, moto, proxy):
    """The TypeScript program, compiled with tsc against the compiled SDK (installed as npm
    installs it) and run as a Node.js Automation API inline program."""
    sdk = subprocess.run([str(REPO / "scripts" / "sdk-nodejs.sh")], capture_output=True, text=True, timeout=900)
    assert sdk.returncode == 0, sdk.stderr
    toolchain = Path(sdk.stdout.strip().splitlines()[-1]).parent.parent / "toolchain"
    build = tmp_path / "seed004"
    shutil.copytree(EXAMPLES / "seed004-typescript", build)
    (build / "node_modules").symlink_to(toolchain / "node_modules")
    compiled = subprocess.run([str(toolchain / "node_modules" / ".bin" / "tsc")], cwd=build,
                              capture_output=True, text=True, timeout=600)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    env = inline_env(tmp_path, "seed004-typescript", {
        "healthcare:endpoint": proxy.url, "healthcare:region": "us-east-1", "healthcare:maxRetries": "1",
        "seed004-typescript:databaseDeletionProtection": "false"})

    def step(name):
        done = subprocess.run(["node", str(build / "bin" / "inline.js"), name], env=env,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"inline {name}:\n{done.stderr[-3000:]}"
        return json.loads(done.stdout)

    proxy.clear_log()
    assert step("preview") == {"create": 4}
    assert proxy.log() == [], proxy.operations()
    try:
        out = step("up")
        ec2 = moto.client("ec2")
        subnets = ec2.describe_subnets(SubnetIds=out["publicSubnetIds"] + out["privateSubnetIds"])["Subnets"]
        assert len(subnets) == 4 and {s["VpcId"] for s in subnets} == {out["vpcId"]}
        [cluster] = the_one(moto.client("rds").describe_db_clusters()["DBClusters"],
                            lambda c: c["Endpoint"] == out["clusterEndpoint"])
        assert cluster["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 1.0}
        assert cluster["MasterUserSecret"]["SecretArn"] == out["secretArn"]
        rotation = moto.client("secretsmanager").describe_secret(SecretId=out["secretArn"])
        assert rotation["RotationEnabled"] and rotation["RotationRules"]["AutomaticallyAfterDays"] == 30
        task = moto.client("ecs").describe_task_definition(taskDefinition=out["taskDefinitionArn"])["taskDefinition"]
        assert task["networkMode"] == "awsvpc"
        [container] = task["containerDefinitions"]
        assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": f"{out['secretArn']}:password::"}]
        [group] = moto.client("logs").describe_log_groups(
            logGroupNamePrefix=container["logConfiguration"]["options"]["awslogs-group"])["logGroups"]
        assert group["kmsKeyId"]
        assert moto.client("ecs").describe_clusters(clusters=[out["ecsClusterName"]])["clusters"][0]["status"] == "ACTIVE"
        assert set(step("preview")) == {"same"}
    finally:
        step("destroy")
    assert moto.client("ec2").describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]}])["Vpcs"] == []
