"""CloudWatch over the Smithy RPC v2 CBOR protocol on the emulator, as AWS serves it and the AWS
SDK for Rust (aws-sdk-cloudwatch) speaks it, beside boto3's awsJson1_0.

The requests are built by hand as the Rust SDK builds them: ``POST
/service/GraniteServiceVersion20100801/operation/<Op>``, ``smithy-protocol: rpc-v2-cbor``,
``Content-Type``/``Accept: application/cbor``, ``x-amzn-query-mode: true``, the input as an
indefinite-length CBOR map (the SDK's encoder opens every structure that way), timestamps as tag
1 with a double, and SigV4 for the service ``monitoring``.
"""

import datetime
import gzip
import time
import urllib.error
import urllib.request
import uuid

import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness.moto_process import ACCOUNT_ID, REGION

SERVICE = "GraniteServiceVersion20100801"
PROTOCOL = "rpc-v2-cbor"


def _rust_cbor(value):
    """CBOR as aws-smithy-cbor's encoder writes it: structures as indefinite-length maps,
    lists with their length, floats as doubles."""
    if isinstance(value, dict):
        return b"\xbf" + b"".join(cbor2.dumps(k) + _rust_cbor(v) for k, v in value.items()) + b"\xff"
    if isinstance(value, list):
        return _list_head(len(value)) + b"".join(map(_rust_cbor, value))
    return cbor2.dumps(value)


def _list_head(n):
    """The head of a CBOR array (major type 4) of n items."""
    if n < 24:
        return bytes([0x80 | n])
    size = next(size for size in (1, 2, 4, 8) if n < 1 << (8 * size))
    return bytes([0x80 | {1: 24, 2: 25, 4: 26, 8: 27}[size]]) + n.to_bytes(size, "big")


def _timestamp(seconds):
    return cbor2.CBORTag(1, float(seconds))


def _call(moto, operation, document=None, body=None, headers=None):
    """(status, headers, decoded body or None) of one CBOR request."""
    url = f"{moto.url}/service/{SERVICE}/operation/{operation}"
    if body is None:
        body = _rust_cbor(document if document is not None else {})
    request = AWSRequest("POST", url, data=body, headers={
        "Content-Type": "application/cbor", "Accept": "application/cbor",
        "smithy-protocol": PROTOCOL, "x-amzn-query-mode": "true", **(headers or {})})
    SigV4Auth(Credentials("testing", "testing"), "monitoring", REGION).add_auth(request)
    sent = urllib.request.Request(url, data=body, method="POST", headers=dict(request.headers))
    try:
        with urllib.request.urlopen(sent, timeout=10) as answer:
            status, answer_headers, data = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as err:
        status, answer_headers, data = err.code, err.headers, err.read()
    assert answer_headers["smithy-protocol"] == PROTOCOL
    if data:
        assert answer_headers["Content-Type"] == "application/cbor"
    return status, answer_headers, (cbor2.loads(data) if data else None), data


