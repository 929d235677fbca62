"""The launcher's ECS and Application Auto Scaling additions: a Fargate cluster with services,
its task definitions and its service auto scaling behave as AWS documents."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, REGION

DESIRED_COUNT = "ecs:service:DesiredCount"
LOG_GROUP = "/ecs/phi-api"
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/ecs-exec"


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def _error_code(call, **kwargs):
    return _error(call, **kwargs)[0]


def _network(moto):
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24",
                                 AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for i, zone in enumerate(("us-east-1a", "us-east-1b"))]
    group = ec2.create_security_group(GroupName=_name("tasks"), Description="tasks",
                                      VpcId=vpc)["GroupId"]
    return {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group],
                                    "assignPublicIp": "DISABLED"}}


def _container(**overrides):
    container = {
        "name": "api", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": True,
        "readonlyRootFilesystem": True, "privileged": False,
        "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": LOG_GROUP, "awslogs-region": REGION,
            "awslogs-stream-prefix": "api"}},
        "secrets": [{"name": "DB_PASSWORD", "valueFrom":
                     f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:db-AbCdEf"}],
        "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                        "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 10},
    }
    container.update(overrides)
    return container


def _task_definition(moto, family=None, **overrides):
    """A Fargate task definition as the provider registers it; returns its ARN."""
    params = dict(family=family or _name("phi-api"), requiresCompatibilities=["FARGATE"],
                  networkMode="awsvpc", cpu="256", memory="512",
                  executionRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/exec",
                  taskRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/task",
                  containerDefinitions=[_container()],
                  tags=[{"key": "owner", "value": "phi-team"}])
    params.update(overrides)
    return moto.client("ecs").register_task_definition(
        **{k: v for k, v in params.items() if v is not None})["taskDefinition"]["taskDefinitionArn"]


def _cluster(moto, **kwargs):
    name = _name("phi")
    moto.client("ecs").create_cluster(clusterName=name, **kwargs)
    return name


def _service(moto, cluster=None, **overrides):
    """A Fargate service as the provider makes it; returns (cluster, service name)."""
    cluster = cluster or _cluster(moto)
    name = overrides.pop("serviceName", None) or _name("api")
    params = dict(cluster=cluster, serviceName=name, desiredCount=2, launchType="FARGATE",
                  networkConfiguration=_network(moto))
    params.update(overrides)
    if "taskDefinition" not in params:
        params["taskDefinition"] = _task_definition(moto)
    moto.client("ecs").create_service(**params)
    return cluster, name


def _describe_service(moto, cluster, name, **kwargs):
    [service] = moto.client("ecs").describe_services(
        cluster=cluster, services=[name], **kwargs)["services"]
    return service


def _describe_cluster(moto, name, **kwargs):
    [cluster] = moto.client("ecs").describe_clusters(clusters=[name], **kwargs)["clusters"]
    return cluster


def _assert_completed(service, task_definition):
    """AWS's shape of a finished rollout."""
    [deployment] = service["deployments"]
    assert deployment["status"] == "PRIMARY"
    assert deployment["taskDefinition"] == task_definition == service["taskDefinition"]
    assert deployment["desiredCount"] == deployment["runningCount"] == service["desiredCount"]
    assert deployment["pendingCount"] == 0 and service["pendingCount"] == 0
    assert deployment["rolloutState"] == "COMPLETED"
    assert service["runningCount"] == service["desiredCount"]
    return deployment


# CreateService


def test_create_service_keeps_deployment_configuration_and_execute_command(moto):
    configuration = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                     "maximumPercent": 150, "minimumHealthyPercent": 50}
    cluster, name = _service(moto, deploymentConfiguration=configuration,
                             enableExecuteCommand=True)
    service = _describe_service(moto, cluster, name)
    assert service["deploymentConfiguration"] == configuration
    assert service["enableExecuteCommand"] is True


