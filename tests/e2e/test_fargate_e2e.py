"""FargateCluster in a SecureVpc, through the real pulumi CLI and YAML language host, against moto."""

import json
import re
import uuid

import pytest
import yaml

TOKEN = "healthcare:compute:FargateCluster"
APP_CIDR = "10.60.0.0/20"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0"


def service(**props):
    return {"image": IMAGE, "cpu": 256, "memory": 512, "containerPort": 8080,
            "environment": {"LOG_LEVEL": "info"},
            "vpcId": "${network.vpcId}", "subnetIds": "${network.privateSubnetIds}",
            "allowedCidrBlocks": [APP_CIDR], **props}


def program(cluster, services=None, **props):
    services = services if services is not None else {"api": service()}
    return {
        "resources": {
            "network": {"type": "healthcare:network:SecureVpc",
                        "properties": {"cidrBlock": "10.60.0.0/16", "availabilityZoneCount": 2,
                                       "natGateways": "single"}},
            "app": {"type": TOKEN, "properties": {"clusterName": cluster, "services": services, **props}},
        },
        "outputs": {"cluster": "${app.clusterName}", "arn": "${app.clusterArn}", "key": "${app.kmsKeyArn}",
                    "execLogs": "${app.execLogGroupName}", "services": "${app.serviceOutputs}",
                    "compliant": "${app.compliance.compliant}", "drift": "${app.drift}",
                    "vpcId": "${network.vpcId}"},
    }


def unique(prefix="clin"):
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def ecs(moto):
    return moto.client("ecs")


def cluster_of(moto, name):
    found = ecs(moto).describe_clusters(clusters=[name], include=["SETTINGS", "CONFIGURATIONS", "TAGS"])
    return [c for c in found["clusters"] if c["status"] == "ACTIVE"]


def service_of(moto, cluster, name):
    [s] = ecs(moto).describe_services(cluster=cluster, services=[name])["services"]
    return s


def task_definition(moto, arn):
    return ecs(moto).describe_task_definition(taskDefinition=arn)["taskDefinition"]


def role_policy(moto, role, policy):
    return moto.client("iam").get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]


def scaling(moto, cluster, name):
    aas = moto.client("application-autoscaling")
    rid = f"service/{cluster}/{name}"
    targets = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[rid])["ScalableTargets"]
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=rid)["ScalingPolicies"]
    return targets, policies