def _alarm(name, **overrides):
    return {"AlarmName": name, "AlarmDescription": "root account usage",
            "ActionsEnabled": True, "AlarmActions": [f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:security-alarms"],
            "MetricName": "RootAccountUsage", "Namespace": "CISBenchmark", "Statistic": "Sum",
            "Dimensions": [{"Name": "Trail", "Value": "baseline"}], "Period": 300, "EvaluationPeriods": 2,
            "DatapointsToAlarm": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching", "Tags": [{"Key": "hipaa", "Value": "baseline"}], **overrides}


def _name():
    return f"cis-root-usage-{uuid.uuid4().hex[:8]}"


def test_put_metric_alarm_then_describe_alarms_reads_back_exact_values(moto):
    name = _name()
    before = time.time()
    status, headers, answer, data = _call(moto, "PutMetricAlarm", _alarm(name, Threshold=2.5))
    # PutMetricAlarm has no output: no body and no Content-Type, as the protocol has it.
    assert (status, answer, data, headers["Content-Type"]) == (200, None, b"", None)
    assert headers["x-amzn-requestid"]

    status, _, answer, data = _call(moto, "DescribeAlarms", {"AlarmNames": [name]})
    assert status == 200
    [alarm] = answer["MetricAlarms"]
    assert answer["CompositeAlarms"] == []
    assert {k: alarm[k] for k in ("AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "MetricName",
                                  "Namespace", "Statistic", "Dimensions", "Period", "EvaluationPeriods",
                                  "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData")} == {
        k: v for k, v in _alarm(name, Threshold=2.5).items() if k != "Tags"}
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{name}"
    # Threshold is a double: a CBOR float (the Rust decoder refuses an integer there); Period,
    # EvaluationPeriods and DatapointsToAlarm are integers.
    assert type(alarm["Threshold"]) is float and data.find(cbor2.dumps("Threshold") + b"\xfb") >= 0
    assert all(type(alarm[k]) is int for k in ("Period", "EvaluationPeriods", "DatapointsToAlarm"))
    # Timestamps are tag 1 (epoch seconds) holding a number.
    updated = alarm["AlarmConfigurationUpdatedTimestamp"]
    assert isinstance(updated, datetime.datetime) and updated.tzinfo is not None
    assert before - 1 <= updated.timestamp() <= time.time() + 1
    assert data.find(cbor2.dumps("AlarmConfigurationUpdatedTimestamp") + b"\xc1") >= 0
    assert isinstance(alarm["StateUpdatedTimestamp"], datetime.datetime)

    status, _, answer, _ = _call(moto, "ListTagsForResource", {"ResourceARN": alarm["AlarmArn"]})
    assert (status, answer) == (200, {"Tags": [{"Key": "hipaa", "Value": "baseline"}]})
    status, _, answer, _ = _call(moto, "DescribeAlarmsForMetric",
                                 {"MetricName": "RootAccountUsage", "Namespace": "CISBenchmark"})
    assert status == 200 and name in [a["AlarmName"] for a in answer["MetricAlarms"]]


def test_put_metric_alarm_again_updates_and_delete_alarms_removes(moto):
    name = _name()
    assert _call(moto, "PutMetricAlarm", _alarm(name))[0] == 200
    assert _call(moto, "PutMetricAlarm", _alarm(name, Threshold=5.0, EvaluationPeriods=3))[0] == 200
    [alarm] = _call(moto, "DescribeAlarms", {"AlarmNames": [name]})[2]["MetricAlarms"]
    assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (5.0, 3)

    status, headers, answer, data = _call(moto, "DeleteAlarms", {"AlarmNames": [name]})
    assert (status, answer, data) == (200, None, b"")
    assert _call(moto, "DescribeAlarms", {"AlarmNames": [name]})[2] == {"CompositeAlarms": [], "MetricAlarms": []}


def test_an_error_is_a_cbor_map_with_the_shape_id_and_the_query_code(moto):
    status, headers, answer, _ = _call(moto, "SetAlarmState", {
        "AlarmName": f"no-such-alarm-{uuid.uuid4().hex[:8]}", "StateValue": "ALARM", "StateReason": "test"})
    # AWS: ResourceNotFound, HTTP 404; the body's __type is the absolute shape id, and the
    # service's awsQueryCompatible trait adds the query code the SDKs match on.
    assert status == 404
    assert answer["__type"] == "com.amazonaws.cloudwatch#ResourceNotFound"
    assert isinstance(answer["message"], str)
    assert headers["x-amzn-query-error"] == "ResourceNotFound;Sender"
    assert headers["X-Amzn-ErrorType"] is None


def test_an_error_names_the_operations_own_shape(moto):
    status, headers, answer, _ = _call(moto, "GetDashboard", {"DashboardName": f"none-{uuid.uuid4().hex[:8]}"})
    assert status == 404
    assert answer == {"__type": "com.amazonaws.cloudwatch#DashboardNotFoundError", "message": answer["message"]}
    assert headers["x-amzn-query-error"] == "ResourceNotFound;Sender"


def test_request_timestamps_and_a_gzip_body_are_read(moto):
    namespace, when = f"Healthcare/{uuid.uuid4().hex[:8]}", int(time.time()) // 60 * 60 - 120
    body = gzip.compress(_rust_cbor({"Namespace": namespace, "MetricData": [
        {"MetricName": "Logins", "Timestamp": _timestamp(when), "Value": 3.0, "Unit": "Count"},
        {"MetricName": "Logins", "Timestamp": _timestamp(when + 1), "Value": 4.0, "Unit": "Count"}]}))
    status, _, answer, _ = _call(moto, "PutMetricData", body=body, headers={"Content-Encoding": "gzip"})
    assert (status, answer) == (200, None)

    status, _, answer, data = _call(moto, "GetMetricStatistics", {
        "Namespace": namespace, "MetricName": "Logins", "StartTime": _timestamp(when - 60),
        "EndTime": _timestamp(when + 60), "Period": 60, "Statistics": ["Sum", "SampleCount"]})
    assert status == 200 and answer["Label"] == "Logins"
    [point] = answer["Datapoints"]
    assert point["Timestamp"] == datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    assert (point["Sum"], point["SampleCount"], point["Unit"]) == (7.0, 2.0, "Count")
    assert type(point["Sum"]) is float and data.find(cbor2.dumps("Timestamp") + b"\xc1") >= 0


def test_an_empty_input_and_the_absolute_service_id_are_taken(moto):
    name = _name()
    assert _call(moto, "PutMetricAlarm", _alarm(name))[0] == 200
    # No body at all is an empty input structure.
    status, _, answer, _ = _call(moto, "DescribeAlarms", body=b"")
    assert status == 200 and name in [a["AlarmName"] for a in answer["MetricAlarms"]]
    # Smithy: servers SHOULD accept the service's absolute shape id, '#' written '.'.
    url = f"{moto.url}/service/com.amazonaws.cloudwatch.{SERVICE}/operation/DescribeAlarms"
    request = AWSRequest("POST", url, data=_rust_cbor({"AlarmNames": [name]}), headers={
        "Content-Type": "application/cbor", "smithy-protocol": PROTOCOL})
    SigV4Auth(Credentials("testing", "testing"), "monitoring", REGION).add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(url, data=request.body, method="POST",
                                                       headers=dict(request.headers)), timeout=10) as answer:
        assert [a["AlarmName"] for a in cbor2.loads(answer.read())["MetricAlarms"]] == [name]


@pytest.mark.parametrize("operation, body, status, error", [
    ("NoSuchOperation", b"\xbf\xff", 404, "UnknownOperationException"),
    ("DescribeAlarms", b"\xff\x00", 400, "SerializationException"),
])
def test_what_cannot_be_served_is_a_cbor_error(moto, operation, body, status, error):
    answer = _call(moto, operation, body=body)
    assert (answer[0], answer[2]["__type"]) == (status, error)


def test_boto3_json_still_works_alongside(moto):
    cloudwatch = moto.client("cloudwatch")
    sent = []
    cloudwatch.meta.events.register("before-send.cloudwatch.*", lambda request, **_: sent.append(request))
    name = _name()
    cloudwatch.put_metric_alarm(**_alarm(name, Threshold=7.0))
    # boto3 speaks awsJson1_0 to CloudWatch (botocore prefers json to smithy-rpc-v2-cbor).
    assert sent[0].headers["X-Amz-Target"] == f"{SERVICE}.PutMetricAlarm".encode()
    assert sent[0].headers["Content-Type"] == b"application/x-amz-json-1.0"
    # What one protocol writes the other reads.
    [alarm] = _call(moto, "DescribeAlarms", {"AlarmNames": [name]})[2]["MetricAlarms"]
    assert alarm["Threshold"] == 7.0
    assert _call(moto, "SetAlarmState", {"AlarmName": name, "StateValue": "ALARM", "StateReason": "cbor"})[0] == 200
    [alarm] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert (alarm["StateValue"], alarm["StateReason"], alarm["Threshold"]) == ("ALARM", "cbor", 7.0)
    cloudwatch.delete_alarms(AlarmNames=[name])
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
    with pytest.raises(cloudwatch.exceptions.ResourceNotFound):
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="gone")
