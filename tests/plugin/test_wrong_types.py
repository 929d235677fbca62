"""Every input of every resource, given a value of each wrong type, through Check as the
engine sends it (Construct, for a component): the answer names that input (a check failure on
it, or an InvalidArgument that says it), never echoes the value, and the plugin lives on.
Generated from the schema."""

import json
import os
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from harness.fake_engine import FakeEngine
from harness.plugin_process import Plugin
from harness.props import from_struct, to_struct

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "provider" / "schema.json").read_text())
MARK = "wrongvalue7f3"
WRONG = {
    "string": [12.5, True, [MARK], {"x": MARK}],
    "integer": [f"{MARK}", True, [1], {"x": 1}, 2.5],
    "number": [f"{MARK}", False, [1.5], {"x": 1}],
    "boolean": [f"{MARK}", 3, [True], {"x": True}],
    "array": [f"{MARK}", 7, {"x": MARK}],
    "object": [f"{MARK}", 7, [MARK]],
}


def kind(prop):
    """The JSON kind an input takes: a $ref to an enum is a string, to an object an object."""
    ref = prop.get("$ref")
    if ref:
        target = SCHEMA["types"][ref.rsplit("/", 1)[-1]]
        return "string" if "enum" in target else "object"
    return prop.get("type", "object")


def cases():
    for token, resource in sorted(SCHEMA["resources"].items()):
        for name, prop in sorted(resource["inputProperties"].items()):
            for i, wrong in enumerate(WRONG[kind(prop)]):
                yield pytest.param(token, name, wrong, id=f"{token.rsplit(':', 1)[-1]}.{name}.{i}")


def urn(token):
    return f"urn:pulumi:test::healthcare::{token}::subject"


@pytest.fixture(scope="module")
def stub():
    """One plugin for the whole table: a value that kills it fails every case after it."""
    engine = FakeEngine()
    binary = os.environ.get("HEALTHCARE_PROVIDER_BIN", str(REPO / "bin" / "pulumi-resource-healthcare"))
    plugin = Plugin([binary], engine.address)
    yield plugin.stub
    plugin.stop()
    engine.stop()


def call(stub, token, news):
    """Check for a custom resource; Construct for a component, with no monitor listening, so
    that only a refusal of the inputs can answer before the monitor is needed."""
    if SCHEMA["resources"][token].get("isComponent"):
        return stub.Construct(provider_pb2.ConstructRequest(
            type=token, name="subject", monitorEndpoint="127.0.0.1:1", inputs=news), timeout=10)
    return stub.Check(provider_pb2.CheckRequest(urn=urn(token), type=token, name="subject", news=news,
                                                olds=to_struct({}), randomSeed=b"seed"), timeout=10)


@pytest.mark.parametrize("token,prop,wrong", list(cases()))
def test_a_wrong_type_is_refused_naming_the_input(stub, token, prop, wrong):
    try:
        answer = call(stub, token, to_struct({prop: wrong}))
    except grpc.RpcError as err:
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())
        assert prop in err.details(), err.details()
        assert MARK not in err.details(), err.details()
        return
    named = [f for f in answer.failures
             if f.property == prop or f.property.startswith((f"{prop}.", f"{prop}["))]
    assert named, (prop, wrong, [(f.property, f.reason) for f in answer.failures],
                   from_struct(answer.inputs))
    assert all(MARK not in f.reason for f in answer.failures), list(answer.failures)
