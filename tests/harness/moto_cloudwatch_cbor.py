"""CloudWatch addition for the moto launcher: the Smithy RPC v2 CBOR protocol, which AWS's
CloudWatch serves and the AWS SDK for Rust speaks (aws-sdk-cloudwatch has no other).

Moto 5.2.5 answers CloudWatch in awsJson1_0 and query only; a request to
``POST /service/GraniteServiceVersion20100801/operation/<Op>`` is HTTP 404. The addition
hooks moto's server entry (``DomainDispatcherApplication.__call__``): such a request, marked
``smithy-protocol: rpc-v2-cbor``, is handed to moto's own awsJson1_0 handler as the same
operation (``X-Amz-Target: GraniteServiceVersion20100801.<Op>``, same signature, so the same
account and Region), and moto's JSON answer is written back as the protocol has it:

- a CBOR map of the output shape's members, typed by botocore's CloudWatch model: timestamps
  as tag 1 (epoch seconds), doubles as floats, integers as integers, blobs as byte strings;
  an operation without output answers no body;
- an error as a CBOR map of ``__type`` (the error's absolute shape id,
  ``com.amazonaws.cloudwatch#<Shape>``) and the error shape's members (``message``), with
  moto's status and the ``x-amzn-query-error: <Code>;<Sender|Receiver>`` header of the
  service's awsQueryCompatible trait, from which the SDKs read the error code;
- every answer carries ``smithy-protocol: rpc-v2-cbor``.

Request bodies are decoded the other way: tag 1 to epoch seconds, byte strings to base64,
gzip (``Content-Encoding``, as the SDKs compress PutMetricData) undone. Any other request
goes to moto unchanged, so boto3's JSON and the query protocol work as before.
``CLOUDWATCH_CBOR_ADDITIONS`` lists the addition.
"""

import base64
import datetime
import functools
import gzip
import http
import io
import json
import re

# AWS: the Smithy service shape is com.amazonaws.cloudwatch#GraniteServiceVersion20100801; the
# path names it bare, or (servers SHOULD accept) as an absolute id with '#' written '.'.
NAMESPACE = "com.amazonaws.cloudwatch"
SERVICE = "GraniteServiceVersion20100801"
PATH_RE = re.compile(rf"/service/(?:{re.escape(NAMESPACE)}\.)?{SERVICE}/operation/([A-Za-z0-9]+)$")
PROTOCOL = "rpc-v2-cbor"
CBOR = "application/cbor"
JSON = "application/x-amz-json-1.0"
# Answer headers of moto's that stay: the request id (the SDKs read x-amzn-requestid) and the
# query-compatible error code. Moto's X-Amzn-Errortype is dropped: the protocol's answers
# SHOULD NOT carry it.
KEPT_HEADERS = ("x-amzn-requestid", "x-amzn-query-error")
TIMESTAMP_TAG = 1

try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


@functools.lru_cache(maxsize=1)
def _model():
    import botocore.session

    return botocore.session.get_session().get_service_model("cloudwatch")


def _to_json(value):
    """A decoded CBOR request value as the awsJson1_0 body has it."""
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def _epoch(value):
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return float(value)


def _to_cbor(value, shape):
    """A JSON answer value as the CBOR encoder writes it for ``shape``; None to omit it."""
    import cbor2

    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in value.items():
            if name in shape.members:
                converted = _to_cbor(member, shape.members[name])
                if converted is not None:
                    out[name] = converted
        return out
    if kind == "list":
        return [c for c in (_to_cbor(v, shape.member) for v in value) if c is not None]
    if kind == "map":
        return {k: c for k, c in ((k, _to_cbor(v, shape.value)) for k, v in value.items()) if c is not None}
    if kind == "timestamp":
        return cbor2.CBORTag(TIMESTAMP_TAG, _epoch(value))
    if kind in ("double", "float"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)
    return value


def _error_shape(operation, name):
    """The error shape moto meant by ``name`` (None if the model has none): the operation's of
    that name, else the operation's with that query code (GetDashboard's ResourceNotFound is
    DashboardNotFoundError), else the model's, by name then by code."""
    def code(shape):
        return shape.metadata.get("error", {}).get("code")

    for shapes in (list(operation.error_shapes), _model().error_shapes):
        found = (next((s for s in shapes if s.name == name), None)
                 or next((s for s in shapes if code(s) == name), None))
        if found is not None:
            return found
    return None


def _error(status, type_name, message, query_error=None, members=None):
    """(status, headers, body) of a protocol error."""
    import cbor2

    body = {"__type": type_name, **(members or {})}
    if "message" not in body and "Message" not in body and message:
        body["message"] = message
    headers = [("x-amzn-query-error", query_error)] if query_error else []
    return status, headers, cbor2.dumps(body)


def _fault(message, status=500):
    """CloudWatch's InternalServiceFault (its member is ``Message``) for what moto could not do."""
    return _error(status, f"{NAMESPACE}#InternalServiceFault", message, "InternalServiceError;Receiver",
                  {"Message": message})


