"""healthcare:index:Platform: the whole platform as one component, built by Construct, through
the real pulumi CLI and YAML language host against moto."""

import importlib.util
from pathlib import Path

import pytest
import yaml

from harness.inline import inline_stack, quiet
from harness.inventory import added, inventory

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

TOKEN = "healthcare:index:Platform"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/clinical-api:1.0.0"
CHILDREN = {
    "healthcare:network:SecureVpc": "network",
    "healthcare:streaming:KinesisPipeline": "events",
    "healthcare:cache:EncryptedRedis": "cache",
    "healthcare:database:HipaaPostgres": "db",
    "healthcare:compute:FargateCluster": "services",
}


def yaml_example(name):
    """The example's program, less what the test stack sets itself (name, runtime, plugins)."""
    program = yaml.safe_load((EXAMPLES / name / "Pulumi.yaml").read_text())
    return {k: program[k] for k in ("config", "resources", "outputs") if k in program}


def python_example(name):
    """The `program` function of a Python example (its program.py)."""
    spec = importlib.util.spec_from_file_location(f"{name}.program", EXAMPLES / name / "program.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


def program(**props):
    props = {"cidrBlock": "10.70.0.0/16", "natGateways": "single", "skipFinalSnapshot": True,
             "services": {"api": {"image": IMAGE, "containerPort": 8080,
                                  "environment": {"LOG_LEVEL": "info"}}},
             **props}
    return {
        "resources": {"platform": {"type": TOKEN, "properties": props}},
        "outputs": {"vpcId": "${platform.vpcId}", "databaseSecretArn": "${platform.databaseSecretArn}",
                    "cacheSecretArn": "${platform.cacheSecretArn}", "clusterName": "${platform.clusterName}",
                    "producerRoleArn": "${platform.producerRoleArn}", "serviceArns": "${platform.serviceArns}",
                    "compliance": "${platform.compliance}",
                    "applicationSecurityGroupId": "${platform.applicationSecurityGroupId}",
                    "isolatedSubnetIds": "${platform.isolatedSubnetIds}",
                    "privateSubnetIds": "${platform.privateSubnetIds}",
                    "publicSubnetIds": "${platform.publicSubnetIds}",
                    "databaseEndpoint": "${platform.databaseEndpoint}",
                    "databasePort": "${platform.databasePort}",
                    "cacheEndpoint": "${platform.cacheEndpoint}",
                    "cachePort": "${platform.cachePort}"},
    }


def children(stack):
    """type -> the child's state, for the platform's children."""
    resources = stack.export()["deployment"]["resources"]
    [platform] = [r for r in resources if r["type"] == TOKEN]
    return platform, {r["type"]: r for r in resources if r.get("parent") == platform["urn"]}


def ingress_sources(moto, group_id, port):
    [group] = moto.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    return sorted(pair["GroupId"] for rule in group["IpPermissions"] if rule.get("FromPort") == port
                  for pair in rule.get("UserIdGroupPairs", []))


def check_wiring(moto, stack, out):
    platform, kids = children(stack)
    app_group = out["applicationSecurityGroupId"]
    db, cache, cluster = (kids[t]["outputs"] for t in ("healthcare:database:HipaaPostgres",
                                                        "healthcare:cache:EncryptedRedis",
                                                        "healthcare:compute:FargateCluster"))
    # The database and the cache: isolated subnets, only the application group let in.
    assert ingress_sources(moto, db["securityGroupId"], 5432) == [app_group]
    assert ingress_sources(moto, cache["securityGroupId"], 6379) == [app_group]
    rds = moto.client("rds")
    [group] = rds.describe_db_subnet_groups(DBSubnetGroupName=db["subnetGroupName"])["DBSubnetGroups"]
    assert sorted(s["SubnetIdentifier"] for s in group["Subnets"]) == sorted(out["isolatedSubnetIds"])
    # The service: private subnets with the application group, reading both secrets.
    api = cluster["serviceOutputs"]["api"]
    ecs = moto.client("ecs")
    [svc] = ecs.describe_services(cluster=out["clusterName"], services=["api"])["services"]
    net = svc["networkConfiguration"]["awsvpcConfiguration"]
    assert sorted(net["subnets"]) == sorted(out["privateSubnetIds"])
    assert app_group in net["securityGroups"]
    td = ecs.describe_task_definition(taskDefinition=api["taskDefinitionArn"])["taskDefinition"]
    [container] = td["containerDefinitions"]
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    assert secrets["DATABASE_PASSWORD"] == f"{out['databaseSecretArn']}:password::"
    assert secrets["REDIS_AUTH_TOKEN"] == f"{out['cacheSecretArn']}:authToken::"
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["LOG_LEVEL"] == "info" and env["DATABASE_HOST"] == db["endpoint"] == out["databaseEndpoint"]
    assert env["DATABASE_PORT"] == str(out["databasePort"]) == "5432"
    assert env["REDIS_HOST"] == cache["primaryEndpoint"] == out["cacheEndpoint"]
    assert env["REDIS_PORT"] == str(out["cachePort"]) == "6379"
    # The public subnets: the VPC's, with the internet gateway's route (for load balancers).
    ec2 = moto.client("ec2")
    public = ec2.describe_subnets(SubnetIds=out["publicSubnetIds"])["Subnets"]
    assert len(public) == 2 and {s["VpcId"] for s in public} == {out["vpcId"]}
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": out["publicSubnetIds"]}])["RouteTables"]
    assert tables and all(any(r.get("GatewayId", "").startswith("igw-") and
                              r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in t["Routes"])
                          for t in tables), tables
    assert env["KINESIS_PRODUCER_ROLE_ARN"] == out["producerRoleArn"]
    # The task role may assume the stream's producer role, and nothing else was given.
    iam = moto.client("iam")
    role = api["taskRoleArn"].rsplit("/", 1)[-1]
    statements = [s for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
                  for s in iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"]]
    assert any(s["Action"] in ("sts:AssumeRole", ["sts:AssumeRole"]) and
               s["Resource"] in (out["producerRoleArn"], [out["producerRoleArn"]]) for s in statements), statements
    return platform, kids


def test_the_platform_lifecycle_through_the_cli(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(cacheNodeType="cache.t4g.medium"))

    # Preview: the component and its five children, all creates, and not one AWS call.
    proxy.clear_log()
    steps = stack.preview_json()["steps"]
    ops = {s["urn"].rsplit("::", 1)[-1]: s["op"] for s in steps}
    assert ops["platform"] == "create"
    for part in CHILDREN.values():
        assert ops[f"platform-{part}"] == "create", ops
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    platform, kids = check_wiring(moto, stack, out)
    assert set(kids) == set(CHILDREN)
    urns = stack.run("stack", "--show-urns").stdout
    for token, part in CHILDREN.items():
        assert f"{TOKEN}${token}::platform-{part}" in urns, urns
    controls = out["compliance"]["controls"]
    assert {c["resource"] for c in controls} == {"network", "events", "cache", "database", "services"}
    assert out["compliance"]["compliant"] is True, [c for c in controls if not c["satisfied"]]

    # Nothing changed: nothing to do. One input changed: only the child it feeds updates.
    assert set(s["op"] for s in stack.preview_json()["steps"]) == {"same"}
    stack.write(program(cacheNodeType="cache.r7g.large"))
    steps = {s["urn"].rsplit("::", 1)[-1]: s for s in stack.preview_json()["steps"]}
    changed = {name: s["op"] for name, s in steps.items() if s["op"] != "same"}
    assert changed == {"platform-cache": "update"}, changed
    stack.up()
    cache_id = children(stack)[1]["healthcare:cache:EncryptedRedis"]["id"]
    [group] = moto.client("elasticache").describe_replication_groups(ReplicationGroupId=cache_id)[
        "ReplicationGroups"]
    assert group["CacheNodeType"] == "cache.r7g.large"

    # Refresh, then destroy: deletion protection (on by default) refuses, as for the database alone.
    stack.refresh()
    refused = stack.run("destroy", "--yes", check=False)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert "deletion protection on" in said and "`deletionProtection: false` on its healthcare:index:Platform" in said, said[-3000:]
    stack.write(program(cacheNodeType="cache.r7g.large", deletionProtection=False))
    stack.up()
    stack.destroy()
    assert added(before, inventory(moto)) == {}


def test_a_preview_with_an_unknown_input_passes_it_on_unknown(new_stack, proxy):
    prog = program()
    prog["resources"]["source"] = {"type": "healthcare:streaming:KinesisPipeline", "properties": {}}
    prog["resources"]["platform"]["properties"]["services"]["api"]["environment"] = {
        "SOURCE_STREAM": "${source.streamArn}"}
    stack = new_stack(prog)
    proxy.clear_log()
    steps = stack.preview_json()["steps"]
    assert {s["urn"].rsplit("::", 1)[-1] for s in steps if s["op"] == "create"} >= {
        "platform", "platform-services", "source"}
    assert proxy.log() == []


def test_a_child_that_fails_is_named_and_the_others_stay_in_state(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program(deletionProtection=False, services={}))
    rule = proxy.add_rule("error", service="elasticache", operation="CreateReplicationGroup",
                          error="access_denied")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    said = failed.stdout + failed.stderr
    assert failed.returncode != 0
    # The engine reports the failure under the child's own name, with AWS's refusal.
    diagnostics = said.split("Diagnostics:", 1)[-1]
    assert "healthcare:cache:EncryptedRedis (platform-cache):" in diagnostics, said[-3000:]
    child_error = diagnostics.split("healthcare:cache:EncryptedRedis (platform-cache):", 1)[1]
    assert "CreateReplicationGroup failed: AccessDenied" in child_error.split("\n\n", 1)[0], said[-3000:]
    _, kids = children(stack)
    assert {"healthcare:network:SecureVpc", "healthcare:streaming:KinesisPipeline",
            "healthcare:database:HipaaPostgres"} <= set(kids), sorted(kids)
    proxy.remove_rule(rule)
    stack.up()
    _, kids = children(stack)
    assert "healthcare:cache:EncryptedRedis" in kids and "healthcare:compute:FargateCluster" not in kids
    stack.destroy()
    assert added(before, inventory(moto)) == {}


@pytest.mark.parametrize("props, prop", [
    ({"namePrefix": "2-bad"}, "namePrefix"),
    ({"services": {"api": {"image": IMAGE, "environment": {"DATABASE_HOST": "x"}}}},
     "services.api.environment.DATABASE_HOST"),
    ({"streamShardCount": "many"}, "streamShardCount"),
    # refused by the child's own check, named by the component input that fed it
    ({"cacheNodeType": "r7g.large"}, "cacheNodeType: \"r7g.large\" is not a cache node type"),
    ({"streamShardCount": 0}, "streamShardCount: must be between 1"),
    ({"services": {"api": {"image": IMAGE, "cpu": 300}}}, "services.api.cpu: 300 is not a Fargate CPU size"),
])
def test_bad_inputs_are_refused_naming_the_input(new_stack, moto, props, prop):
    before = inventory(moto)
    stack = new_stack(program(**props))
    failed = stack.run("preview", check=False)
    said = failed.stdout + failed.stderr
    assert failed.returncode != 0 and prop in said, said[-3000:]
    assert inventory(moto) == before


def unsatisfied(compliance):
    """The rules a platform's compliance output reports not satisfied."""
    rules = {c["rule"] for c in compliance["controls"] if not c["satisfied"]}
    assert compliance["compliant"] is (not rules)
    return rules


def gone(moto, out):
    """True when the platform's VPC, database, cache, stream and cluster are all gone."""
    ec2, rds = moto.client("ec2"), moto.client("rds")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [out["vpcId"]]}])["Vpcs"]
    dbs = [d for d in rds.describe_db_instances()["DBInstances"]
           if d["Endpoint"]["Address"] == out["databaseEndpoint"] and d["DBInstanceStatus"] != "deleting"]
    streams = moto.client("kinesis").list_streams()["StreamNames"]
    clusters = [c for c in moto.client("ecs").describe_clusters(clusters=[out["clusterName"]])["clusters"]
                if c["status"] == "ACTIVE"]
    return not vpcs and not dbs and out["streamName"] not in streams and not clusters


