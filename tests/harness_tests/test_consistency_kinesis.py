"""Kinesis's transitional states the fault proxy plays (tests/harness/consistency_kinesis.py):
a stream CREATING after its create and UPDATING after a change, refusing other changes
meanwhile with ResourceInUseException, as the Kinesis API reference says; shown to end."""

import time

from harness_tests.test_consistency import (  # noqa: F401 (lagged is a fixture)
    eventually, lagged, name, refused, via)
from harness_tests.test_consistency_named import counted, documented


def status(client, stream):
    return client.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
        "StreamStatus"]


def until_active(client, stream, timeout=15.0):
    deadline = time.monotonic() + timeout
    while status(client, stream) != "ACTIVE":
        assert time.monotonic() < deadline, "the stream never became ACTIVE"
        time.sleep(0.1)


def test_a_stream_is_creating_then_updating_and_refuses_changes_meanwhile(moto, lagged):
    proxy = lagged(scale=1.0)  # CREATING 2-6 s, UPDATING 1-4 s
    kinesis, direct, stream = via(proxy, "kinesis"), moto.client("kinesis"), name()
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    assert status(kinesis, stream) == "CREATING"
    assert kinesis.describe_stream(StreamName=stream)["StreamDescription"][
        "StreamStatus"] == "CREATING"
    assert status(direct, stream) == "ACTIVE"
    changes = [
        lambda: kinesis.add_tags_to_stream(StreamName=stream, Tags={"a": "b"}),
        lambda: kinesis.increase_stream_retention_period(StreamName=stream,
                                                         RetentionPeriodHours=48),
        lambda: kinesis.update_shard_count(StreamName=stream, TargetShardCount=2,
                                           ScalingType="UNIFORM_SCALING"),
    ]
    for change in changes:
        assert refused(change) == ("ResourceInUseException",
                                   f"Stream {stream} is not ACTIVE, it is CREATING.", 400)
    assert "ResourceInUseException" in documented(direct, "UpdateShardCount")
    until_active(kinesis, stream)
    changes[0]()  # tags do not change the stream's state
    changes[1]()
    assert status(kinesis, stream) == "UPDATING"
    assert refused(changes[2])[1] == f"Stream {stream} is not ACTIVE, it is UPDATING."
    until_active(kinesis, stream)
    changes[2]()
    assert refused(lambda: kinesis.delete_stream(StreamName=stream))[0] == \
        "ResourceInUseException"
    eventually(lambda: kinesis.delete_stream(StreamName=stream))
    counted(proxy, kinesis__creating=2, kinesis__updating=1, kinesis__in_use=5)
