"""The launcher's Application Auto Scaling additions: an ECS service's scalable target and
target-tracking policies behave as AWS documents."""

import pytest

from harness_tests.test_moto_ecs import (
    DESIRED_COUNT, _assert_completed, _describe_service, _error, _error_code, _service, _task_definition,
)


def _resource_id(cluster, service):
    return f"service/{cluster}/{service}"


def _register(moto, resource_id, **capacity):
    moto.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs", ResourceId=resource_id, ScalableDimension=DESIRED_COUNT,
        **capacity)


def _target_tracking(moto, resource_id, name, metric, target=70.0):
    return moto.client("application-autoscaling").put_scaling_policy(
        PolicyName=name, ServiceNamespace="ecs", ResourceId=resource_id,
        ScalableDimension=DESIRED_COUNT, PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target, "ScaleInCooldown": 60, "ScaleOutCooldown": 60,
            "PredefinedMetricSpecification": {"PredefinedMetricType": metric}})


def _policies(moto, resource_id, **kwargs):
    return moto.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=resource_id, **kwargs)["ScalingPolicies"]


def test_register_scalable_target_updates_in_place(moto):
    """Moto already registers and updates in place; checked because the provider relies on it."""
    autoscaling = moto.client("application-autoscaling")
    resource_id = _resource_id(*_service(moto))
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=4)
    [first] = autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    _register(moto, resource_id, MinCapacity=2, MaxCapacity=6)
    [target] = autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 6)
    assert target["ScalableTargetARN"] == first["ScalableTargetARN"]
    assert target["ScalableDimension"] == DESIRED_COUNT
    _register(moto, resource_id, MaxCapacity=8)
    [target] = autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 8)


def test_register_scalable_target_brings_desired_count_into_range(moto):
    task_definition = _task_definition(moto)
    cluster, name = _service(moto, taskDefinition=task_definition, desiredCount=1)
    resource_id = _resource_id(cluster, name)
    deployment = _describe_service(moto, cluster, name)["deployments"][0]
    _register(moto, resource_id, MinCapacity=3, MaxCapacity=6)
    service = _describe_service(moto, cluster, name)
    assert service["desiredCount"] == 3
    assert _assert_completed(service, task_definition)["id"] == deployment["id"]
    _register(moto, resource_id, MaxCapacity=4)
    assert _describe_service(moto, cluster, name)["desiredCount"] == 3  # inside the range
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=2)
    assert _describe_service(moto, cluster, name)["desiredCount"] == 2


@pytest.mark.parametrize("metric", ["ECSServiceAverageCPUUtilization",
                                    "ECSServiceAverageMemoryUtilization"])
def test_target_tracking_policy_round_trips(moto, metric):
    """Moto already keeps these; checked because the provider relies on them."""
    resource_id = _resource_id(*_service(moto))
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=4)
    answer = _target_tracking(moto, resource_id, "cpu", metric)
    [policy] = _policies(moto, resource_id)
    assert policy["PolicyARN"] == answer["PolicyARN"]
    assert (policy["PolicyName"], policy["PolicyType"]) == ("cpu", "TargetTrackingScaling")
    assert policy["TargetTrackingScalingPolicyConfiguration"] == {
        "TargetValue": 70.0, "ScaleInCooldown": 60, "ScaleOutCooldown": 60,
        "PredefinedMetricSpecification": {"PredefinedMetricType": metric}}
    _target_tracking(moto, resource_id, "cpu", metric, target=50.0)
    [policy] = _policies(moto, resource_id)
    assert policy["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 50.0
    moto.client("application-autoscaling").delete_scaling_policy(
        PolicyName="cpu", ServiceNamespace="ecs", ResourceId=resource_id,
        ScalableDimension=DESIRED_COUNT)
    assert _policies(moto, resource_id) == []


def test_describe_scaling_policies_filters_by_name_and_exact_resource(moto):
    cluster, name = _service(moto)
    resource_id = _resource_id(cluster, name)
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=4)
    _target_tracking(moto, resource_id, "cpu", "ECSServiceAverageCPUUtilization")
    _target_tracking(moto, resource_id, "memory", "ECSServiceAverageMemoryUtilization")
    [policy] = _policies(moto, resource_id, PolicyNames=["memory"])
    assert policy["PolicyName"] == "memory"
    assert sorted(p["PolicyName"] for p in _policies(moto, resource_id)) == ["cpu", "memory"]
    # another service whose id is a prefix of this one's
    _, short = _service(moto, cluster=cluster, serviceName=name[:-1])
    assert _policies(moto, _resource_id(cluster, short)) == []
    page = moto.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="ecs", ResourceId=resource_id, MaxResults=1)
    assert len(page["ScalingPolicies"]) == 1 and page["NextToken"]


def test_put_scaling_policy_needs_a_registered_target(moto):
    resource_id = _resource_id(*_service(moto))
    assert _error(_target_tracking, moto=moto, resource_id=resource_id, name="cpu",
                  metric="ECSServiceAverageCPUUtilization") == (
        "ObjectNotFoundException",
        f"No scalable target registered for service namespace: ecs, resource ID: "
        f"{resource_id}, scalable dimension: {DESIRED_COUNT}")
    assert _policies(moto, resource_id) == []


def test_deregister_scalable_target_deletes_its_policies(moto):
    autoscaling = moto.client("application-autoscaling")
    resource_id = _resource_id(*_service(moto))
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=4)
    _target_tracking(moto, resource_id, "cpu", "ECSServiceAverageCPUUtilization")
    alarms = {a["AlarmName"] for a in _policies(moto, resource_id)[0]["Alarms"]}
    assert alarms <= {a["AlarmName"] for a in
                      moto.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    autoscaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=resource_id,
                                           ScalableDimension=DESIRED_COUNT)
    assert autoscaling.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"] == []
    assert _policies(moto, resource_id) == []
    assert not alarms & {a["AlarmName"] for a in
                         moto.client("cloudwatch").describe_alarms()["MetricAlarms"]}


def test_missing_target_and_policy_are_object_not_found(moto):
    autoscaling = moto.client("application-autoscaling")
    resource_id = _resource_id(*_service(moto))
    assert _error(autoscaling.deregister_scalable_target, ServiceNamespace="ecs",
                  ResourceId=resource_id, ScalableDimension=DESIRED_COUNT) == (
        "ObjectNotFoundException",
        f"No scalable target found for service namespace: ecs, resource ID: {resource_id}, "
        f"scalable dimension: {DESIRED_COUNT}")
    _register(moto, resource_id, MinCapacity=1, MaxCapacity=4)
    assert _error_code(autoscaling.delete_scaling_policy, PolicyName="none",
                       ServiceNamespace="ecs", ResourceId=resource_id,
                       ScalableDimension=DESIRED_COUNT) == "ObjectNotFoundException"
