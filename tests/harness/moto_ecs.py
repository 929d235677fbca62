"""ECS additions for the moto launcher: a Fargate cluster with services, as AWS documents
them (the services' Application Auto Scaling is in ``moto_autoscaling.py``).

Each addition is one function named after the AWS operation it completes, patching moto's
ECS or Application Auto Scaling backend or response class (idempotently, like the launcher's
own additions). Together they let a service keep its deployment configuration, finish its
rollout on Fargate, leave ListServices once deleted and hold its cluster until then; a
Fargate task definition have a size Fargate offers; and a service's scalable target and
scaling policies behave as on AWS. Errors are moto's ECS and Application Auto Scaling errors,
so boto3 sees AWS's error codes. ``ECS_ADDITIONS`` lists them for the launcher.
"""

import re

# AWS DeploymentConfiguration, for a service that sends none (REPLICA; DAEMON: 100 and 0).
DEFAULT_MAXIMUM_PERCENT = 200
DEFAULT_MINIMUM_HEALTHY_PERCENT = 100
# AWS "Task CPU and memory": the memory (MiB) Fargate offers for each task CPU (units).
FARGATE_MEMORY = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
ECS_SERVICE_DESIRED_COUNT = "ecs:service:DesiredCount"


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def _ecs_error(code, message):
    from moto.ecs.exceptions import ECSException

    return ECSException(code, message)


def _object_not_found(message):
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError("ObjectNotFoundException", message)


# ECS services


def _deployment_configuration(current, given):
    """``current`` (AWS's defaults when None) with the members of ``given`` put over it."""
    configuration = dict(current or {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": DEFAULT_MAXIMUM_PERCENT,
        "minimumHealthyPercent": DEFAULT_MINIMUM_HEALTHY_PERCENT,
    })
    configuration.update(given or {})
    return configuration


def _runs_on_fargate(backend, service):
    """Whether the service's tasks start on Fargate: FARGATE launch type, the ECS deployment
    controller and a task definition that is Fargate-compatible."""
    from moto.ecs.exceptions import ECSException

    if service.launch_type != "FARGATE" or not service.task_definition:
        return False
    if (service.deployment_controller or {}).get("type", "ECS") != "ECS":
        return False
    try:
        task_definition = backend.describe_task_definition(service.task_definition)
    except ECSException:
        return False
    return "FARGATE" in task_definition.compatibilities


def _finish_rollout(backend, service, new_deployment):
    """Give the service a finished rollout: its tasks all running in one PRIMARY deployment.

    ``new_deployment`` replaces the PRIMARY deployment by a new one (new id and createdAt),
    as a new task definition, network configuration, platform version or forceNewDeployment
    does on AWS; otherwise the PRIMARY deployment's counts change in place, as a new
    desiredCount does. The cluster's running and pending task counts follow the service's.
    """
    from moto.core.utils import utcnow
    from moto.moto_api._internal import mock_random

    cluster = backend.clusters.get(service.cluster_name)
    if cluster is not None:
        backend.update_cluster_resources(
            cluster, service.desired_count - service.running_count, task_state="RUNNING")
        backend.update_cluster_resources(cluster, -service.pending_count, task_state="PENDING")
    service.running_count = service.desired_count
    service.pending_count = 0
    now = utcnow()
    primary = next((d for d in service.deployments if d.get("status") == "PRIMARY"), None)
    if primary is None or new_deployment:
        primary = dict(primary or {"status": "PRIMARY", "failedTasks": 0,
                                   "launchType": service.launch_type,
                                   "platformFamily": "FARGATE"})
        primary["id"] = f"ecs-svc/{mock_random.randint(10 ** 18, 10 ** 19 - 1)}"
        primary["createdAt"] = now
        primary["failedTasks"] = 0
    primary.update({
        "taskDefinition": service.task_definition,
        "desiredCount": service.desired_count,
        "runningCount": service.desired_count,
        "pendingCount": 0,
        "platformVersion": service.platform_version,
        "networkConfiguration": service.network_configuration or None,
        "rolloutState": "COMPLETED",
        "rolloutStateReason": f"ECS deployment {primary['id']} completed.",
        "updatedAt": now,
    })
    service.deployments = [primary]


