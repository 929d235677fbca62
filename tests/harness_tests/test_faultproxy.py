"""The fault proxy: transparent forwarding, operation log, and every fault kind."""

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from harness import faultproxy
from harness.faultproxy import Rule, identify
from harness.moto_process import ACCOUNT_ID, boto_client, read_first_line

AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/kinesis/aws4_request, "
        "SignedHeaders=host, Signature=0")
LIST_STREAMS = {"X-Amz-Target": "Kinesis_20131202.ListStreams", "Authorization": AUTH,
                "Content-Type": "application/x-amz-json-1.1"}


def via(proxy, service, **kwargs):
    kwargs.setdefault("retries", 1)  # one attempt: faults reach the test unretried
    return boto_client(service, proxy.url, **kwargs)


def name():
    return f"h-{uuid.uuid4().hex[:10]}"


def test_identify():
    assert identify("POST", "/", {"X-Amz-Target": "TrentService.CreateKey"}, b"") == (
        "json", "kms", None, "CreateKey")
    assert identify("POST", "/", {"Authorization": AUTH.replace("kinesis", "iam"),
                                  "Content-Type": "application/x-www-form-urlencoded"},
                    b"Action=CreateRole&Version=2010-05-08") == (
        "query", "iam", "us-east-1", "CreateRole")
    assert identify("GET", "/?Action=DescribeVpcs", {"Authorization": AUTH.replace(
        "kinesis", "ec2")}, b"") == ("ec2", "ec2", "us-east-1", "DescribeVpcs")
    assert identify("GET", "/2015-03-31/functions?x=1", {}, b"")[3] == "GET /2015-03-31/functions"
    assert identify("PUT", "/logs-bucket/?versioning", {"Authorization": AUTH.replace(
        "kinesis", "s3")}, b"") == ("rest-xml", "s3", "us-east-1", "PUT /logs-bucket/")
    assert identify("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricAlarm",
                    {"Authorization": AUTH.replace("kinesis", "monitoring"),
                     "smithy-protocol": "rpc-v2-cbor"}, b"\xbf\xff") == (
        "cbor", "monitoring", "us-east-1", "PutMetricAlarm")


def test_rule_validation():
    for bad in ({"action": "explode"}, {"action": "error"}, {"action": "rewrite", "find": "a"},
                {"action": "error", "error": "nope"}, {"action": "drop", "nth": 1, "times": 1}):
        with pytest.raises(ValueError):
            Rule(**bad)


def test_json_protocol_forwarded_and_logged(moto, proxy):
    kinesis, stream = via(proxy, "kinesis"), name()
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    assert stream in kinesis.list_streams()["StreamNames"]
    assert stream in moto.client("kinesis").list_streams()["StreamNames"]
    log = proxy.log()
    assert [(e["service"], e["operation"], e["protocol"], e["status"]) for e in log] == [
        ("kinesis", "CreateStream", "json", 200), ("kinesis", "ListStreams", "json", 200)]
    assert log[0]["region"] == "us-east-1" and log[0]["time"] <= log[1]["time"]


def test_query_protocol_forwarded_and_logged(moto, proxy):
    iam, role = via(proxy, "iam"), name()
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument="{}")["Role"]
    assert iam.get_role(RoleName=role)["Role"]["Arn"] == created["Arn"]
    assert moto.client("iam").get_role(RoleName=role)["Role"]["Arn"] == created["Arn"]
    assert proxy.operations(service="iam") == ["CreateRole", "GetRole"]
    assert {e["protocol"] for e in proxy.log()} == {"query"}
    assert proxy.count("GetRole") == 1 and proxy.count("GetRole", service="kms") == 0


def test_keep_alive_and_chunked_body(proxy):
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("POST", "/", body=b"{}", headers=LIST_STREAMS)
    first = conn.getresponse()
    assert first.status == 200 and "StreamNames" in json.loads(first.read())
    sock = conn.sock
    conn.request("POST", "/", body=iter([b"{", b"}"]), headers=LIST_STREAMS,
                 encode_chunked=True)
    second = conn.getresponse()
    assert second.status == 200 and "StreamNames" in json.loads(second.read())
    assert conn.sock is sock  # the same connection served both
    conn.close()
    assert proxy.operations() == ["ListStreams", "ListStreams"]