def _answer(operation, status, headers, body):
    """Moto's JSON answer to ``operation`` as (status, headers, CBOR body)."""
    import cbor2

    kept = [(k, v) for k, v in headers if k.lower() in KEPT_HEADERS]
    try:
        document = json.loads(body) if body.strip() else {}
    except ValueError:
        document = None
    if status < 300:
        if document is None:
            return _fault(f"emulator: moto answered {operation.name} without JSON")
        if operation.output_shape is None:
            return status, kept, b""
        return status, kept, cbor2.dumps(_to_cbor(document, operation.output_shape))
    if not isinstance(document, dict):
        text = body.decode("utf-8", "replace").strip()[:200]
        return _fault(f"emulator: moto answered {operation.name} with HTTP {status}: {text}", status)
    name = str(document.get("__type", "")).rpartition("#")[2] or "InternalServiceFault"
    shape = _error_shape(operation, name)
    name = shape.name if shape is not None else name
    members = _to_cbor(document, shape) if shape is not None else {}
    message = document.get("message") or document.get("Message")
    query_error = dict((k.lower(), v) for k, v in kept).get("x-amzn-query-error")
    if query_error is None and shape is not None:
        error = shape.metadata.get("error", {})
        fault = "Sender" if error.get("senderFault") else "Receiver"
        query_error = f"{error.get('code', name)};{fault}"
    status, extra, data = _error(status, f"{NAMESPACE}#{name}", message, query_error, members)
    return status, [(k, v) for k, v in kept if k.lower() != "x-amzn-query-error"] + extra, data


def _read_body(environ):
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length.isdigit():
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    if "gzip" in environ.get("HTTP_CONTENT_ENCODING", "").lower():
        body = gzip.decompress(body)
    return body


def _call_moto(original, app, environ, operation, body):
    """Run moto's awsJson1_0 handler for ``operation``; return (status, headers, body)."""
    environ = dict(environ)
    data = json.dumps(body).encode()
    environ.update({"PATH_INFO": "/", "REQUEST_URI": "/", "RAW_URI": "/", "QUERY_STRING": "",
                    "CONTENT_TYPE": JSON, "CONTENT_LENGTH": str(len(data)), "HTTP_ACCEPT": JSON,
                    "HTTP_X_AMZ_TARGET": f"{SERVICE}.{operation.name}", "wsgi.input": io.BytesIO(data)})
    for key in ("HTTP_SMITHY_PROTOCOL", "HTTP_CONTENT_ENCODING", "HTTP_TRANSFER_ENCODING"):
        environ.pop(key, None)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=list(headers))
        return lambda chunk: None

    result = original(app, environ, start_response)
    try:
        data = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], data


def _serve(original, app, environ, name):
    """(status, headers, CBOR body) answering a CBOR request for the operation ``name``."""
    import cbor2

    try:
        operation = _model().operation_model(name)
    except Exception:  # botocore's OperationNotFoundError
        return _error(404, "UnknownOperationException", f"CloudWatch has no operation {name}")
    try:
        raw = _read_body(environ)
        document = cbor2.loads(raw) if raw else {}
    except (cbor2.CBORDecodeError, OSError, EOFError, ValueError) as err:
        return _error(400, "SerializationException", f"the body is not CBOR: {err}")
    if not isinstance(document, dict):
        document = {}
    try:
        answer = _call_moto(original, app, environ, operation, _to_json(document))
    except Exception as err:  # moto failed (an operation it lacks): say so, in CBOR
        return _fault(f"emulator: moto failed on {name}: {err!r}")
    return _answer(operation, *answer)


def cloudwatch_rpc_v2_cbor():
    """CloudWatch over Smithy RPC v2 CBOR: every operation moto answers in awsJson1_0.

    AWS's CloudWatch serves the protocol (its model lists ``smithy-rpc-v2-cbor`` first, before
    ``json`` and ``query``), and aws-sdk-cloudwatch for Rust sends nothing else; moto 5.2.5
    answers it with HTTP 404. Moto keeps the alarms; this changes only the wire format.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if _installed(DomainDispatcherApplication, "__call__"):
        return
    original = DomainDispatcherApplication.__call__

    def __call__(self, environ, start_response):
        match = PATH_RE.search(environ.get("PATH_INFO", ""))
        if (match is None or environ.get("REQUEST_METHOD") != "POST"
                or environ.get("HTTP_SMITHY_PROTOCOL", "").lower() != PROTOCOL):
            return original(self, environ, start_response)
        status, headers, data = _serve(original, self, environ, match.group(1))
        headers = [("smithy-protocol", PROTOCOL), *headers]
        if data:
            headers.append(("Content-Type", CBOR))
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{status} {http.HTTPStatus(status).phrase}", headers)
        return [data]

    _install(DomainDispatcherApplication, __call__, "__call__")


CLOUDWATCH_CBOR_ADDITIONS = [cloudwatch_rpc_v2_cbor]
