"""KinesisPipeline updates in place, and provider configuration reaching AWS."""

import json

from pulumi.runtime.proto import provider_pb2

from client import Provider
from harness.props import to_struct

NAME = "updates"


def settle(provider, news, olds=None):
    inputs, failures = provider.check(NAME, news, olds=olds)
    assert failures == []
    return inputs


def trust_principals(moto, role):
    doc = moto.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    doc = doc if isinstance(doc, dict) else json.loads(doc)
    aws = doc["Statement"][0]["Principal"]["AWS"]
    return sorted([aws] if isinstance(aws, str) else aws)


def test_shards_metrics_key_and_principals_change_in_place(provider, moto):
    kinesis, kms = moto.client("kinesis"), moto.client("kms")
    inputs = settle(provider, {"shardCount": 1})
    sid, state = provider.create(NAME, inputs)
    managed_key = state["kmsKeyArn"]
    assert trust_principals(moto, f"{sid}-producer") == ["arn:aws:iam::123456789012:root"]

    user_key = kms.create_key()["KeyMetadata"]["Arn"]
    ingest = "arn:aws:iam::123456789012:role/ingest"
    news = settle(provider, {"shardCount": 3, "shardLevelMetrics": ["IncomingBytes"], "kmsKeyId": user_key,
                             "producerPrincipals": [ingest]}, olds=inputs)
    d = provider.diff(NAME, sid, state, inputs, news)
    assert sorted(d.diffs) == ["kmsKeyId", "producerPrincipals", "shardCount", "shardLevelMetrics"]
    assert list(d.replaces) == []
    state = provider.update(NAME, sid, state, news, old_inputs=inputs)

    s = kinesis.describe_stream_summary(StreamName=sid)["StreamDescriptionSummary"]
    assert s["OpenShardCount"] == 3 and s["KeyId"] == user_key
    assert s["EnhancedMonitoring"][0]["ShardLevelMetrics"] == ["IncomingBytes"]
    assert trust_principals(moto, f"{sid}-producer") == [ingest]
    policy = moto.client("iam").get_role_policy(RoleName=f"{sid}-producer", PolicyName="kinesis-producer")
    doc = policy["PolicyDocument"]
    doc = doc if isinstance(doc, dict) else json.loads(doc)
    assert doc["Statement"][1]["Resource"] == user_key
    assert state["kmsKeyManaged"] is False and state["kmsKeyArn"] == user_key
    # The key the resource made is retired once nothing uses it.
    assert kms.describe_key(KeyId=managed_key)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    provider.delete(NAME, sid, state)


def test_default_tags_reach_the_stream_and_user_tags_win(plugin, moto):
    p = Provider(plugin())
    p.configure(endpoint=moto.url, defaultTags={"team": "platform", "env": "dev"})
    inputs = settle(p, {"tags": {"env": "prod"}})
    sid, state = p.create(NAME, inputs)
    tags = {t["Key"]: t["Value"] for t in moto.client("kinesis").list_tags_for_stream(StreamName=sid)["Tags"]}
    assert tags["team"] == "platform" and tags["env"] == "prod"
    key_tags = {t["TagKey"]: t["TagValue"] for t in moto.client("kms").list_resource_tags(KeyId=state["kmsKeyArn"])["Tags"]}
    assert key_tags["team"] == "platform" and "pulumi:urn" in key_tags
    _, read_state, _ = p.read(NAME, sid, state, inputs)
    assert read_state["tags"] == {"env": "prod"}
    p.delete(NAME, sid, state)


def test_per_service_endpoints_win_over_the_shared_one(plugin, moto, proxy):
    p = Provider(plugin())
    p.configure(endpoint=moto.url, endpoints={"kinesis": proxy.url})
    inputs = settle(p, {})
    sid, state = p.create(NAME, inputs)
    services = {e["service"] for e in proxy.log()}
    assert services == {"kinesis"}
    p.delete(NAME, sid, state)


def test_the_region_comes_from_the_environment_when_not_configured(plugin, moto):
    p = Provider(plugin(env={"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}))
    p.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct({"endpoint": moto.url})))
    inputs = settle(p, {})
    sid, state = p.create(NAME, inputs)
    assert ":eu-west-1:" in state["streamArn"]
    p.delete(NAME, sid, state)