def test_answers_are_sent_without_waiting_for_acks(proxy):
    """TCP_NODELAY on the proxy's side of each connection: its answers go out in more than one
    write, and without it every later write waits for the client's delayed ACK (~40 ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("POST", "/", body=b"{}", headers=LIST_STREAMS)
    assert conn.getresponse().status == 200
    [served] = proxy._conns
    assert served.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    conn.close()


@pytest.mark.parametrize("service,call,preset,status,code", [
    ("kinesis", lambda c: c.list_streams(), "throttle", 400, "ThrottlingException"),
    ("iam", lambda c: c.list_roles(), "throttle", 400, "Throttling"),
    ("ec2", lambda c: c.describe_vpcs(), "throttle", 400, "RequestLimitExceeded"),
    ("kinesis", lambda c: c.list_streams(), "internal", 500, "InternalFailure"),
    ("iam", lambda c: c.list_roles(), "internal", 500, "InternalFailure"),
    ("kms", lambda c: c.list_keys(), "access_denied", 400, "AccessDeniedException"),
    ("iam", lambda c: c.list_roles(), "access_denied", 400, "AccessDenied"),
])
def test_error_presets_parse_as_aws_errors(proxy, service, call, preset, status, code):
    proxy.add_rule("error", error=preset, service=service, message="injected")
    with pytest.raises(ClientError) as err:
        call(via(proxy, service))
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["Error"]["Message"] == "injected"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    [entry] = proxy.log()
    assert (entry["fault"], entry["status"], entry["code"]) == ("error", status, code)


def test_s3_control_errors_come_wrapped_as_s3_control_answers_them(proxy):
    """S3 Control signs as S3 but wraps its errors in an ErrorResponse (S3 does not): an
    injected refusal parses as AWS's, with its code, through the SDKs' S3 Control parser."""
    operation = "GET /v20180820/configuration/publicAccessBlock"
    assert identify("GET", "/v20180820/configuration/publicAccessBlock",
                    {"Authorization": AUTH.replace("kinesis", "s3")}, b"") == (
        "rest-xml-wrapped", "s3", "us-east-1", operation)
    proxy.add_rule("error", error="access_denied", service="s3", operation=operation,
                   message="injected")
    with pytest.raises(ClientError) as err:
        via(proxy, "s3control").get_public_access_block(AccountId=ACCOUNT_ID)
    assert (err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]) == (
        "AccessDenied", "injected")


def test_error_matches_only_its_operation(proxy):
    proxy.add_rule("error", error="throttle", service="kinesis", operation="CreateStream")
    kinesis = via(proxy, "kinesis")
    kinesis.list_streams()
    via(proxy, "iam").list_roles()
    with pytest.raises(ClientError):
        kinesis.create_stream(StreamName=name(), ShardCount=1)
    assert [e["fault"] for e in proxy.log()] == [None, None, "error"]


def test_explicit_status_and_code(proxy):
    proxy.add_rule("error", status=409, code="ResourceInUseException", operation="ListStreams")
    with pytest.raises(ClientError) as err:
        via(proxy, "kinesis").list_streams()
    assert err.value.response["Error"]["Code"] == "ResourceInUseException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def outcomes(proxy, n):
    kinesis, out = via(proxy, "kinesis"), []
    for _ in range(n):
        try:
            kinesis.list_streams()
            out.append("ok")
        except ClientError:
            out.append("err")
    return out


def test_nth_call_only(proxy):
    rule = proxy.add_rule("error", error="throttle", operation="ListStreams", nth=2)
    assert outcomes(proxy, 3) == ["ok", "err", "ok"]
    assert (rule.matched, rule.fired) == (3, 1)


def test_first_n_calls(proxy):
    proxy.add_rule("error", error="internal", operation="ListStreams", times=2)
    assert outcomes(proxy, 3) == ["err", "err", "ok"]


def test_retrying_client_gets_through_throttling(proxy):
    proxy.add_rule("error", error="throttle", operation="ListStreams", times=1)
    via(proxy, "kinesis", retries=2).list_streams()
    assert [e["status"] for e in proxy.log()] == [400, 200]


def test_remove_rule(proxy):
    rule = proxy.add_rule("error", error="throttle", operation="ListStreams")
    assert outcomes(proxy, 1) == ["err"]
    proxy.remove_rule(rule)
    assert proxy.rules() == [] and outcomes(proxy, 1) == ["ok"]


def test_drop_before_forwarding(moto, proxy):
    proxy.add_rule("drop", operation="CreateStream")
    stream = name()
    with pytest.raises(ConnectionClosedError):
        via(proxy, "kinesis").create_stream(StreamName=stream, ShardCount=1)
    assert stream not in moto.client("kinesis").list_streams()["StreamNames"]
    assert proxy.log()[0]["fault"] == "drop"


def test_drop_after_forwarding(moto, proxy):
    proxy.add_rule("drop", operation="CreateStream", after=True)
    stream = name()
    with pytest.raises(ConnectionClosedError):
        via(proxy, "kinesis").create_stream(StreamName=stream, ShardCount=1)
    assert stream in moto.client("kinesis").list_streams()["StreamNames"]


def test_hang_after_forwarding_holds_only_the_answer(moto, proxy):
    proxy.add_rule("hang", operation="CreateStream", after=True)
    stream = name()
    with pytest.raises(ReadTimeoutError):
        via(proxy, "kinesis", timeout=0.5).create_stream(StreamName=stream, ShardCount=1)
    assert stream in moto.client("kinesis").list_streams()["StreamNames"]
    [entry] = proxy.log(operation="CreateStream")
    assert entry["fault"] == "hang" and entry["status"] == 200


def test_a_write_rule_matches_every_write_and_no_read(proxy):
    rule = proxy.add_rule("error", error="throttle", writes=True, nth=2)
    kinesis = via(proxy, "kinesis")
    kinesis.list_streams()
    for _ in range(2):
        with pytest.raises(ClientError):
            kinesis.delete_stream(StreamName=name())
    assert (rule.matched, rule.fired) == (2, 1)
    assert [e["fault"] for e in proxy.log()] == [None, None, "error"]
    assert faultproxy.is_write("CreateNatGateway") and faultproxy.is_write("AuthorizeSecurityGroupIngress")
    assert not faultproxy.is_write("DescribeVpcs") and not faultproxy.is_write("ListTagsForStream")


@pytest.mark.parametrize("operation,write", [
    ("Subscribe", True), ("Unsubscribe", True), ("ListSubscriptionsByTopic", False),
    ("PutMetricAlarm", True), ("DescribeAlarms", False),
    # REST: by method, except the POSTs that only read.
    ("PUT /logs-bucket/", True), ("POST /logs-bucket/", True), ("DELETE /logs-bucket/", True),
    ("GET /logs-bucket/", False), ("HEAD /logs-bucket/", False),
    ("POST /detector", True), ("POST /detector/12abc", True), ("DELETE /detector/12abc", True),
    ("POST /detector/12abc/findings/get", False), ("POST /detector/12abc/findings", False),
    ("POST /accounts", True), ("DELETE /accounts", True), ("GET /accounts", False),
    ("POST /standards/register", True), ("POST /standards/get", False), ("POST /findings", False),
])
def test_a_write_is_known_by_its_verb_or_its_method(operation, write):
    assert faultproxy.is_write(operation) is write


def test_an_s3_write_refused_answers_s3s_error(moto, proxy):
    rule = proxy.add_rule("error", error="access_denied", writes=True, service="s3", nth=1)
    s3, bucket = via(proxy, "s3"), name()
    s3.list_buckets()
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket=bucket)
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert "fault injected by faultproxy" in err.value.response["Error"]["Message"]
    assert (rule.matched, rule.fired) == (1, 1)
    assert bucket not in [b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]]


def test_a_cbor_write_refused_answers_a_cbor_error(proxy):
    import cbor2

    proxy.add_rule("error", error="access_denied", writes=True)
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=5)
    conn.request("POST", "/service/GraniteServiceVersion20100801/operation/PutMetricAlarm",
                 body=cbor2.dumps({"AlarmName": name()}),
                 headers={"Authorization": AUTH.replace("kinesis", "monitoring"),
                          "smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"})
    answer = conn.getresponse()
    body = cbor2.loads(answer.read())
    conn.close()
    assert answer.status == 400 and answer.getheader("smithy-protocol") == "rpc-v2-cbor"
    assert answer.getheader("x-amzn-query-error") == "AccessDenied;Sender"
    assert body["__type"] == "AccessDenied" and "fault injected" in body["message"]
    [entry] = proxy.log()
    assert (entry["protocol"], entry["operation"], entry["fault"]) == ("cbor", "PutMetricAlarm", "error")


def test_a_rule_with_a_probability_fires_on_that_share_the_same_way_every_run():
    def fired(seed):
        rule = Rule("error", error="throttle", probability=0.3, seed=seed)
        return [rule.take("kinesis", "ListStreams") for _ in range(1000)]

    first = fired(7)
    assert 250 < sum(first) < 350, sum(first)
    assert fired(7) == first and fired(8) != first
    with pytest.raises(ValueError):
        Rule("error", error="throttle", probability=1.5)


def test_a_delay_with_jitter_waits_between_its_bounds():
    rule = Rule("delay", seconds=0.05, jitter=0.15, seed=3)
    pauses = [rule.pause() for _ in range(200)]
    assert all(0.05 <= p <= 0.2 for p in pauses)
    assert max(pauses) - min(pauses) > 0.1


def test_delay(proxy):
    kinesis = via(proxy, "kinesis")
    proxy.add_rule("delay", seconds=0.5, operation="ListStreams")
    started = time.monotonic()
    kinesis.list_streams()
    assert time.monotonic() - started >= 0.5
    # The proxy notes the answer's time once it has sent it: the client may read it first.
    deadline = time.monotonic() + 5
    while proxy.log()[0]["ended"] is None and time.monotonic() < deadline:
        time.sleep(0.01)
    entry = proxy.log()[0]
    assert entry["status"] == 200
    assert entry["ended"] - entry["time"] >= 0.5, "the log says when the call was answered"


def test_rewrite(moto, proxy):
    kinesis, stream = via(proxy, "kinesis"), name()
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    proxy.add_rule("rewrite", operation="DescribeStreamSummary",
                   find='"StreamStatus": "ACTIVE"', replace='"StreamStatus": "CREATING"')
    summary = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
    assert summary["StreamStatus"] == "CREATING"
    direct = moto.client("kinesis").describe_stream_summary(StreamName=stream)
    assert direct["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"


def test_a_rewrite_counts_only_the_answers_it_rewrites(moto, proxy):
    kinesis, stream = via(proxy, "kinesis"), name()
    rule = proxy.add_rule("rewrite", operation="DescribeStreamSummary",
                          find='"StreamStatus": "ACTIVE"', replace='"StreamStatus": "CREATING"',
                          times=1)
    # Not found yet: nothing to rewrite, and the rule's one time is left.
    with pytest.raises(ClientError):
        kinesis.describe_stream_summary(StreamName=stream)
    assert (rule.matched, rule.fired) == (0, 0)
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    statuses = [kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamStatus"] for _ in range(2)]
    assert statuses == ["CREATING", "ACTIVE"]
    assert (rule.matched, rule.fired) == (2, 1)


def test_hang_until_cleared(proxy):
    proxy.add_rule("hang", operation="ListStreams")
    with pytest.raises(ReadTimeoutError):
        via(proxy, "kinesis", timeout=0.5).list_streams()

    result = {}

    def raw_call():
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        conn.request("POST", "/", body=b"{}", headers=LIST_STREAMS)
        try:
            conn.getresponse()
            result["outcome"] = "answered"
        except (http.client.RemoteDisconnected, ConnectionError) as err:
            result["outcome"] = type(err).__name__

    caller = threading.Thread(target=raw_call)
    caller.start()
    caller.join(0.5)
    assert caller.is_alive(), "a hung request must not be answered"
    proxy.clear()
    caller.join(3)
    assert not caller.is_alive() and result["outcome"] != "answered"
    via(proxy, "kinesis").list_streams()  # cleared: calls pass again


def http_json(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_program_with_http_control_api(moto):
    proc = subprocess.Popen([sys.executable, faultproxy.__file__, "--upstream", moto.url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = read_first_line(proc, 10)
        assert line and line.strip().isdigit(), proc.stderr.read() if proc.poll() else line
        base = f"http://127.0.0.1:{int(line)}"
        kinesis = boto_client("kinesis", base, retries=1)
        status, rule = http_json("POST", f"{base}/__fault/rules", {
            "action": "error", "error": "throttle", "service": "kinesis", "times": 1})
        assert status == 200 and rule["action"] == "error"
        assert http_json("POST", f"{base}/__fault/rules", {"action": "nope"})[0] == 400
        with pytest.raises(ClientError):
            kinesis.list_streams()
        kinesis.list_streams()
        status, log = http_json("GET", f"{base}/__fault/log")
        assert [(e["operation"], e["fault"]) for e in log] == [
            ("ListStreams", "error"), ("ListStreams", None)]
        assert http_json("GET", f"{base}/__fault/rules")[1][0]["fired"] == 1
        http_json("POST", f"{base}/__fault/rules", {"action": "error", "error": "internal"})
        assert http_json("DELETE", f"{base}/__fault/rules")[0] == 200
        kinesis.list_streams()
        assert http_json("DELETE", f"{base}/__fault/log")[0] == 200
        assert http_json("GET", f"{base}/__fault/log")[1] == []
        assert http_json("GET", f"{base}/__fault/nothing")[0] == 404
        proc.terminate()
        assert proc.wait(5) == 0
    finally:
        proc.kill()
        proc.wait()
