"""Slow, failing and interrupted AWS calls, injected by the fault proxy between plugin and moto."""

import time

import grpc
import pytest

from client import urn
from harness.grpc_errors import init_failed
from harness.props import from_struct

NAME = "faulty"


def settle(provider, news=None):
    inputs, failures = provider.check(NAME, news or {})
    assert failures == []
    return inputs


def test_a_failure_after_the_stream_exists_is_a_partial_failure_the_next_update_finishes(provider, proxy, moto):
    inputs = settle(provider)
    proxy.add_rule("error", service="iam", operation="CreateRole", error="access_denied", nth=1)
    with pytest.raises(grpc.RpcError) as caught:
        provider.create(NAME, inputs)
    detail = init_failed(caught.value)
    assert detail is not None, caught.value.details()
    assert detail.id == inputs["streamName"]
    partial = from_struct(detail.properties)
    assert partial["streamArn"].endswith(f"stream/{detail.id}")
    assert "CreateRole" in " ".join(detail.reasons)
    proxy.clear_rules()

    state = provider.update(NAME, detail.id, partial, inputs, old_inputs=inputs)
    roles = {r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]}
    assert {f"{detail.id}-producer", f"{detail.id}-consumer"} <= roles
    assert state["producerRoleArn"] and state["compliance"]["compliant"] is True
    provider.delete(NAME, detail.id, state)
    assert detail.id not in moto.client("kinesis").list_streams()["StreamNames"]


def test_a_stream_left_by_a_crashed_attempt_is_adopted(provider, moto):
    inputs = settle(provider)
    name = inputs["streamName"]
    moto.client("kinesis").create_stream(StreamName=name, ShardCount=1, Tags={"pulumi:urn": urn(NAME)})
    sid, state = provider.create(NAME, inputs)
    assert sid == name and moto.client("kinesis").list_streams()["StreamNames"].count(name) == 1
    assert state["compliance"]["compliant"] is True
    provider.delete(NAME, sid, state)


def test_a_stream_owned_by_someone_else_is_not_taken(provider, moto):
    inputs = settle(provider, {"streamName": "someone-elses"})
    moto.client("kinesis").create_stream(StreamName="someone-elses", ShardCount=1)
    with pytest.raises(grpc.RpcError) as caught:
        provider.create(NAME, inputs)
    assert "streamName" in caught.value.details() and "pulumi import" in caught.value.details()
    assert init_failed(caught.value) is None
    moto.client("kinesis").delete_stream(StreamName="someone-elses")


def test_waiting_reports_progress_to_the_engine(provider, proxy, engine):
    inputs = settle(provider)
    proxy.add_rule("rewrite", service="kinesis", operation="DescribeStreamSummary",
                   find='"StreamStatus": "ACTIVE"', replace='"StreamStatus": "CREATING"', times=3)
    sid, state = provider.create(NAME, inputs)
    status = engine.ephemeral(urn=urn(NAME))
    assert any(f"waiting for Kinesis stream {sid} to be ACTIVE (CREATING)" in m for m in status), status
    provider.delete(NAME, sid, state)


def test_throttling_is_retried(provider, proxy):
    inputs = settle(provider)
    proxy.add_rule("error", service="kinesis", operation="CreateStream", error="throttle", times=1)
    sid, state = provider.create(NAME, inputs)
    assert [e["code"] for e in proxy.log(operation="CreateStream")][0] == "ThrottlingException"
    assert len(proxy.log(operation="CreateStream")) == 2
    provider.delete(NAME, sid, state)


def test_cancel_stops_a_running_create_within_a_second(provider, proxy):
    inputs = settle(provider)
    proxy.add_rule("hang", service="kinesis", operation="CreateStream")
    future = provider.create_raw(NAME, inputs)
    deadline = time.monotonic() + 10
    while not proxy.log(operation="CreateStream") and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    provider.cancel()
    with pytest.raises(grpc.RpcError) as caught:
        future.result(timeout=5)
    took = time.monotonic() - started
    print(f"\ncancel to answer: {took * 1000:.0f} ms")
    assert caught.value.code() == grpc.StatusCode.CANCELLED and took < 1.0


def test_the_request_timeout_stops_a_create(provider, proxy):
    inputs = settle(provider)
    proxy.add_rule("hang", service="kinesis", operation="CreateStream")
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as caught:
        provider.create(NAME, inputs, timeout=1)
    took = time.monotonic() - started
    assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED and took < 2.0
    assert "customTimeouts" in caught.value.details()
