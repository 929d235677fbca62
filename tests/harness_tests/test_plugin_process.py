"""The ``plugin`` fixture, driven with a stand-in provider (no Rust binary needed)."""

import sys
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import plugin_pb2, provider_pb2
from google.protobuf import empty_pb2

from harness.grpc_errors import init_failed, rpc_status
from harness.plugin_process import PluginStartError
from harness.props import from_struct, to_struct

FAKE = [sys.executable, str(Path(__file__).with_name("fake_provider.py"))]


def test_plugin_starts_serves_and_stops(plugin, engine):
    p = plugin(command=FAKE, args=["-v=9"])
    assert p.command[-2:] == ["-v=9", engine.address]  # engine address comes last
    assert 0 < p.startup_seconds < 10
    info = p.stub.GetPluginInfo(empty_pb2.Empty(), timeout=5)
    assert isinstance(info, plugin_pb2.PluginInfo) and info.version == "1.2.3"
    assert p.stop() == 0  # SIGINT was delivered and handled
    assert f"'-v=9', '{engine.address}'" in p.stderr_text()
    assert p.stop() == 0  # idempotent


def test_init_failed_detail_is_decoded(plugin):
    p = plugin(command=FAKE)
    with pytest.raises(grpc.RpcError) as err:
        p.stub.Create(provider_pb2.CreateRequest(
            urn="urn:x", properties=to_struct({"name": "stream-1"})), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNKNOWN
    assert rpc_status(err.value).message == "partly created"
    detail = init_failed(err.value)
    assert detail.id == "stream-1" and list(detail.reasons) == ["tags not applied"]
    assert from_struct(detail.properties) == {"name": "stream-1"}
    assert from_struct(detail.inputs) == {"name": "stream-1"}


def test_init_failed_absent_on_plain_errors(plugin):
    p = plugin(command=FAKE)
    with pytest.raises(grpc.RpcError) as err:
        p.stub.Delete(provider_pb2.DeleteRequest(id="x"), timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert init_failed(err.value) is None and rpc_status(err.value) is None


def test_plugin_that_dies_reports_stderr(plugin):
    with pytest.raises(PluginStartError, match=r"(?s)exited with code 3.*fake provider argv"):
        plugin(command=FAKE, env={"FAKE_PROVIDER_MODE": "die"})


def test_plugin_that_stays_silent_times_out(plugin):
    with pytest.raises(PluginStartError, match="printed no port line within 1 s"):
        plugin(command=FAKE, env={"FAKE_PROVIDER_MODE": "silent"}, start_timeout=1)


def test_missing_binary_fails_clearly(plugin, monkeypatch):
    monkeypatch.setenv("HEALTHCARE_PROVIDER_BIN", "/nonexistent/pulumi-resource-healthcare")
    with pytest.raises(pytest.fail.Exception, match="/nonexistent/pulumi-resource-healthcare"):
        plugin()
