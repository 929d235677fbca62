"""Application Auto Scaling additions for the moto launcher: an ECS service's scalable target
and target-tracking policies, as AWS documents them.

Each addition is one function named after the AWS operation it completes, patching moto's
Application Auto Scaling backend or response class (idempotently, like the launcher's own
additions). ``AUTOSCALING_ADDITIONS`` lists them for the launcher.
"""

if __package__:
    from .moto_ecs import (
        ECS_SERVICE_DESIRED_COUNT, _finish_rollout, _install, _installed, _object_not_found, _runs_on_fargate,
    )
else:  # run as a program, with tests/harness first on sys.path
    from moto_ecs import (
        ECS_SERVICE_DESIRED_COUNT, _finish_rollout, _install, _installed, _object_not_found, _runs_on_fargate,
    )


def _scalable_target(backend, namespace, resource_id, dimension):
    target = backend.targets.get(dimension, {}).get(resource_id)
    return target if target is not None and target.service_namespace == namespace else None


def applicationautoscaling_register_scalable_target():
    """Application Auto Scaling RegisterScalableTarget: bring an ECS service's desired count
    into the new range.

    AWS: "If the specified resource is not active in the target service, this operation does
    not change the resource's current capacity. Otherwise, it changes the resource's current
    capacity to a value that is inside of this range." Moto 5.2.5 registers (and updates in
    place, keeping what is not sent) but never touches the service. The addition raises an
    ACTIVE ECS service's desiredCount to MinCapacity or lowers it to MaxCapacity, a change of
    desired count as UpdateService makes it (on Fargate, the PRIMARY deployment's counts).
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    if _installed(ApplicationAutoscalingBackend, "register_scalable_target"):
        return
    original = ApplicationAutoscalingBackend.register_scalable_target

    def register_scalable_target(self, namespace, r_id, dimension, min_capacity, max_capacity,
                                 role_arn, suspended_state):
        target = original(self, namespace, r_id, dimension, min_capacity, max_capacity,
                          role_arn, suspended_state)
        if namespace != "ecs" or dimension != ECS_SERVICE_DESIRED_COUNT:
            return target
        _, cluster_name, service_name = r_id.split("/")
        ecs = self.ecs_backend
        service = ecs._get_service(cluster_name, service_name)
        low, high = target.min_capacity, target.max_capacity
        count = service.desired_count
        if low is not None:
            count = max(count, low)
        if high is not None:
            count = min(count, high)
        if service.status == "ACTIVE" and count != service.desired_count:
            service.desired_count = count
            if _runs_on_fargate(ecs, service):
                _finish_rollout(ecs, service, new_deployment=False)
        return target

    _install(ApplicationAutoscalingBackend, register_scalable_target)


def applicationautoscaling_put_scaling_policy():
    """Application Auto Scaling PutScalingPolicy: refuse a policy without a scalable target.

    AWS: "You cannot create a scaling policy until you have registered the resource as a
    scalable target"; ObjectNotFoundException is "thrown if the scalable target with the
    specified service namespace, resource ID, and scalable dimension does not exist", with
    "No scalable target registered for service namespace: <ns>, resource ID: <id>, scalable
    dimension: <dimension>". Moto 5.2.5 makes the policy anyway. The addition refuses.
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    if _installed(ApplicationAutoscalingBackend, "put_scaling_policy"):
        return
    original = ApplicationAutoscalingBackend.put_scaling_policy

    def put_scaling_policy(self, policy_name, service_namespace, resource_id,
                           scalable_dimension, policy_body, policy_type):
        if _scalable_target(self, service_namespace, resource_id, scalable_dimension) is None:
            raise _object_not_found(
                f"No scalable target registered for service namespace: {service_namespace}, "
                f"resource ID: {resource_id}, scalable dimension: {scalable_dimension}")
        return original(self, policy_name, service_namespace, resource_id, scalable_dimension,
                        policy_body, policy_type)

    _install(ApplicationAutoscalingBackend, put_scaling_policy)