def _same_service_request(backend, response, service):
    """Whether a CreateService request asks for what the existing service already is."""
    task_definition = response._get_param("taskDefinition")
    if task_definition:
        task_definition = backend.describe_task_definition(task_definition).arn
    network = response._get_param("networkConfiguration")
    return (task_definition == service.task_definition
            and (response._get_int_param("desiredCount") or 0) == service.desired_count
            and (response._get_param("launchType") or "EC2") == service.launch_type
            and (network is None or network == service.network_configuration))


def ecs_create_service():
    """ECS CreateService: keep the deployment configuration and execute command, refuse a name
    in use, and on Fargate finish the rollout.

    AWS answers ``deploymentConfiguration`` (maximumPercent 200, minimumHealthyPercent 100
    and a disabled ``deploymentCircuitBreaker`` when none is given, for a REPLICA service) and
    ``enableExecuteCommand`` (false by default) in the service; moto 5.2.5 drops both. On
    Fargate the service's tasks start: moto 5.2.5 leaves them pending (its running count comes
    from MOTO_ECS_SERVICE_RUNNING, 0 by default), so a rollout never completes. The addition
    reports AWS's final state at once: runningCount = desiredCount, pendingCount 0, one
    PRIMARY deployment of the service's task definition with rolloutState COMPLETED (real AWS
    takes minutes, through IN_PROGRESS). AWS: "If you attempt to create a new service with
    the same name as an existing service in either ACTIVE or DRAINING status, you receive an
    error": moto replaces the service. The addition answers InvalidParameterException
    "Creation of service was not idempotent.", unless the request asks for the task
    definition, desired count, launch type and network configuration the service already
    has, when the existing service is answered (a retried request). A name whose service is
    INACTIVE (deleted) is free again, as moto already has it.
    """
    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "create_service"):
        return
    original = EC2ContainerServiceResponse.create_service

    def create_service(self):
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        existing = backend.services.get(f"{cluster.name}:{self._get_param('serviceName')}")
        if existing is not None and existing.status != "INACTIVE":
            if _same_service_request(backend, self, existing):
                return ActionResult({"service": existing})
            raise InvalidParameterException("Creation of service was not idempotent.")
        result = original(self)
        service = result.result["service"]
        defaults = None
        if service.scheduling_strategy == "DAEMON":
            defaults = _deployment_configuration(
                None, {"maximumPercent": 100, "minimumHealthyPercent": 0})
        service.deployment_configuration = _deployment_configuration(
            defaults, self._get_param("deploymentConfiguration"))
        service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
        if _runs_on_fargate(backend, service):
            _finish_rollout(backend, service, new_deployment=False)
        return result

    _install(EC2ContainerServiceResponse, create_service)