def inventory(moto, cluster):
    """Every object of the cluster's name that AWS still holds as live."""
    families = [a for a in ecs(moto).list_task_definitions(status="ACTIVE")["taskDefinitionArns"]
                if f"task-definition/{cluster}-" in a]
    targets = [t for t in moto.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs")["ScalableTargets"] if t["ResourceId"].startswith(f"service/{cluster}/")]
    roles = [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"] if r["RoleName"].startswith(cluster)]
    groups = [g["logGroupName"] for g in moto.client("logs").describe_log_groups(
        logGroupNamePrefix=f"/healthcare/ecs/{cluster}/")["logGroups"]]
    sgs = [g["GroupId"] for g in moto.client("ec2").describe_security_groups()["SecurityGroups"]
           if g["GroupName"].startswith(f"{cluster}-")]
    services = [s["serviceName"] for s in ecs(moto).describe_services(
        cluster=cluster, services=["api", "worker"])["services"] if s["status"] != "INACTIVE"]
    return {"clusters": cluster_of(moto, cluster), "services": services, "task_definitions": families,
            "targets": targets, "roles": roles, "log_groups": groups, "security_groups": sgs}


EMPTY = {"clusters": [], "services": [], "task_definitions": [], "targets": [], "roles": [], "log_groups": [],
         "security_groups": []}


def make_secret(moto, name):
    kms = moto.client("kms")
    key = kms.create_key(Description="app secrets")["KeyMetadata"]["Arn"]
    arn = moto.client("secretsmanager").create_secret(
        Name=name, SecretString=json.dumps({"password": "pw"}), KmsKeyId=key)["ARN"]
    return arn, key


def test_the_cluster_lifecycle_through_the_cli(new_stack, moto, proxy):
    name = unique()
    secret, secret_key = make_secret(moto, f"{name}/db")
    stack = new_stack(program(name, {"api": service(secrets={"DB_PASSWORD": f"{secret}:password::"},
                                                    securityGroupIds=["${network.applicationSecurityGroupId}"])}))

    # Preview of a fresh stack: a create, and not one AWS call.
    proxy.clear_log()
    steps = stack.preview_steps()
    assert steps["app"]["op"] == "create"
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    api = out["services"]["api"]
    [c] = cluster_of(moto, name)
    assert {"name": "containerInsights", "value": "enabled"} in c["settings"]
    exec_conf = c["configuration"]["executeCommandConfiguration"]
    assert exec_conf["kmsKeyId"] == out["key"] and exec_conf["logging"] == "OVERRIDE"
    assert exec_conf["logConfiguration"]["cloudWatchLogGroupName"] == out["execLogs"]
    assert exec_conf["logConfiguration"]["cloudWatchEncryptionEnabled"] is True
    for group in [out["execLogs"], api["logGroupName"]]:
        [g] = moto.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
        assert g["kmsKeyId"] == out["key"] and g["retentionInDays"] == 365, g

    svc = service_of(moto, name, "api")
    assert svc["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    vpc_conf = svc["networkConfiguration"]["awsvpcConfiguration"]
    app_group = stack.export()["deployment"]["resources"]
    app_group = next(r["outputs"]["applicationSecurityGroupId"] for r in app_group
                     if r["type"] == "healthcare:network:SecureVpc")
    assert vpc_conf["assignPublicIp"] == "DISABLED"
    assert sorted(vpc_conf["securityGroups"]) == sorted([api["securityGroupId"], app_group])
    assert svc["launchType"] == "FARGATE" and svc["enableExecuteCommand"] is False

    td = task_definition(moto, api["taskDefinitionArn"])
    assert td["networkMode"] == "awsvpc" and td["requiresCompatibilities"] == ["FARGATE"]
    [container] = td["containerDefinitions"]
    assert container["readonlyRootFilesystem"] is True and container["privileged"] is False
    assert container["logConfiguration"]["logDriver"] == "awslogs"
    assert container["logConfiguration"]["options"]["awslogs-group"] == api["logGroupName"]
    # The delivery mode is chosen, not left to the account's defaultLogDriverMode.
    assert container["logConfiguration"]["options"]["mode"] == "non-blocking"
    assert container["logConfiguration"]["options"]["max-buffer-size"] == "25m"
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"}]
    assert container["environment"] == [{"name": "LOG_LEVEL", "value": "info"}]

    execution = role_policy(moto, f"{name}-api-exec", "task-execution")
    allowed = {s["Sid"]: s for s in execution["Statement"]}
    assert allowed["ReadNamedSecrets"]["Resource"] == [secret]
    assert allowed["DecryptNamedSecrets"]["Resource"] == [secret_key]
    assert allowed["WriteOwnLogs"]["Resource"].endswith(f"log-group:{api['logGroupName']}:*")
    task = role_policy(moto, f"{name}-api-task", "task")
    assert [s["Sid"] for s in task["Statement"]] == ["DenyInsecureTransport"]
    # ECS may assume the task's roles only on behalf of this account (confused deputy).
    account = moto.client("sts").get_caller_identity()["Account"]
    for role in (f"{name}-api-exec", f"{name}-api-task"):
        trust = moto.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        [statement] = trust["Statement"]
        assert statement["Principal"] == {"Service": ["ecs-tasks.amazonaws.com"]}, trust
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": account}}, trust

    targets, policies = scaling(moto, name, "api")
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(2, 10)]
    [cpu] = policies
    config = cpu["TargetTrackingScalingPolicyConfiguration"]
    assert config["TargetValue"] == 70.0
    assert config["PredefinedMetricSpecification"]["PredefinedMetricType"] == "ECSServiceAverageCPUUtilization"

    [sg] = moto.client("ec2").describe_security_groups(GroupIds=[api["securityGroupId"]])["SecurityGroups"]
    assert [(p["FromPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in sg["IpPermissions"]] == [(8080, [APP_CIDR])]
    assert out["compliant"] is True and out["drift"] == []

    # No perpetual diff.
    stack.preview("--expect-no-changes")

    # In place: a new image is a new revision, the old one deregistered.
    stack.write(program(name, {"api": service(image=IMAGE.replace("1.0.0", "1.1.0"),
                                              secrets={"DB_PASSWORD": f"{secret}:password::"},
                                              securityGroupIds=["${network.applicationSecurityGroupId}"],
                                              logDeliveryMode="blocking")}))
    step = stack.preview_steps()["app"]
    assert step["op"] == "update", step
    stack.up()
    new_api = stack.outputs()["services"]["api"]
    assert new_api["taskDefinitionArn"] != api["taskDefinitionArn"]
    assert service_of(moto, name, "api")["taskDefinition"] == new_api["taskDefinitionArn"]
    assert task_definition(moto, api["taskDefinitionArn"])["status"] == "INACTIVE"
    [new_container] = task_definition(moto, new_api["taskDefinitionArn"])["containerDefinitions"]
    assert new_container["image"].endswith(":1.1.0")
    options = new_container["logConfiguration"]["options"]
    assert options["mode"] == "blocking" and "max-buffer-size" not in options, options

    # In place: the scaling range and target.
    stack.write(program(name, {"api": service(image=IMAGE.replace("1.0.0", "1.1.0"),
                                              secrets={"DB_PASSWORD": f"{secret}:password::"},
                                              securityGroupIds=["${network.applicationSecurityGroupId}"],
                                              logDeliveryMode="blocking",
                                              autoscaling={"minTasks": 2, "maxTasks": 6, "cpuTarget": 60})}))
    assert stack.preview_steps()["app"]["op"] == "update"
    stack.up()
    assert stack.outputs()["services"]["api"]["serviceArn"] == api["serviceArn"]
    targets, policies = scaling(moto, name, "api")
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(2, 6)]
    assert [p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policies] == [60.0]
    stack.preview("--expect-no-changes")

    stack.destroy()
    assert inventory(moto, name) == EMPTY


def test_drift_shows_on_refresh_and_up_repairs_it(new_stack, moto):
    name = unique()
    stack = new_stack(program(name))
    stack.up()
    ecs(moto).update_cluster(cluster=name, settings=[{"name": "containerInsights", "value": "disabled"}])
    aas = moto.client("application-autoscaling")
    aas.delete_scaling_policy(PolicyName=f"{name}-api-cpu", ServiceNamespace="ecs",
                              ResourceId=f"service/{name}/api", ScalableDimension="ecs:service:DesiredCount")
    stack.refresh()
    [state] = stack.resources(TOKEN)
    outputs = state["outputs"]
    assert "Container Insights is off" in outputs["drift"], outputs["drift"]
    assert "service api: its cpu target-tracking policy is missing" in outputs["drift"], outputs["drift"]
    assert outputs["compliance"]["compliant"] is False
    assert outputs["services"]["api"]["autoscaling"].get("cpuTarget") is None
    step = stack.preview_steps()["app"]
    assert step["op"] == "update" and "drift" in step["diffReasons"], step
    stack.up()
    fixed = stack.outputs()
    assert fixed["drift"] == [] and fixed["compliant"] is True
    [c] = cluster_of(moto, name)
    assert {"name": "containerInsights", "value": "enabled"} in c["settings"]
    _, policies = scaling(moto, name, "api")
    assert [p["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policies] == [70.0]
    stack.destroy()
    assert inventory(moto, name) == EMPTY


def test_services_are_added_and_removed_without_touching_the_others(new_stack, moto):
    name = unique()
    stack = new_stack(program(name))
    stack.up()
    api = stack.outputs()["services"]["api"]
    stack.write(program(name, {"api": service(), "worker": service(containerPort=None, allowedCidrBlocks=None,
                                                                   autoscaling={"minTasks": 1, "maxTasks": 3},
                                                                   desiredCount=1, enableExecuteCommand=True)}))
    stack.up()
    services = stack.outputs()["services"]
    # Exec on the worker only: its task role gains the exec channels and the audit log, the
    # api's task role stays bare.
    assert service_of(moto, name, "worker")["enableExecuteCommand"] is True
    worker_task = {s["Sid"] for s in role_policy(moto, f"{name}-worker-task", "task")["Statement"]}
    assert {"ExecChannels", "ExecAuditLog", "ExecSessionKey"} <= worker_task, worker_task
    assert [s["Sid"] for s in role_policy(moto, f"{name}-api-task", "task")["Statement"]] == ["DenyInsecureTransport"]
    assert services["api"] == {**api, **{k: services["api"][k] for k in ("desiredCount", "runningCount")}}
    worker = service_of(moto, name, "worker")
    assert worker["desiredCount"] == 1
    [sg] = moto.client("ec2").describe_security_groups(GroupIds=[services["worker"]["securityGroupId"]])["SecurityGroups"]
    assert sg["IpPermissions"] == []
    stack.preview("--expect-no-changes")
    stack.write(program(name))
    stack.up()
    assert sorted(stack.outputs()["services"]) == ["api"]
    assert service_of(moto, name, "worker")["status"] == "INACTIVE"
    assert service_of(moto, name, "api")["serviceArn"] == api["serviceArn"]
    assert [r for r in inventory(moto, name)["roles"] if "worker" in r] == []
    stack.destroy()
    assert inventory(moto, name) == EMPTY


def test_import_by_cluster_name_previews_with_no_changes(new_stack, tmp_path, moto):
    name = unique()
    source = new_stack(program(name), name="source")
    source.up()
    target = new_stack({"resources": {}}, name="target")
    generated = tmp_path / "imported.yaml"
    target.run("import", TOKEN, "imported", name, "--yes", "--protect=false", "--out", str(generated))
    target.write({"resources": yaml.safe_load(generated.read_text()).get("resources", {})})
    target.preview("--expect-no-changes")
    target.run("state", "delete", f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::imported", "--yes")
    source.destroy()
    assert inventory(moto, name) == EMPTY


def test_a_create_carries_on_with_the_cluster_an_interrupted_attempt_left(new_stack, moto):
    """With the user's own key, the cluster is what a create makes first. A plugin killed
    after it leaves a cluster tagged with the URN under another draw of the auto-name; the
    next create finds it through ECS's own list and tags, and carries on with it."""
    kms = moto.client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    stack = new_stack({"resources": {"app": {"type": TOKEN, "properties": {
        "kmsKeyId": key, "services": {}}}},
        "outputs": {"cluster": "${app.clusterName}"}})
    urn = f"urn:pulumi:{stack.stack}::healthcare-e2e::{TOKEN}::app"
    left = "app-k2j4h1x"
    ecs(moto).create_cluster(clusterName=left, tags=[{"key": "pulumi:urn", "value": urn}])
    # Another draw of the name whose URN is not this one's, and one deleted.
    ecs(moto).create_cluster(clusterName="app-a0a0a0a",
                             tags=[{"key": "pulumi:urn", "value": urn + "-other"}])
    ecs(moto).create_cluster(clusterName="app-0000000", tags=[{"key": "pulumi:urn", "value": urn}])
    ecs(moto).delete_cluster(cluster="app-0000000")
    result = stack.up()
    assert f"carrying on with {left}" in result.stdout, result.stdout
    assert stack.outputs()["cluster"] == left
    listed = [a.rsplit("/", 1)[1] for a in ecs(moto).list_clusters()["clusterArns"]]
    assert sorted(n for n in listed if n.startswith("app-") and cluster_of(moto, n)) == \
        ["app-a0a0a0a", left]
    stack.destroy()
    assert not cluster_of(moto, left)
    ecs(moto).delete_cluster(cluster="app-a0a0a0a")
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


@pytest.mark.parametrize("props,prop", [
    ({"privileged": True}, "services.api.privileged"),
    ({"readonlyRootFilesystem": False}, "services.api.readonlyRootFilesystem"),
    ({"assignPublicIp": True}, "services.api.assignPublicIp"),
    ({"allowedCidrBlocks": ["0.0.0.0/0"]}, "services.api.allowedCidrBlocks[0]"),
    # Two halves open what 0.0.0.0/0 does.
    ({"allowedCidrBlocks": ["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"]},
     "services.api.allowedCidrBlocks[1]"),
    ({"taskPolicyStatements": [{"actions": ["iam:PassRole"], "resources": ["*"]}]},
     "services.api.taskPolicyStatements[0].actions[0]"),
    ({"autoscaling": {"minTasks": 5, "maxTasks": 2}}, "services.api.autoscaling.maxTasks"),
    ({"cpu": 256, "memory": 4096}, "services.api.memory"),
])
def test_bad_inputs_fail_preview_naming_the_property(new_stack, props, prop):
    stack = new_stack(program(unique(), {"api": service(**props)}))
    result = stack.preview(check=False)
    assert result.returncode != 0
    assert re.search(rf"resource 'app': property {re.escape(prop)} value .* has a problem",
                     result.stderr), result.stderr[-2000:]


@pytest.mark.parametrize("props,prop", [
    ({"environment": {"DB_PASSWORD": "hunter2-plain"}}, "services.api.environment.DB_PASSWORD"),
    ({"secrets": {"DB_PASSWORD": "hunter2-plain"}}, "services.api.secrets.DB_PASSWORD"),
])
def test_credentials_in_plain_sight_are_refused_without_printing_them(new_stack, props, prop):
    stack = new_stack(program(unique(), {"api": service(**props)}))
    result = stack.preview(check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert prop in text, text[-2000:]
    assert "hunter2-plain" not in text, text[-2000:]


def live_services(moto, cluster):
    arns = ecs(moto).list_services(cluster=cluster)["serviceArns"] if cluster_of(moto, cluster) else []
    return [a.rsplit("/", 1)[-1] for a in arns]


def test_a_failed_write_after_the_cluster_leaves_a_partial_state_that_up_completes(new_stack, moto, proxy):
    name = unique()
    stack = new_stack(program(name))
    # The first write after the cluster's (named: under AWS-like lags, refusals of a
    # CreateCluster sent too early count among the writes).
    proxy.add_rule("error", service="ecs", operation="RegisterTaskDefinition", nth=1, error="access_denied")
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    assert "AccessDenied" in failed.stdout + failed.stderr, failed.stdout[-3000:]
    proxy.clear_rules()
    # The engine holds what was made: the cluster is in the state, not left behind.
    [state] = stack.resources(TOKEN)
    assert state["id"] == name and state["outputs"]["clusterArn"], state
    assert len(cluster_of(moto, name)) == 1
    stack.up()
    assert len(cluster_of(moto, name)) == 1 and live_services(moto, name) == ["api"]
    assert stack.outputs()["compliant"] is True
    stack.preview("--expect-no-changes")
    stack.destroy()
    assert inventory(moto, name) == EMPTY


def test_a_plugin_killed_during_the_rollout_wait_leaves_one_cluster_and_one_service(new_stack, moto, proxy):
    import subprocess
    import time

    from test_vpc_e2e import _kill_plugins

    name = unique()
    stack = new_stack(program(name))
    # The second DescribeServices is the first poll of the rollout wait (the first asks
    # whether the service exists); hold it, then kill the plugin.
    proxy.add_rule("hang", service="ecs", operation="DescribeServices", nth=2)
    up = subprocess.Popen(["pulumi", "up", "--yes", "--skip-preview", "--non-interactive"], cwd=stack.dir,
                          env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    while len(proxy.log(operation="DescribeServices")) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(proxy.log(operation="DescribeServices")) >= 2, "the create never reached the rollout wait"
    assert _kill_plugins(stack), "no plugin process found to kill"
    up.wait(timeout=120)
    proxy.clear_rules()
    assert len(cluster_of(moto, name)) == 1 and live_services(moto, name) == ["api"]
    stack.run("refresh", "--yes", "--clear-pending-creates", check=False)
    stack.up()
    assert len(cluster_of(moto, name)) == 1 and live_services(moto, name) == ["api"]
    assert stack.outputs()["compliant"] is True
    stack.destroy()
    assert inventory(moto, name) == EMPTY


def test_log_groups_kept_on_delete_keep_the_key_that_reads_them(new_stack, moto):
    name = unique()
    stack = new_stack(program(name, retainLogGroups=True))
    stack.up()
    out = stack.outputs()
    done = stack.run("destroy", "--yes")
    assert f"KMS key {out['key']} that decrypts them" in done.stdout + done.stderr, done.stdout[-2000:]
    logs, kms = moto.client("logs"), moto.client("kms")
    kept = [g["logGroupName"] for g in
            logs.describe_log_groups(logGroupNamePrefix=f"/healthcare/ecs/{name}/")["logGroups"]]
    assert sorted(kept) == sorted([out["execLogs"], f"/healthcare/ecs/{name}/api"]), kept
    assert kms.describe_key(KeyId=out["key"])["KeyMetadata"]["KeyState"] == "Enabled"
    for group in kept:
        logs.delete_log_group(logGroupName=group)
    kms.schedule_key_deletion(KeyId=out["key"], PendingWindowInDays=7)


def test_a_secret_environment_value_never_reaches_the_task_definition(new_stack, moto):
    """A value the program marked secret is refused in `environment`, naming the property and
    pointing at `secrets`, before anything is made and without printing the value."""
    name = unique()
    prog = program(name, {"api": service(environment={
        "LOG_LEVEL": "info", "UPSTREAM_URL": {"fn::secret": "hunter2-in-clear"}})})
    stack = new_stack(prog)
    result = stack.run("up", "--yes", check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "services.api.environment.UPSTREAM_URL" in text and "services.api.secrets" in text, text[-2000:]
    assert "hunter2-in-clear" not in text
    assert cluster_of(moto, name) == []


def test_the_replaced_revision_is_deregistered_even_when_the_list_leaves_it_out(new_stack, moto, proxy):
    # ListTaskDefinitions can leave a revision out for a while after it was registered (its
    # index lags); here it never lists the first one. The revision the service ran is known
    # by ARN, so the update still retires it.
    name = unique()
    stack = new_stack(program(name))
    stack.up()
    first = stack.outputs()["services"]["api"]["taskDefinitionArn"]
    revision = first.rsplit("/", 1)[-1]
    unlisted = proxy.add_rule("rewrite", service="ecs", operation="ListTaskDefinitions",
                              find=f"/{revision}\"", replace=f"/{revision.replace(':', '-unlisted:')}\"")
    stack.write(program(name, {"api": service(image=IMAGE.replace("1.0.0", "1.1.0"))}))
    stack.up()
    assert unlisted.fired > 0
    second = stack.outputs()["services"]["api"]["taskDefinitionArn"]
    assert second != first
    assert task_definition(moto, first)["status"] == "INACTIVE"
    assert task_definition(moto, second)["status"] == "ACTIVE"
    proxy.clear_rules()
    stack.destroy()
    assert task_definition(moto, second)["status"] == "INACTIVE"
