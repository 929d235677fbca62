"""Struct property helpers: secrets and unknowns survive a round trip."""

from google.protobuf import struct_pb2

from harness.props import (SECRET_SIG, SIG, UNKNOWN, Secret, from_struct, is_secret,
                           is_unknown, secret, to_struct, unknown, unwrap)


def test_round_trip_with_secrets_and_unknowns():
    props = {"name": "db", "size": 20, "flags": [True, None, "x"],
             "password": secret("hunter2"), "nested": {"key": secret({"a": 1}), "id": UNKNOWN}}
    struct = to_struct(props)
    assert isinstance(struct, struct_pb2.Struct)
    assert struct["password"][SIG] == SECRET_SIG and struct["password"]["value"] == "hunter2"
    assert struct["nested"]["id"] == unknown() == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert from_struct(struct) == props
    assert unwrap(from_struct(struct))["password"] == "hunter2"


def test_detection():
    assert is_secret(secret(1)) and is_secret({SIG: SECRET_SIG, "value": 1})
    assert is_secret(to_struct({SIG: SECRET_SIG, "value": 1}))
    assert not is_secret({"value": 1}) and not is_secret("x")
    assert is_unknown(unknown()) and is_unknown("dd056dcd-154b-4c76-9bd3-c8f88648b5ff")
    assert from_struct(to_struct({"a": "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"}))["a"] is UNKNOWN
    assert Secret("a") != Secret("b") and from_struct(None) == {}


def test_output_values_decode():
    out = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
    struct = to_struct({"known": {SIG: out, "value": 3}, "unknown": {SIG: out},
                        "secret": {SIG: out, "value": "s", "secret": True}})
    assert from_struct(struct) == {"known": 3, "unknown": UNKNOWN, "secret": Secret("s")}