def test_create_service_answers_aws_default_deployment_configuration(moto):
    cluster, name = _service(moto)
    service = _describe_service(moto, cluster, name)
    assert service["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200, "minimumHealthyPercent": 100}
    assert service["enableExecuteCommand"] is False


def test_create_service_on_fargate_completes_its_rollout(moto):
    ecs = moto.client("ecs")
    cluster = _cluster(moto)
    task_definition = _task_definition(moto)
    answer = ecs.create_service(cluster=cluster, serviceName="api", taskDefinition=task_definition,
                                desiredCount=3, launchType="FARGATE",
                                networkConfiguration=_network(moto))["service"]
    _assert_completed(answer, task_definition)
    deployment = _assert_completed(_describe_service(moto, cluster, "api"), task_definition)
    assert deployment["launchType"] == "FARGATE"
    assert deployment["networkConfiguration"] == answer["networkConfiguration"]
    ecs.get_waiter("services_stable").wait(cluster=cluster, services=["api"],
                                           WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    assert _describe_cluster(moto, cluster)["runningTasksCount"] == 3
    assert _describe_cluster(moto, cluster)["pendingTasksCount"] == 0


def test_create_service_refuses_a_name_in_use_but_answers_a_retry(moto):
    ecs = moto.client("ecs")
    network = _network(moto)
    task_definition = _task_definition(moto)
    cluster, name = _service(moto, taskDefinition=task_definition, networkConfiguration=network)
    first = _describe_service(moto, cluster, name)
    retried = ecs.create_service(cluster=cluster, serviceName=name,
                                 taskDefinition=task_definition, desiredCount=2,
                                 launchType="FARGATE", networkConfiguration=network)["service"]
    assert retried["serviceArn"] == first["serviceArn"]
    assert retried["deployments"][0]["id"] == first["deployments"][0]["id"]
    assert _error(ecs.create_service, cluster=cluster, serviceName=name,
                  taskDefinition=task_definition, desiredCount=5, launchType="FARGATE",
                  networkConfiguration=network) == (
        "InvalidParameterException", "Creation of service was not idempotent.")
    assert _describe_service(moto, cluster, name)["desiredCount"] == 2


# UpdateService


def test_update_service_merges_deployment_configuration_and_execute_command(moto):
    ecs = moto.client("ecs")
    cluster, name = _service(moto, enableExecuteCommand=True, deploymentConfiguration={
        "maximumPercent": 150, "minimumHealthyPercent": 50})
    answer = ecs.update_service(cluster=cluster, service=name, deploymentConfiguration={
        "deploymentCircuitBreaker": {"enable": True, "rollback": True}})["service"]
    expected = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 150, "minimumHealthyPercent": 50}
    assert answer["deploymentConfiguration"] == expected
    assert answer["enableExecuteCommand"] is True
    ecs.update_service(cluster=cluster, service=name, desiredCount=2)
    service = _describe_service(moto, cluster, name)
    assert service["deploymentConfiguration"] == expected
    assert service["enableExecuteCommand"] is True
    ecs.update_service(cluster=cluster, service=name, enableExecuteCommand=False)
    assert _describe_service(moto, cluster, name)["enableExecuteCommand"] is False


def test_update_service_task_definition_completes_a_new_deployment(moto):
    ecs = moto.client("ecs")
    family = _name("phi-api")
    first = _task_definition(moto, family=family)
    cluster, name = _service(moto, taskDefinition=first)
    old = _describe_service(moto, cluster, name)["deployments"][0]
    second = _task_definition(moto, family=family, containerDefinitions=[
        _container(image="public.ecr.aws/nginx/nginx:1.28")])
    answer = ecs.update_service(cluster=cluster, service=name,
                                taskDefinition=f"{family}:2")["service"]
    assert answer["taskDefinition"] == second  # the ARN, not "family:2"
    deployment = _assert_completed(_describe_service(moto, cluster, name), second)
    assert deployment["id"] != old["id"]
    assert deployment["createdAt"] >= old["createdAt"]


def test_update_service_desired_count_keeps_the_deployment(moto):
    ecs = moto.client("ecs")
    task_definition = _task_definition(moto)
    cluster, name = _service(moto, taskDefinition=task_definition)
    old = _describe_service(moto, cluster, name)["deployments"][0]
    ecs.update_service(cluster=cluster, service=name, desiredCount=4)
    service = _describe_service(moto, cluster, name)
    deployment = _assert_completed(service, task_definition)
    assert service["desiredCount"] == 4 and deployment["id"] == old["id"]
    assert _describe_cluster(moto, cluster)["runningTasksCount"] == 4
    ecs.update_service(cluster=cluster, service=name, desiredCount=0)
    assert _assert_completed(_describe_service(moto, cluster, name),
                             task_definition)["runningCount"] == 0
    assert _describe_cluster(moto, cluster)["runningTasksCount"] == 0


def test_update_service_force_new_deployment_completes_a_new_deployment(moto):
    ecs = moto.client("ecs")
    task_definition = _task_definition(moto)
    cluster, name = _service(moto, taskDefinition=task_definition)
    old = _describe_service(moto, cluster, name)["deployments"][0]
    ecs.update_service(cluster=cluster, service=name, forceNewDeployment=True)
    deployment = _assert_completed(_describe_service(moto, cluster, name), task_definition)
    assert deployment["id"] != old["id"]


def test_update_service_refuses_a_deleted_service(moto):
    ecs = moto.client("ecs")
    cluster, name = _service(moto)
    ecs.delete_service(cluster=cluster, service=name, force=True)
    assert _error(ecs.update_service, cluster=cluster, service=name, desiredCount=1) == (
        "ServiceNotActiveException", "Service was not ACTIVE.")
    assert _describe_service(moto, cluster, name)["status"] == "INACTIVE"


# DeleteService / ListServices


def test_delete_service_refuses_a_scaled_service_unless_forced(moto):
    """Moto already refuses as AWS does; checked because the provider relies on it."""
    ecs = moto.client("ecs")
    cluster, name = _service(moto)
    assert _error(ecs.delete_service, cluster=cluster, service=name) == (
        "InvalidParameterException", "The service cannot be stopped while it is scaled above 0.")
    ecs.update_service(cluster=cluster, service=name, desiredCount=0)
    assert ecs.delete_service(cluster=cluster, service=name)["service"]["status"] == "INACTIVE"


def test_delete_service_stops_its_tasks_and_frees_its_name(moto):
    ecs = moto.client("ecs")
    task_definition = _task_definition(moto)
    cluster, name = _service(moto, taskDefinition=task_definition)
    ecs.delete_service(cluster=cluster, service=name, force=True)
    service = _describe_service(moto, cluster, name)
    assert service["status"] == "INACTIVE"
    assert service["runningCount"] == service["pendingCount"] == 0
    assert service["deployments"][0]["runningCount"] == 0
    assert _describe_cluster(moto, cluster)["runningTasksCount"] == 0
    ecs.get_waiter("services_inactive").wait(cluster=cluster, services=[name],
                                             WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    # a name whose service is INACTIVE may be used again (moto already allows it)
    _service(moto, cluster=cluster, serviceName=name, taskDefinition=task_definition)
    again = _describe_service(moto, cluster, name)
    assert again["status"] == "ACTIVE"
    _assert_completed(again, task_definition)


def test_list_services_lists_only_the_clusters_active_services(moto):
    ecs = moto.client("ecs")
    cluster, kept = _service(moto)
    _, deleted = _service(moto, cluster=cluster)
    ecs.delete_service(cluster=cluster, service=deleted, force=True)
    # moto matched "<cluster>:" anywhere in its keys, so "x<cluster>:..." too
    ecs.create_cluster(clusterName=f"x{cluster}")
    _service(moto, cluster=f"x{cluster}")
    arns = ecs.list_services(cluster=cluster)["serviceArns"]
    assert arns == [f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:service/{cluster}/{kept}"]


# DeleteCluster / CreateCluster


def test_delete_cluster_refuses_while_services_are_active(moto):
    ecs = moto.client("ecs")
    cluster, name = _service(moto)
    assert _error(ecs.delete_cluster, cluster=cluster) == (
        "ClusterContainsServicesException",
        "The Cluster cannot be deleted while Services are active.")
    assert _describe_cluster(moto, cluster)["status"] == "ACTIVE"
    ecs.delete_service(cluster=cluster, service=name, force=True)
    assert ecs.delete_cluster(cluster=cluster)["cluster"]["status"] == "INACTIVE"


def test_delete_cluster_leaves_it_inactive_and_its_name_free(moto):
    """Moto already does this as AWS does; checked because the provider relies on it."""
    ecs = moto.client("ecs")
    name = _cluster(moto, tags=[{"key": "owner", "value": "phi-team"}],
                    settings=[{"name": "containerInsights", "value": "enabled"}])
    ecs.delete_cluster(cluster=name)
    assert _describe_cluster(moto, name)["status"] == "INACTIVE"
    ecs.create_cluster(clusterName=name)
    fresh = _describe_cluster(moto, name, include=["SETTINGS", "TAGS"])
    assert fresh["status"] == "ACTIVE"
    assert fresh["settings"] == [{"name": "containerInsights", "value": "disabled"}]
    assert not fresh.get("tags")


# UpdateCluster / DescribeClusters / tags


def test_cluster_settings_configuration_and_tags_round_trip(moto):
    """Moto already round-trips these; checked because the provider relies on them."""
    ecs = moto.client("ecs")
    tags = [{"key": "owner", "value": "phi-team"}]
    name = _cluster(moto, tags=tags)
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/{name}"
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    settings = [{"name": "containerInsights", "value": "enabled"}]
    configuration = {"executeCommandConfiguration": {
        "kmsKeyId": KMS_KEY, "logging": "OVERRIDE",
        "logConfiguration": {"cloudWatchLogGroupName": LOG_GROUP,
                             "cloudWatchEncryptionEnabled": True}}}
    answer = ecs.update_cluster(cluster=name, settings=settings,
                                configuration=configuration)["cluster"]
    assert answer["settings"] == settings and answer["configuration"] == configuration
    cluster = _describe_cluster(moto, name, include=["SETTINGS", "CONFIGURATIONS", "TAGS"])
    assert cluster["settings"] == settings
    assert cluster["configuration"] == configuration
    assert cluster["tags"] == tags
    # the same at CreateCluster
    other = _cluster(moto, settings=settings, configuration=configuration, tags=tags)
    cluster = _describe_cluster(moto, other, include=["SETTINGS", "CONFIGURATIONS", "TAGS"])
    assert (cluster["settings"], cluster["configuration"], cluster["tags"]) == (
        settings, configuration, tags)


def test_describe_clusters_answers_settings_and_configuration_only_when_included(moto):
    configuration = {"executeCommandConfiguration": {"kmsKeyId": KMS_KEY, "logging": "DEFAULT"}}
    name = _cluster(moto, settings=[{"name": "containerInsights", "value": "enabled"}],
                    configuration=configuration, tags=[{"key": "owner", "value": "phi-team"}])
    plain = _describe_cluster(moto, name)
    assert "settings" not in plain and "configuration" not in plain and "tags" not in plain
    only_settings = _describe_cluster(moto, name, include=["SETTINGS"])
    assert only_settings["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert "configuration" not in only_settings
    only_configuration = _describe_cluster(moto, name, include=["CONFIGURATIONS"])
    assert only_configuration["configuration"] == configuration
    assert "settings" not in only_configuration


@pytest.mark.parametrize("kind", ["cluster", "service"])
def test_tags_on_cluster_and_service_arns(moto, kind):
    """Moto already handles these; checked because the provider relies on them."""
    ecs = moto.client("ecs")
    tags = [{"key": "owner", "value": "phi-team"}]
    if kind == "cluster":
        name = _cluster(moto, tags=tags)
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:cluster/{name}"
    else:
        cluster, name = _service(moto, tags=tags)
        arn = f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:service/{cluster}/{name}"
        assert _describe_service(moto, cluster, name, include=["TAGS"])["tags"] == tags
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == tags
    ecs.tag_resource(resourceArn=arn, tags=[{"key": "compliance", "value": "hipaa"},
                                            {"key": "owner", "value": "platform"}])
    assert sorted(ecs.list_tags_for_resource(resourceArn=arn)["tags"],
                  key=lambda t: t["key"]) == [{"key": "compliance", "value": "hipaa"},
                                              {"key": "owner", "value": "platform"}]
    ecs.untag_resource(resourceArn=arn, tagKeys=["owner"])
    assert ecs.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "compliance", "value": "hipaa"}]


# RegisterTaskDefinition / DeregisterTaskDefinition


def test_fargate_task_definition_round_trips(moto):
    """Moto already round-trips these; checked because the provider relies on them."""
    ecs = moto.client("ecs")
    family = _name("phi-api")
    arn = _task_definition(moto, family=family)
    answer = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
    task_definition = answer["taskDefinition"]
    assert answer["tags"] == [{"key": "owner", "value": "phi-team"}]
    assert task_definition["requiresCompatibilities"] == ["FARGATE"]
    assert "FARGATE" in task_definition["compatibilities"]
    assert (task_definition["networkMode"], task_definition["cpu"],
            task_definition["memory"]) == ("awsvpc", "256", "512")
    assert task_definition["executionRoleArn"].endswith(":role/exec")
    assert task_definition["taskRoleArn"].endswith(":role/task")
    [container] = task_definition["containerDefinitions"]
    for key, value in _container().items():
        assert container[key] == value, key
    second = _task_definition(moto, family=family)
    assert ecs.deregister_task_definition(taskDefinition=arn)["taskDefinition"][
        "status"] == "INACTIVE"
    assert ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"][
        "status"] == "INACTIVE"
    _task_definition(moto, family=f"{family}-other")
    assert ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")[
        "taskDefinitionArns"] == [second]
    assert ecs.list_task_definitions(familyPrefix=family, status="INACTIVE")[
        "taskDefinitionArns"] == [arn]


