"""An engine that calls out of order, twice at once, or never configures: clear errors, no
panic, and nothing in AWS touched that the call had no business touching."""

import concurrent.futures
import uuid

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from client import Provider, urn
from harness.faultproxy import is_write
from harness.grpc_errors import init_failed
from harness.props import to_struct

NAME = "hostile"


def settle(provider, news=None, name=NAME):
    inputs, failures = provider.check(name, {"shardCount": 1, **(news or {})})
    assert failures == []
    return inputs


def writes(proxy):
    return [e["operation"] for e in proxy.log() if is_write(e["operation"])]


def alive(provider):
    assert provider.stub.GetPluginInfo(empty_pb2.Empty()).version


def test_an_update_of_a_resource_that_was_never_made_is_refused_and_makes_nothing(provider, proxy, moto):
    name = f"never-{uuid.uuid4().hex[:6]}"
    inputs = settle(provider, {"streamName": name})
    with pytest.raises(grpc.RpcError) as caught:
        provider.update(NAME, name, {}, inputs, old_inputs={})
    assert caught.value.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION), \
        (caught.value.code(), caught.value.details())
    assert name in caught.value.details() and "refresh" in caught.value.details(), caught.value.details()
    assert init_failed(caught.value) is None
    assert writes(proxy) == []
    assert name not in moto.client("kinesis").list_streams()["StreamNames"]
    alive(provider)


def test_a_delete_of_an_id_nothing_has_succeeds_and_changes_nothing(provider, proxy):
    provider.delete(NAME, f"nothing-{uuid.uuid4().hex[:6]}", {})
    changed = [e for e in proxy.log() if is_write(e["operation"]) and e["status"] < 300]
    assert changed == [], [(e["operation"], e["status"]) for e in changed]
    alive(provider)


def test_a_read_of_a_deleted_resource_says_it_is_gone(provider, moto):
    inputs = settle(provider)
    sid, state = provider.create(NAME, inputs)
    provider.delete(NAME, sid, state)
    rid, props, _ = provider.read(NAME, sid, state, inputs)
    assert rid == "" and props == {}


def test_a_diff_given_the_state_of_another_resource_type_is_refused_clearly(provider):
    vpc_state = {"vpcId": "vpc-0abc", "cidrBlock": "10.0.0.0/16", "availabilityZoneCount": 2,
                 "privateSubnetIds": ["subnet-1"], "natGateways": "single"}
    news = settle(provider)
    try:
        d = provider.diff(NAME, "vpc-0abc", vpc_state, vpc_state, news)
    except grpc.RpcError as err:
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())
        assert "10.0.0.0/16" not in err.details()
    else:
        # Inputs that decode as this type's (every field optional) diff as a change of them.
        assert d.changes == provider_pb2.DiffResponse.DIFF_SOME, d
    alive(provider)


def test_calls_before_configure_are_refused_as_out_of_order(plugin, proxy):
    p = Provider(plugin())
    inputs, failures = p.check(NAME, {"shardCount": 1})
    assert failures == []
    with pytest.raises(grpc.RpcError) as caught:
        p.create(NAME, inputs)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION, caught.value.code()
    assert "Configure" in caught.value.details()
    with pytest.raises(grpc.RpcError) as caught:
        p.read(NAME, "some-stream")
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION, caught.value.code()
    assert proxy.log() == []
    alive(p)


def test_two_stacks_creating_the_same_name_at_once_one_wins_the_other_is_refused(provider, moto):
    name = f"contested-{uuid.uuid4().hex[:6]}"
    first, second = urn("first"), urn("second")

    def create(who):
        r = provider.stub.Check(provider_pb2.CheckRequest(
            urn=who, news=to_struct({"shardCount": 1, "streamName": name}), olds=to_struct({}),
            randomSeed=b"seed"))
        return provider.stub.Create(provider_pb2.CreateRequest(urn=who, properties=r.inputs))

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {who: pool.submit(create, who) for who in (first, second)}
    won, lost = [], []
    for who, future in futures.items():
        try:
            future.result()
            won.append(who)
        except grpc.RpcError as err:
            lost.append((who, err))
    assert len(won) == 1 and len(lost) == 1, (won, [(w, e.details()) for w, e in lost])
    [(loser, err)] = lost
    assert "streamName" in err.details() or "already exists" in err.details(), err.details()
    assert init_failed(err) is None, "the loser must not record the winner's stream as its own"
    tags = {t["Key"]: t["Value"] for t in
            moto.client("kinesis").list_tags_for_stream(StreamName=name)["Tags"]}
    assert tags["pulumi:urn"] == won[0]
    roles = {r["RoleName"]: r for r in moto.client("iam").list_roles()["Roles"]}
    for role in (f"{name}-producer", f"{name}-consumer"):
        role_tags = {t["Key"]: t["Value"] for t in moto.client("iam").list_role_tags(RoleName=role)["Tags"]}
        assert role in roles and role_tags["pulumi:urn"] == won[0], role_tags
    rid, state, _ = provider.read("first" if won[0] == first else "second", name)
    provider.stub.Delete(provider_pb2.DeleteRequest(id=name, urn=won[0], properties=to_struct(state)))