def ecs_update_service():
    """ECS UpdateService: merge the deployment configuration, answer the task definition's
    ARN, refuse a service not ACTIVE, and on Fargate finish the rollout.

    Moto 5.2.5 replaces ``deploymentConfiguration`` by the one given (dropping the members not
    sent) and stores ``taskDefinition`` as sent (``family:revision``, not the ARN AWS
    answers). The addition puts the given members over the service's configuration and
    stores the task definition's ARN; ``enableExecuteCommand`` moto already sets, and keeps
    when not sent. A service deleted (INACTIVE) is refused with ServiceNotActiveException
    "Service was not ACTIVE.", as on AWS. On Fargate, AWS documents that ``taskDefinition``,
    ``networkConfiguration``, ``platformVersion`` and ``forceNewDeployment`` trigger a new
    service deployment and ``desiredCount`` does not: the addition answers the final state
    at once, a new COMPLETED PRIMARY deployment for the former, the PRIMARY deployment's
    counts changed in place for the latter, with runningCount = desiredCount and
    pendingCount 0 (real AWS takes minutes, with the old deployment ACTIVE and draining).
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "update_service"):
        return
    original = EC2ContainerServiceResponse.update_service

    def update_service(self):
        backend = self.ecs_backend
        service_param = self._get_param("service")
        service = backend._get_service(self._get_param("cluster", "default"),
                                       service_param.split("/")[-1])
        if service.status != "ACTIVE":
            raise _ecs_error("ServiceNotActiveException", "Service was not ACTIVE.")
        task_definition = self._get_param("taskDefinition")
        task_definition_arn = (backend.describe_task_definition(task_definition).arn
                               if task_definition else None)
        cluster = backend.clusters.get(service.cluster_name)
        before = {
            "task_definition": service.task_definition,
            "network_configuration": service.network_configuration,
            "platform_version": service.platform_version,
            "deployment_configuration": getattr(service, "deployment_configuration", None),
            "counts": (service.running_count, service.pending_count),
            "cluster_counts": (cluster.running_tasks_count, cluster.pending_tasks_count),
        }
        result = original(self)
        if task_definition_arn:
            service.task_definition = task_definition_arn
        given = self._get_param("deploymentConfiguration")
        service.deployment_configuration = _deployment_configuration(
            before["deployment_configuration"], given)
        if _runs_on_fargate(backend, service):
            service.running_count, service.pending_count = before["counts"]
            cluster.running_tasks_count, cluster.pending_tasks_count = before["cluster_counts"]
            network = self._get_param("networkConfiguration")
            platform_version = self._get_param("platformVersion")
            new_deployment = bool(
                self._get_param("forceNewDeployment")
                or (task_definition_arn and task_definition_arn != before["task_definition"])
                or (network is not None and network != before["network_configuration"])
                or (platform_version is not None
                    and platform_version != before["platform_version"]))
            _finish_rollout(backend, service, new_deployment)
        return result

    _install(EC2ContainerServiceResponse, update_service)


def ecs_delete_service():
    """ECS DeleteService: the deleted service's tasks are stopped.

    AWS: "After all tasks have transitioned to either STOPPING or STOPPED status, the service
    status moves from DRAINING to INACTIVE". Moto 5.2.5 marks the service INACTIVE at once
    (and refuses, as AWS, a service scaled above 0 without ``force``) but keeps its running
    count; with the tasks a Fargate service now runs (ecs_create_service) that would leave an
    INACTIVE service running tasks. The addition reports the final state: runningCount and
    pendingCount 0, in the service and its deployments. The cluster's counts moto already
    lowers.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "delete_service"):
        return
    original = EC2ContainerServiceResponse.delete_service

    def delete_service(self):
        result = original(self)
        service = result.result["service"]
        service.running_count = service.pending_count = 0
        for deployment in service.deployments:
            deployment["runningCount"] = deployment["pendingCount"] = 0
        return result

    _install(EC2ContainerServiceResponse, delete_service)


def ecs_list_services():
    """ECS ListServices: list only the cluster's ACTIVE services.

    AWS: "When you delete a service ... the service status moves from ACTIVE to DRAINING, and
    the service is no longer visible in the console or in the ListServices API operation".
    Moto 5.2.5 lists deleted (INACTIVE) services too, and the services of every cluster whose
    name ends with the one asked for (it matches ``<cluster>:`` anywhere in its key). The
    addition keeps only the ACTIVE services of the cluster asked for.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "list_services"):
        return
    original = EC2ContainerServiceResponse.list_services

    def list_services(self):
        backend = self.ecs_backend
        cluster = backend._get_cluster(self._get_param("cluster", "default"))
        result = original(self)
        listed = {service.arn for service in backend.services.values()
                  if service.cluster_name == cluster.name and service.status == "ACTIVE"}
        result.result["serviceArns"] = [
            arn for arn in result.result["serviceArns"] if arn in listed]
        return result

    _install(EC2ContainerServiceResponse, list_services)


# ECS clusters


def ecs_delete_cluster():
    """ECS DeleteCluster: refuse a cluster that still has services.

    AWS: ClusterContainsServicesException, "You can't delete a cluster that contains
    services. First, update the service to reduce its desired task count to 0, and then
    delete the service"; its message is "The Cluster cannot be deleted while Services are
    active.". Moto 5.2.5 marks the cluster INACTIVE anyway. The addition refuses while any
    service of the cluster is ACTIVE or DRAINING; deleted (INACTIVE) services do not count.
    The cluster then goes INACTIVE as moto has it (still answered by DescribeClusters, and a
    CreateCluster of the same name makes a fresh ACTIVE one).
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    if _installed(EC2ContainerServiceBackend, "delete_cluster"):
        return
    original = EC2ContainerServiceBackend.delete_cluster

    def delete_cluster(self, cluster_str):
        cluster = self._get_cluster(cluster_str)
        if any(service.cluster_name == cluster.name and service.status in ("ACTIVE", "DRAINING")
               for service in self.services.values()):
            raise _ecs_error("ClusterContainsServicesException",
                             "The Cluster cannot be deleted while Services are active.")
        return original(self, cluster_str)

    _install(EC2ContainerServiceBackend, delete_cluster)


