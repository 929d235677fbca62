"""Pulumi property maps in google.protobuf.Struct: secrets and unknowns.

``to_struct({"a": secret("x"), "b": UNKNOWN})`` encodes; ``from_struct(struct)`` decodes
secret objects into ``Secret(value)`` and any unknown string into ``UNKNOWN``. Output-value
objects decode to their value (``Secret`` if secret, ``UNKNOWN`` if they carry none);
other special objects (resource references, assets, archives) stay plain dicts.
"""

from google.protobuf import json_format, struct_pb2

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_STRINGS = frozenset({
    UNKNOWN_STRING, "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
})


class _Unknown:
    def __repr__(self):
        return "UNKNOWN"


UNKNOWN = _Unknown()


class Secret:
    """A secret property value."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Secret) and other.value == self.value

    def __hash__(self):
        return hash(("Secret", repr(self.value)))

    def __repr__(self):
        return f"Secret({self.value!r})"


def secret(value):
    """Mark a value secret (to_struct encodes it as a secret object)."""
    return Secret(value)


def unknown():
    """The usual unknown-value string, as the engine sends in previews."""
    return UNKNOWN_STRING


def is_secret(value):
    """True for a Secret, or a raw secret object dict / Struct."""
    if isinstance(value, Secret):
        return True
    if isinstance(value, struct_pb2.Struct):
        value = json_format.MessageToDict(value)
    return isinstance(value, dict) and value.get(SIG) == SECRET_SIG


def is_unknown(value):
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_STRINGS)


def _encode(value):
    if isinstance(value, Secret):
        return {SIG: SECRET_SIG, "value": _encode(value.value)}
    if value is UNKNOWN:
        return UNKNOWN_STRING
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def to_struct(props):
    """A Struct from a dict whose values may hold Secret, UNKNOWN, dicts and lists."""
    struct = struct_pb2.Struct()
    struct.update(_encode(props or {}))
    return struct


def _decode(value):
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_STRINGS else value
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get(SIG) == SECRET_SIG:
        return Secret(_decode(value.get("value")))
    if value.get(SIG) == OUTPUT_SIG:
        inner = _decode(value["value"]) if "value" in value else UNKNOWN
        return Secret(inner) if value.get("secret") else inner
    return {k: _decode(v) for k, v in value.items()}


def from_struct(struct):
    """A dict from a Struct (or None -> {}); numbers come back as floats."""
    if struct is None:
        return {}
    return _decode(json_format.MessageToDict(struct))


def unwrap(value):
    """The value with every Secret replaced by its plain value (recursively)."""
    if isinstance(value, Secret):
        return unwrap(value.value)
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value
