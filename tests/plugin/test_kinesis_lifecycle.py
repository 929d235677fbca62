"""KinesisPipeline through the plugin's gRPC interface against moto, checked with boto3."""

import json

import pytest

from harness.props import UNKNOWN, Secret, is_secret, unwrap

NAME = "events"


def settle(provider, news, seed=b"seed-1", olds=None):
    inputs, failures = provider.check(NAME, news, olds=olds, seed=seed)
    assert failures == []
    return inputs


def stream(moto, name):
    return moto.client("kinesis").describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]


def role_policy(moto, role, policy):
    doc = moto.client("iam").get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    return doc if isinstance(doc, dict) else json.loads(doc)


def test_the_pipeline_goes_through_its_whole_life(provider, moto, proxy):
    inputs = settle(provider, {"shardCount": 2, "tags": {"team": "analytics"}})
    name = inputs["streamName"]
    assert name.startswith("events-") and len(name) == len("events-") + 7
    assert inputs["retentionHours"] == 168 and inputs["encryptionType"] == "KMS"
    assert settle(provider, {"shardCount": 2, "tags": {"team": "analytics"}})["streamName"] == name

    # Preview: outputs AWS decides are unknown, and no AWS call is made.
    pid, preview = provider.create(NAME, inputs, preview=True)
    assert pid == "" and preview["streamArn"] is UNKNOWN and preview["kmsKeyArn"] is UNKNOWN
    assert proxy.log() == []

    sid, state = provider.create(NAME, inputs)
    assert sid == name
    s = stream(moto, name)
    assert s["EncryptionType"] == "KMS" and s["KeyId"] == state["kmsKeyArn"]
    assert s["OpenShardCount"] == 2 and s["RetentionPeriodHours"] == 168
    assert state["kmsKeyManaged"] is True
    kms = moto.client("kms")
    assert kms.get_key_rotation_status(KeyId=state["kmsKeyArn"])["KeyRotationEnabled"] is True
    tags = {t["Key"]: t["Value"] for t in moto.client("kinesis").list_tags_for_stream(StreamName=name)["Tags"]}
    assert tags["team"] == "analytics" and tags["pulumi:urn"].endswith("::events")
    producer = role_policy(moto, f"{name}-producer", "kinesis-producer")
    assert producer["Statement"][0]["Resource"] == s["StreamARN"]
    assert "kinesis:PutRecords" in producer["Statement"][0]["Action"]
    assert "kinesis:GetRecords" not in producer["Statement"][0]["Action"]
    assert producer["Statement"][1] == {"Sid": "EncryptWithStreamKey", "Effect": "Allow",
                                        "Action": ["kms:GenerateDataKey"], "Resource": state["kmsKeyArn"]}
    consumer = role_policy(moto, f"{name}-consumer", "kinesis-consumer")
    assert "kinesis:GetRecords" in consumer["Statement"][0]["Action"]
    assert state["compliance"]["compliant"] is True

    # A read right after create finds nothing changed.
    rid, read_state, read_inputs = provider.read(NAME, sid, state, inputs)
    assert rid == sid and read_state == state
    assert read_inputs["retentionHours"] == 168 and read_inputs["streamName"] == name

    # Changing retention is an in-place update.
    news = settle(provider, {"shardCount": 2, "retentionHours": 48, "tags": {"team": "analytics"}}, olds=inputs)
    d = provider.diff(NAME, sid, state, inputs, news)
    assert list(d.diffs) == ["retentionHours"] and list(d.replaces) == []
    state = provider.update(NAME, sid, state, news, old_inputs=inputs)
    assert stream(moto, name)["RetentionPeriodHours"] == 48 and state["retentionHours"] == 48
    inputs = news

    # A change behind the provider's back shows on refresh.
    moto.client("kinesis").increase_stream_retention_period(StreamName=name, RetentionPeriodHours=72)
    _, drifted, drifted_inputs = provider.read(NAME, sid, state, inputs)
    assert drifted["retentionHours"] == 72 and drifted_inputs["retentionHours"] == 72
    back = provider.diff(NAME, sid, drifted, drifted_inputs, inputs)
    assert list(back.diffs) == ["retentionHours"]

    # A new name replaces, and a user-given name forces delete-before-replace.
    renamed = settle(provider, {**{k: v for k, v in inputs.items() if k != "__defaults"}, "streamName": "events-v2"})
    d = provider.diff(NAME, sid, state, inputs, renamed)
    assert list(d.replaces) == ["streamName"] and d.deleteBeforeReplace is True

    provider.delete(NAME, sid, drifted)
    names = moto.client("kinesis").list_streams()["StreamNames"]
    assert name not in names
    iam_roles = [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]]
    assert f"{name}-producer" not in iam_roles and f"{name}-consumer" not in iam_roles
    assert kms.describe_key(KeyId=state["kmsKeyArn"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    # Deleting again is fine: the stream is already gone.
    provider.delete(NAME, sid, drifted)


def test_import_rebuilds_the_state_from_the_stream_name_alone(provider, moto):
    inputs = settle(provider, {"retentionHours": 24, "streamMode": "ON_DEMAND"})
    sid, state = provider.create(NAME, inputs)
    rid, imported, imported_inputs = provider.read(NAME, sid)
    assert rid == sid
    assert imported["streamArn"] == state["streamArn"]
    assert imported_inputs["streamMode"] == "ON_DEMAND" and imported_inputs["retentionHours"] == 24
    assert "shardCount" not in imported_inputs
    provider.delete(NAME, sid, state)


def test_a_vanished_stream_reads_as_gone(provider, moto):
    inputs = settle(provider, {})
    sid, state = provider.create(NAME, inputs)
    moto.client("kinesis").delete_stream(StreamName=sid)
    rid, props, _ = provider.read(NAME, sid, state, inputs)
    assert rid == "" and props == {}
    provider.delete(NAME, sid, state)


def test_bad_inputs_fail_check_on_their_properties(provider):
    _, failures = provider.check(NAME, {"shardCount": 0, "retentionHours": 9000, "encryptionType": "NONE"})
    props = dict(failures)
    assert set(props) == {"shardCount", "retentionHours", "encryptionType"}
    assert "kinesis-stream-encrypted" in props["encryptionType"]


def test_a_user_key_is_used_and_not_owned(provider, moto):
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    inputs = settle(provider, {"kmsKeyId": key})
    sid, state = provider.create(NAME, inputs)
    assert stream(moto, sid)["KeyId"] == key and state["kmsKeyManaged"] is False
    provider.delete(NAME, sid, state)
    assert moto.client("kms").describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Enabled"


def test_secret_inputs_stay_secret_in_outputs(provider):
    inputs = settle(provider, {"tags": Secret({"owner": "ward-7"})})
    assert is_secret(inputs["tags"])
    sid, state = provider.create(NAME, inputs)
    assert is_secret(state["tags"]) and unwrap(state["tags"]) == {"owner": "ward-7"}
    assert not is_secret(state["streamArn"])
    provider.delete(NAME, sid, state)


def test_unknown_inputs_pass_check_and_preview(provider, proxy):
    inputs, failures = provider.check(NAME, {"kmsKeyId": UNKNOWN, "retentionHours": 5000000})
    assert [p for p, _ in failures] == ["retentionHours"]
    assert inputs["kmsKeyId"] is UNKNOWN
    _, preview = provider.create(NAME, inputs, preview=True)
    assert preview["kmsKeyId"] is UNKNOWN and preview["streamArn"] is UNKNOWN
    assert proxy.log() == []


@pytest.mark.parametrize("mode", ["PROVISIONED", "ON_DEMAND"])
def test_switching_capacity_mode_updates_in_place(provider, moto, mode):
    other = "ON_DEMAND" if mode == "PROVISIONED" else "PROVISIONED"
    inputs = settle(provider, {"streamMode": mode})
    sid, state = provider.create(NAME, inputs)
    news = settle(provider, {"streamMode": other}, olds=inputs)
    d = provider.diff(NAME, sid, state, inputs, news)
    assert "streamMode" in d.diffs and list(d.replaces) == []
    state = provider.update(NAME, sid, state, news, old_inputs=inputs)
    assert stream(moto, sid)["StreamModeDetails"]["StreamMode"] == other
    provider.delete(NAME, sid, state)


def test_a_rotation_status_aws_refuses_to_show_is_not_reported_as_rotation_off(provider, proxy):
    inputs = settle(provider, {"shardCount": 1})
    sid, state = provider.create(NAME, inputs)
    proxy.add_rule("error", service="kms", operation="GetKeyRotationStatus", error="access_denied")
    _, read_state, _ = provider.read(NAME, sid, state, inputs)
    proxy.clear_rules()
    [control] = [c for c in read_state["compliance"]["controls"] if c["rule"] == "cmk-backing-key-rotation-enabled"]
    assert control["satisfied"] is False
    assert "could not be read" in control["detail"] and "AccessDenied" in control["detail"], control
    assert "rotation is off" not in control["detail"]
    provider.delete(NAME, sid, state)