def test_the_yaml_example(new_stack, moto, proxy):
    stack = new_stack(yaml_example("platform-component"))
    stack.run("config", "set", "deletionProtection", "false")
    proxy.clear_log()
    steps = stack.preview_steps()
    assert {s["op"] for name, s in steps.items() if name != "healthcare-e2e-e2e"} == {"create"}, steps
    assert len(steps) == 7 and proxy.log() == [], proxy.operations()
    stack.up()
    out = stack.outputs()
    assert unsatisfied(out["compliance"]) == {"rds-instance-deletion-protection-enabled"}
    assert list(out["services"]) == ["api"]
    _, kids = children(stack)
    state = {t: k["outputs"] for t, k in kids.items()}
    out.update(vpcId=state["healthcare:network:SecureVpc"]["vpcId"],
               clusterName=state["healthcare:compute:FargateCluster"]["clusterName"],
               streamName=out["stream"])
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert gone(moto, out)


def test_the_python_example_through_the_generated_sdk(tmp_path, moto, proxy):
    program = python_example("platform-component-python")
    with inline_stack(tmp_path, "platform-component-python", lambda: program(deletion_protection=False),
                      proxy.url) as stack:
        proxy.clear_log()
        preview = stack.preview(on_output=quiet)
        assert preview.change_summary == {"create": 7}, preview.change_summary
        assert proxy.log() == [], proxy.operations()
        result = stack.up(on_output=quiet)
        out = {k: v.value for k, v in result.outputs.items()}
        assert unsatisfied(out["compliance"]) == {"rds-instance-deletion-protection-enabled"}
        assert list(out["services"]) == ["api"]
        secret = moto.client("secretsmanager").describe_secret(SecretId=out["databaseSecretArn"])
        assert secret["ARN"] == out["databaseSecretArn"]
        assert stack.preview(on_output=quiet).change_summary == {"same": 7}