@pytest.mark.parametrize("cpu, memory", [
    ("256", "512"), ("256", "2048"), ("512", "4096"), ("1024", "2048"), ("2048", "16384"),
    ("4096", "30720"), ("8192", "20480"), ("8192", "61440"), ("16384", "40960"),
    ("16384", "122880")])
def test_register_task_definition_accepts_fargate_sizes(moto, cpu, memory):
    arn = _task_definition(moto, cpu=cpu, memory=memory)
    task_definition = moto.client("ecs").describe_task_definition(
        taskDefinition=arn)["taskDefinition"]
    assert (task_definition["cpu"], task_definition["memory"]) == (cpu, memory)


@pytest.mark.parametrize("cpu, memory", [
    ("256", "4096"), ("512", "512"), ("1024", "1024"), ("2048", "17408"), ("4096", "31744"),
    ("8192", "18432"), ("16384", "36864"), ("100", "512"), ("256", "3000")])
def test_register_task_definition_refuses_other_fargate_sizes(moto, cpu, memory):
    ecs = moto.client("ecs")
    family = _name("bad-size")
    assert _error(ecs.register_task_definition, family=family,
                  requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu=cpu,
                  memory=memory, containerDefinitions=[_container()]) == (
        "ClientException", f"No Fargate configuration exists for given values: {cpu} CPU, "
                           f"{memory} memory. See the Amazon ECS documentation for the valid "
                           "values.")
    assert ecs.list_task_definitions(familyPrefix=family, status="ACTIVE")[
        "taskDefinitionArns"] == []


@pytest.mark.parametrize("missing", ["cpu", "memory"])
def test_register_task_definition_needs_fargate_task_size(moto, missing):
    ecs = moto.client("ecs")
    params = dict(family=_name("no-size"), requiresCompatibilities=["FARGATE"],
                  networkMode="awsvpc", cpu="256", memory="512",
                  containerDefinitions=[_container(memory=512)])
    del params[missing]
    assert _error(ecs.register_task_definition, **params) == (
        "ClientException", f"Fargate requires that '{missing}' be defined at the task level.")


def test_register_task_definition_reads_vcpu_and_gb(moto):
    arn = _task_definition(moto, cpu="0.5 vCPU", memory="2 GB")
    task_definition = moto.client("ecs").describe_task_definition(
        taskDefinition=arn)["taskDefinition"]
    assert (task_definition["cpu"], task_definition["memory"]) == ("512", "2048")
    assert _error_code(moto.client("ecs").register_task_definition, family=_name("bad"),
                       requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
                       cpu="1 vCPU", memory="1 GB",
                       containerDefinitions=[_container()]) == "ClientException"


# Application Auto Scaling
