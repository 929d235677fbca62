"""The fake engine records Log calls made through the real Engine stub."""

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc


def test_engine_records_logs(engine):
    with grpc.insecure_channel(engine.address) as channel:
        stub = engine_pb2_grpc.EngineStub(channel)
        stub.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message="waiting for NAT",
                                       urn="urn:a", ephemeral=True))
        stub.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message="slow", urn="urn:b"))
    assert [log.message for log in engine.logs] == ["waiting for NAT", "slow"]
    assert engine.ephemeral() == ["waiting for NAT"]
    assert engine.messages(ephemeral=False) == ["slow"]
    assert engine.messages(severity="warning") == ["slow"]
    assert engine.messages(urn="urn:a") == ["waiting for NAT"]
    assert engine.wait_for(lambda log: log.message == "slow", timeout=1).urn == "urn:b"
    assert engine.wait_for(lambda log: log.message == "never", timeout=0.1) is None
