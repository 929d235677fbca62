"""The account baseline's CIS alarms on the emulator: the trail's log group, its metric filters and
the CloudWatch alarms on their metrics, as AWS documents them."""

import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID

KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555"
PATTERN = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
NAMESPACE = "CISBenchmark"


def _code(err):
    return err.value.response["Error"]["Code"]


def _group(logs, **kwargs):
    name = f"/baseline/{uuid.uuid4().hex[:8]}/cloudtrail"
    logs.create_log_group(logGroupName=name, **kwargs)
    return name


def _filter(logs, group, name="UnauthorizedAPICalls", metric="UnauthorizedAPICalls", **transformation):
    logs.put_metric_filter(logGroupName=group, filterName=name, filterPattern=PATTERN, metricTransformations=[
        {"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1", **transformation}])


def test_the_trail_log_group_keeps_its_key_and_retention(moto):
    logs = moto.client("logs")
    group = _group(logs, kmsKeyId=KEY)
    logs.put_retention_policy(logGroupName=group, retentionInDays=2557)
    [described] = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert described["kmsKeyId"] == KEY and described["retentionInDays"] == 2557
    with pytest.raises(ClientError) as err:
        logs.create_log_group(logGroupName=group)
    assert _code(err) == "ResourceAlreadyExistsException"


@pytest.mark.parametrize("days", [0, 2, 366, 2555, 4000])
def test_a_retention_period_aws_does_not_offer_is_refused(moto, days):
    logs = moto.client("logs")
    group = _group(logs)
    with pytest.raises(ClientError) as err:
        logs.put_retention_policy(logGroupName=group, retentionInDays=days)
    assert _code(err) == "InvalidParameterException"
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]


def test_retention_of_a_group_that_does_not_exist_is_not_found(moto):
    with pytest.raises(ClientError) as err:
        moto.client("logs").put_retention_policy(logGroupName="/baseline/none", retentionInDays=365)
    assert _code(err) == "ResourceNotFoundException"


def test_a_metric_filter_is_created_read_and_updated_in_place(moto):
    logs = moto.client("logs")
    group = _group(logs)
    _filter(logs, group)
    [found] = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert found["filterName"] == "UnauthorizedAPICalls" and found["filterPattern"] == PATTERN
    assert found["logGroupName"] == group
    assert found["metricTransformations"] == [
        {"metricName": "UnauthorizedAPICalls", "metricNamespace": NAMESPACE, "metricValue": "1"}]
    _filter(logs, group, defaultValue=0.0, unit="Count")
    [found] = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="Unauth")["metricFilters"]
    assert found["metricTransformations"][0]["defaultValue"] == 0.0
    by_metric = logs.describe_metric_filters(metricName="UnauthorizedAPICalls", metricNamespace=NAMESPACE)
    assert [f["filterName"] for f in by_metric["metricFilters"] if f["logGroupName"] == group] == [
        "UnauthorizedAPICalls"]


def test_a_metric_filter_needs_its_group_and_is_deleted_once(moto):
    logs = moto.client("logs")
    with pytest.raises(ClientError) as err:
        _filter(logs, "/baseline/none")
    assert _code(err) == "ResourceNotFoundException"
    assert logs.describe_metric_filters(logGroupName="/baseline/none")["metricFilters"] == []
    group = _group(logs)
    _filter(logs, group)
    logs.delete_metric_filter(logGroupName=group, filterName="UnauthorizedAPICalls")
    assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []
    for name in (group, "/baseline/none"):
        with pytest.raises(ClientError) as err:
            logs.delete_metric_filter(logGroupName=name, filterName="UnauthorizedAPICalls")
        assert _code(err) == "ResourceNotFoundException"


def test_an_alarm_on_the_filter_metric_notifies_the_topic(moto):
    logs, cloudwatch, sns = (moto.client(s) for s in ("logs", "cloudwatch", "sns"))
    group = _group(logs)
    metric = f"RootAccountUsage{uuid.uuid4().hex[:6]}"
    _filter(logs, group, name=metric, metric=metric)
    topic = sns.create_topic(Name=f"alarms-{uuid.uuid4().hex[:6]}")["TopicArn"]
    name = f"cis-{metric}"
    cloudwatch.put_metric_alarm(AlarmName=name, MetricName=metric, Namespace=NAMESPACE, Statistic="Sum",
                                Period=300, EvaluationPeriods=1, Threshold=1,
                                ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic],
                                TreatMissingData="notBreaching", Tags=[{"Key": "hipaa", "Value": "baseline"}])
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    expected = {"AlarmName": name, "MetricName": metric, "Namespace": NAMESPACE, "Statistic": "Sum",
                "Period": 300, "EvaluationPeriods": 1, "Threshold": 1.0, "AlarmActions": [topic],
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching",
                "ActionsEnabled": True}
    assert {k: alarm[k] for k in expected} == expected
    arn = alarm["AlarmArn"]
    assert arn == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT_ID}:alarm:{name}"
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms_for_metric(
        MetricName=metric, Namespace=NAMESPACE)["MetricAlarms"]] == [name]
    cloudwatch.tag_resource(ResourceARN=arn, Tags=[{"Key": "owner", "Value": "security"}])
    tags = cloudwatch.list_tags_for_resource(ResourceARN=arn)["Tags"]
    assert sorted(t["Key"] for t in tags) == ["hipaa", "owner"]
    cloudwatch.delete_alarms(AlarmNames=[name])
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