def ecs_describe_clusters():
    """ECS DescribeClusters: answer settings and configuration only when asked for.

    AWS, of ``include``: "If this field is omitted, this information isn't included ... If
    SETTINGS is specified, the settings for the cluster are included. If CONFIGURATIONS is
    specified, the configuration for the cluster is included." Moto 5.2.5 always answers
    both (tags it already leaves to TAGS). The addition drops ``settings`` without SETTINGS
    and ``configuration`` without CONFIGURATIONS, so a reader that forgets to ask sees what
    AWS shows it. CreateCluster and UpdateCluster answer both, as on AWS.
    """
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "describe_clusters"):
        return
    original = EC2ContainerServiceResponse.describe_clusters
    members = {"SETTINGS": "settings", "CONFIGURATIONS": "configuration"}

    def describe_clusters(self):
        result = original(self)
        include = self._get_param("include", []) or []
        for name, member in members.items():
            path = f"DescribeClustersResponse.clusters.Cluster.{member}"
            if name in include:
                self._include_in_response(path)
            else:
                self._exclude_from_response(path)
        return result

    _install(EC2ContainerServiceResponse, describe_clusters)


# ECS task definitions


def _task_cpu(value):
    """CPU units from "256" or "0.25 vCPU" (None if neither)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*", str(value), re.IGNORECASE)
    if not match or (not match.group(2) and "." in match.group(1)):
        return None
    units = float(match.group(1)) * (1024 if match.group(2) else 1)
    return int(units) if units == int(units) else None


def _task_memory(value):
    """MiB from "512" or "0.5 GB" (None if neither)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(gb)?\s*", str(value), re.IGNORECASE)
    if not match or (not match.group(2) and "." in match.group(1)):
        return None
    mebibytes = float(match.group(1)) * (1024 if match.group(2) else 1)
    return int(mebibytes) if mebibytes == int(mebibytes) else None


def ecs_register_task_definition():
    """ECS RegisterTaskDefinition: refuse a Fargate task size Fargate does not offer.

    AWS, of a task definition requiring FARGATE: "this field is required and you must use
    one of the following values" for cpu, memory in the range each cpu value allows (256:
    512, 1024, 2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384, 4096: 8192-30720, in
    1 GB steps; 8192: 16384-61440 in 4 GB steps; 16384: 32768-122880 in 8 GB steps). Moto
    5.2.5 accepts any pair. The addition refuses with ClientException as AWS does: "Fargate
    requires that 'cpu' be defined at the task level." (or 'memory'), and "No Fargate
    configuration exists for given values: <cpu> CPU, <memory> memory. See the Amazon ECS
    documentation for the valid values.". Values given as "1 vCPU" or "2 GB" are read as AWS
    reads them and, as AWS documents ("converted to an integer ... when the task definition
    is registered"), answered as integers.
    """
    from moto.ecs.exceptions import EcsClientException
    from moto.ecs.responses import EC2ContainerServiceResponse

    if _installed(EC2ContainerServiceResponse, "register_task_definition"):
        return
    original = EC2ContainerServiceResponse.register_task_definition

    def register_task_definition(self):
        cpu, memory = self._get_param("cpu"), self._get_param("memory")
        if "FARGATE" in (self._get_param("requiresCompatibilities") or []):
            for name, value in (("cpu", cpu), ("memory", memory)):
                if value is None:
                    raise EcsClientException(
                        f"Fargate requires that '{name}' be defined at the task level.")
            units, mebibytes = _task_cpu(cpu), _task_memory(memory)
            if mebibytes not in FARGATE_MEMORY.get(units, ()):
                raise EcsClientException(
                    "No Fargate configuration exists for given values: "
                    f"{units if units is not None else cpu} CPU, "
                    f"{mebibytes if mebibytes is not None else memory} memory. "
                    "See the Amazon ECS documentation for the valid values.")
        result = original(self)
        task_definition = result.result["taskDefinition"]
        if cpu is not None and _task_cpu(cpu) is not None:
            task_definition.cpu = str(_task_cpu(cpu))
        if memory is not None and _task_memory(memory) is not None:
            task_definition.memory = str(_task_memory(memory))
        return result

    _install(EC2ContainerServiceResponse, register_task_definition)


# Application Auto Scaling


ECS_ADDITIONS = [
    ecs_create_service,
    ecs_update_service,
    ecs_delete_service,
    ecs_list_services,
    ecs_delete_cluster,
    ecs_describe_clusters,
    ecs_register_task_definition,
]