def with_options(prog, name="platform", **options):
    """The program with the platform renamed and given resource options."""
    resource = prog["resources"].pop("platform")
    prog["resources"][name] = {**resource, "options": options}
    prog["outputs"] = {k: v.replace("${platform.", f"${{{name}.") for k, v in prog["outputs"].items()}
    return prog


def test_resource_options_reach_the_children_as_the_engine_defines_them(new_stack, moto):
    before = inventory(moto)
    base = dict(deletionProtection=False, services={})
    stack = new_stack(with_options(program(cacheNodeType="cache.t4g.medium", **base), protect=True,
                                   ignoreChanges=["cacheNodeType"]))
    stack.up()
    _, kids = children(stack)
    assert all(k.get("protect") for k in kids.values()), {t: k.get("protect") for t, k in kids.items()}

    # ignoreChanges on a component input holds the child property it feeds.
    stack.write(with_options(program(cacheNodeType="cache.r7g.large", **base), protect=True,
                             ignoreChanges=["cacheNodeType"]))
    assert {s["op"] for s in stack.preview_json()["steps"]} == {"same"}

    # Protected children refuse a destroy, and nothing is deleted.
    refused = stack.run("destroy", "--yes", check=False)
    assert refused.returncode != 0 and "protected" in refused.stdout + refused.stderr
    assert set(children(stack)[1]) == set(kids)

    # Renamed with an alias: the children, named after the component, are renamed with it
    # (the engine derives their aliases from the component's), and nothing is replaced.
    ids = {t: k["id"] for t, k in kids.items()}
    stack.write(with_options(program(cacheNodeType="cache.t4g.medium", **base),
                             name="clinical", aliases=[{"name": "platform"}]))
    steps = stack.preview_json()["steps"]
    assert {s["op"] for s in steps} <= {"same", "update"}, [(s["urn"], s["op"]) for s in steps]
    stack.up()
    platform, kids = children(stack)
    assert platform["urn"].endswith("::clinical") and len(kids) == 4
    assert {k["urn"].rsplit("::", 1)[1] for k in kids.values()} == {
        "clinical-network", "clinical-events", "clinical-cache", "clinical-db"}
    assert {t: k["id"] for t, k in kids.items()} == ids
    assert not any(k.get("protect") for k in kids.values())
    stack.destroy()
    assert added(before, inventory(moto)) == {}