def applicationautoscaling_describe_scaling_policies():
    """Application Auto Scaling DescribeScalingPolicies: filter by PolicyNames and the exact
    ResourceId.

    AWS: "You can filter the results using ResourceId, ScalableDimension, and PolicyNames."
    Moto 5.2.5 ignores PolicyNames, and matches ResourceId and ScalableDimension as
    substrings of the value asked for (``service/c/web`` also answers ``service/c/we``'s
    policies). The addition filters exactly by all three, paging (MaxResults, default 100,
    and NextToken) as moto does.
    """
    import json

    from moto.applicationautoscaling.responses import (ApplicationAutoScalingResponse,
                                                       _build_policy)

    if _installed(ApplicationAutoScalingResponse, "describe_scaling_policies"):
        return

    def describe_scaling_policies(self):
        backend = self.applicationautoscaling_backend
        filters = {"service_namespace": self._get_param("ServiceNamespace"),
                   "resource_id": self._get_param("ResourceId"),
                   "scalable_dimension": self._get_param("ScalableDimension")}
        names = self._get_param("PolicyNames")
        policies = [policy for policy in backend.policies.values()
                    if all(value is None or getattr(policy, attribute) == value
                           for attribute, value in filters.items())
                    and (not names or policy.policy_name in names)]
        start = int(self._get_param("NextToken") or 0)
        end = start + (self._get_int_param("MaxResults") or 100)
        return json.dumps({
            "ScalingPolicies": [_build_policy(policy) for policy in policies[start:end]],
            "NextToken": str(end) if end < len(policies) else None,
        })

    _install(ApplicationAutoScalingResponse, describe_scaling_policies)


def applicationautoscaling_delete_scaling_policy():
    """Application Auto Scaling DeleteScalingPolicy: a missing policy is ObjectNotFoundException.

    AWS: ObjectNotFoundException "For any operation that deletes or deregisters a resource,
    this exception is thrown if the resource cannot be found." Moto 5.2.5 answers
    ValidationException (its message kept).
    """
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    if _installed(ApplicationAutoscalingBackend, "delete_scaling_policy"):
        return
    original = ApplicationAutoscalingBackend.delete_scaling_policy

    def delete_scaling_policy(self, policy_name, service_namespace, resource_id,
                              scalable_dimension):
        try:
            return original(self, policy_name, service_namespace, resource_id,
                            scalable_dimension)
        except AWSValidationException as error:
            raise _object_not_found(error.message) from None

    _install(ApplicationAutoscalingBackend, delete_scaling_policy)


def applicationautoscaling_deregister_scalable_target():
    """Application Auto Scaling DeregisterScalableTarget: delete the target's policies too.

    AWS: "Deregistering a scalable target deletes the scaling policies and the scheduled
    actions that are associated with it", and a target not found is ObjectNotFoundException.
    Moto 5.2.5 leaves the policies (and their alarms) and scheduled actions, and answers a
    missing target with ValidationException. The addition deletes them with the target, and
    answers ObjectNotFoundException (moto's message kept).
    """
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    if _installed(ApplicationAutoscalingBackend, "deregister_scalable_target"):
        return
    original = ApplicationAutoscalingBackend.deregister_scalable_target

    def deregister_scalable_target(self, namespace, r_id, dimension):
        if _scalable_target(self, namespace, r_id, dimension) is None:
            raise _object_not_found(
                f"No scalable target found for service namespace: {namespace}, "
                f"resource ID: {r_id}, scalable dimension: {dimension}")

        def of_target(item):
            return (item.service_namespace, item.resource_id,
                    item.scalable_dimension) == (namespace, r_id, dimension)

        for key, policy in list(self.policies.items()):
            if of_target(policy):
                policy.delete_alarms(self.account_id, self.region_name)
                del self.policies[key]
        self.scheduled_actions = [a for a in self.scheduled_actions if not of_target(a)]
        return original(self, namespace, r_id, dimension)

    _install(ApplicationAutoscalingBackend, deregister_scalable_target)


AUTOSCALING_ADDITIONS = [
    applicationautoscaling_register_scalable_target,
    applicationautoscaling_put_scaling_policy,
    applicationautoscaling_describe_scaling_policies,
    applicationautoscaling_delete_scaling_policy,
    applicationautoscaling_deregister_scalable_target,
]