def test_a_targeted_update_changes_only_the_child_it_targets(new_stack, moto):
    before = inventory(moto)
    base = dict(deletionProtection=False, services={})
    stack = new_stack(program(cacheNodeType="cache.t4g.medium", streamRetentionHours=168, **base))
    stack.up()
    _, kids = children(stack)
    cache = kids["healthcare:cache:EncryptedRedis"]
    # Services added too: the cluster they need is a create the target leaves out, so its
    # outputs are unknown to the component, which records the rest.
    services = {"api": {"image": IMAGE, "containerPort": 8080}}
    stack.write(program(cacheNodeType="cache.r7g.large", streamRetentionHours=48,
                        **{**base, "services": services}))
    stack.run("up", "--yes", "--skip-preview", "--target", cache["urn"])
    _, kids = children(stack)
    assert kids["healthcare:cache:EncryptedRedis"]["outputs"]["nodeType"] == "cache.r7g.large"
    assert kids["healthcare:streaming:KinesisPipeline"]["outputs"]["retentionHours"] == 168
    assert "healthcare:compute:FargateCluster" not in kids
    out = stack.outputs()
    assert out["cacheSecretArn"] == cache["outputs"]["authSecretArn"] and out.get("clusterName") is None
    stack.up()
    _, kids = children(stack)
    assert kids["healthcare:streaming:KinesisPipeline"]["outputs"]["retentionHours"] == 48
    assert list(stack.outputs()["serviceArns"]) == ["api"]
    stack.destroy()
    assert added(before, inventory(moto)) == {}
