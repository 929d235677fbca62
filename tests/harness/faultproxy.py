#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 reverse proxy for putting between an AWS SDK and moto.

Every request is forwarded to the upstream (moto) and recorded in a request log with its
AWS service and operation, when it arrived (``time``) and when it was answered (``ended``). Rules, matched on service and/or operation, inject faults:

- ``delay``: wait ``seconds`` before forwarding;
- ``error``: answer ``status`` with an AWS error body shaped for the request's protocol
  (``error="throttle" | "internal" | "access_denied"`` presets, or ``status`` + ``code``);
- ``drop``: close the connection without answering (``after=True``: forward first, so the
  call happened upstream but its answer is lost);
- ``rewrite``: forward, then replace substring ``find`` by ``replace`` in the raw body; an
  answer without ``find`` is left as it is and not counted, so ``times`` and ``nth`` count
  the answers rewritten (under the consistency model, a lagged not-found is not one);
- ``hang``: never answer, until the rule is removed/cleared or the proxy stops (then the
  connection is closed); ``after=True``: forward first, so the call happened upstream and
  only its answer is held.

A rule matches on ``service`` and ``operation`` (a name or a list), and with ``writes=True``
only calls that change something (``is_write``: Create*, Put*, Tag*, Delete*, Subscribe...,
and a REST call's PUT, POST, PATCH or DELETE other than the POSTs that only read). A rule
fires on every matching call, on the first ``times`` ones, or only on the ``nth``; with
``probability`` it fires on that share of the calls it would fire on, drawn from a random
sequence seeded by ``seed`` (the same sequence every run). A delay waits ``seconds`` plus up
to ``jitter`` more, drawn the same way.
Each rule counts the calls it matches (``matched``/``fired``); when several fire on one call,
the oldest applies.

With ``consistency=`` (a ``consistency.Consistency``), the proxy also plays AWS's eventual
consistency: before forwarding it asks the model whether AWS would still refuse the call
(a new object not yet visible, a new role or key not yet usable, an object still modifying);
if so it answers that error without forwarding (logged with ``lagged=True``). Otherwise it
forwards and lets the model record what the call made and rewrite the answer (a describe
that does not list a new object yet). Fault rules take priority: a rule that answers by
itself (error, drop, hang) skips the model's refusals.

In-process: ``FaultProxy(upstream).start()`` then ``.add_rule()``, ``.log()``, ``.clear()``,
``.stop()``. As a program: ``python faultproxy.py --upstream http://127.0.0.1:PORT`` prints
its port (``--consistency aws --seed N [--lag-scale F]`` turns the model on); control it over
HTTP: ``GET|DELETE /__fault/log``, ``GET|POST|DELETE /__fault/rules``, ``DELETE
/__fault/rules/ID`` (JSON bodies, same fields as ``Rule``), ``GET /__fault/consistency`` (the
model's counts of lagged answers).
"""

import argparse
import dataclasses
import http.client
import http.server
import itertools
import json
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
              "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
              "expect", "content-length"}
SCOPE_RE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
TARGET_SERVICES = {"trentservice": "kms", "amazonec2containerservice": "ecs"}

# preset -> (HTTP status, error code per protocol family)
PRESETS = {
    "throttle": (400, {"json": "ThrottlingException", "query": "Throttling",
                       "ec2": "RequestLimitExceeded"}),
    "internal": (500, {"json": "InternalFailure", "query": "InternalFailure",
                       "ec2": "InternalError"}),
    "access_denied": (400, {"json": "AccessDeniedException", "query": "AccessDenied",
                            "ec2": "UnauthorizedOperation"}),
}
ACTIONS = ("delay", "error", "drop", "rewrite", "hang")
# The verbs of AWS operations that change something; everything else (Describe, List,
# Get...) only reads.
WRITE_VERBS = ("Create", "Modify", "Put", "Attach", "Authorize", "Tag", "Associate", "Register",
               "Update", "Enable", "Start", "Increase", "Allocate", "Set", "Run", "Replace",
               "Rotate", "Reboot", "Apply", "Restore", "Copy", "Import", "Add", "Cancel",
               "Delete", "Deregister", "Detach", "Disassociate", "Release", "Remove", "Revoke",
               "Untag", "Schedule", "Disable", "Stop", "Decrease")
WRITE_RE = re.compile(rf"(?:{'|'.join(WRITE_VERBS)})[A-Z]")
# Operations whose whole name is a verb that changes something.
WRITE_NAMES = {"Subscribe", "Unsubscribe"}
# A REST call (operation ``METHOD /path``) changes something by its method, except the POSTs
# that only read: Security Hub's GetEnabledStandards (POST /standards/get), GetFindings
# (POST /findings), GuardDuty's GetFindings and ListFindings (POST .../findings/get,
# POST .../findings) and the like, whose path ends in a reading word.
REST_WRITE_RE = re.compile(r"(?:PUT|POST|PATCH|DELETE) /")
REST_READ_RE = re.compile(r"POST /(?:.*/)?(?:get|list|describe|statistics|findings|search)/?$")
# Smithy RPC v2 CBOR (CloudWatch, as the AWS SDK for Rust speaks it): the operation is named
# in the path, ``POST /service/<Service>/operation/<Operation>``.
# S3 Control's paths (its requests are signed for ``s3``).
S3_CONTROL_PREFIX = "/v20180820/"
CBOR_PATH_RE = re.compile(r"/service/[^/]+/operation/([A-Za-z0-9]+)$")
_ids = itertools.count(1)


def _target_service(prefix):
    """``Kinesis_20131202`` -> ``kinesis``; ``TrentService`` -> ``kms``."""
    name = re.sub(r"_?v?\d{8}$", "", prefix.lower())
    return TARGET_SERVICES.get(name, name)


def _form_fields(path, headers, body):
    """The form fields of a query-protocol request: the form body, else the URL's query."""
    fields = {}
    if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
    if "Action" not in fields:
        fields = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    return fields


def identify(method, path, headers, body):
    """Return (protocol, service, region, operation) of one request.

    protocol is ``json`` (X-Amz-Target), ``query``/``ec2`` (``Action=`` parameter), ``cbor``
    (Smithy RPC v2 CBOR: the operation named in the path), or ``rest`` (``rest-xml`` for
    S3, ``rest-xml-wrapped`` for S3 Control, whose errors come wrapped in an
    ``ErrorResponse``; the operation is then ``METHOD path``).
    """
    scope = SCOPE_RE.search(headers.get("Authorization", ""))
    region, service = scope.groups() if scope else (None, None)
    target = headers.get("X-Amz-Target")
    if target:
        prefix, _, operation = target.rpartition(".")
        return "json", service or _target_service(prefix), region, operation
    split = urllib.parse.urlsplit(path)
    cbor = CBOR_PATH_RE.search(split.path)
    if cbor and headers.get("smithy-protocol", "").lower() == "rpc-v2-cbor":
        return "cbor", service, region, cbor.group(1)
    params = _form_fields(path, headers, body)
    if "Action" in params:
        return ("ec2" if service == "ec2" else "query"), service, region, params["Action"][0]
    if service == "s3":
        # S3 Control signs as S3; its paths start with its API version.
        protocol = "rest-xml-wrapped" if split.path.startswith(S3_CONTROL_PREFIX) else "rest-xml"
    else:
        protocol = "rest"
    return protocol, service, region, f"{method} {split.path}"


def request_params(protocol, path, headers, body):
    """The parameters of a request as identify() found its protocol.

    query/ec2: the form fields (str -> list of str, as parse_qs gives them); json: the parsed
    JSON body (a dict; {} when it is not a JSON object); rest: the URL's query fields, those
    without a value included (as "").
    """
    if protocol == "json":
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return {}
        return params if isinstance(params, dict) else {}
    if protocol in ("query", "ec2"):
        return _form_fields(path, headers, body)
    # A REST call's subresource is a query field without a value (S3's ``?policy``).
    return urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)


def is_write(operation):
    """True when an operation's verb changes something."""
    if not operation:
        return False
    if REST_WRITE_RE.match(operation):
        return REST_READ_RE.match(operation) is None
    return WRITE_RE.match(operation) is not None or operation in WRITE_NAMES


def _one_of(wanted, value):
    if wanted is None:
        return True
    return value in ([wanted] if isinstance(wanted, str) else wanted)


@dataclasses.dataclass
class Rule:
    """One fault. ``service``/``operation``: a name or a list of names (None = any)."""

    action: str
    service: object = None
    operation: object = None
    nth: int = None
    times: int = None
    seconds: float = 0.0
    jitter: float = 0.0
    probability: float = None
    seed: int = 0
    error: str = None
    status: int = None
    code: str = None
    message: str = None
    find: str = None
    replace: str = None
    after: bool = False
    writes: bool = False
    id: int = dataclasses.field(default_factory=lambda: next(_ids))
    matched: int = 0
    fired: int = 0

    def __post_init__(self):
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}; one of {ACTIONS}")
        if self.action == "error" and self.error is None and self.code is None:
            raise ValueError("an error rule needs error=<preset> or code=")
        if self.error is not None and self.error not in PRESETS:
            raise ValueError(f"unknown error preset {self.error!r}; one of {list(PRESETS)}")
        if self.action == "rewrite" and (self.find is None or self.replace is None):
            raise ValueError("a rewrite rule needs find= and replace=")
        if self.nth is not None and self.times is not None:
            raise ValueError("give nth or times, not both")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability is a share between 0 and 1")
        self.released = threading.Event()
        self._random = random.Random(self.seed)

    def take(self, service, operation):
        """Count a request against this rule; True if the rule fires on it."""
        if not (_one_of(self.service, service) and _one_of(self.operation, operation)):
            return False
        if self.writes and not is_write(operation):
            return False
        self.matched += 1
        if self.nth is not None:
            fire = self.matched == self.nth
        else:
            fire = self.times is None or self.matched <= self.times
        if fire and self.probability is not None:
            fire = self._random.random() < self.probability
        self.fired += fire
        return fire

    def pause(self):
        """How long a delay rule waits this time."""
        return self.seconds + (self._random.uniform(0, self.jitter) if self.jitter else 0.0)

    def error_reply(self, protocol):
        """(status, code) for a request of this protocol."""
        status, codes = PRESETS.get(self.error, (400, {}))
        # S3 and CloudWatch (its CBOR errors carry the query protocol's codes) answer the
        # query family's codes.
        family = {"ec2": "ec2", "query": "query", "rest-xml": "query", "rest-xml-wrapped": "query",
                  "cbor": "query"}.get(
            protocol, "json")
        return self.status or status, self.code or codes[family]

    def to_dict(self):
        return dataclasses.asdict(self)


def error_body(protocol, status, code, message, content_type=None):
    """(headers, body) of an AWS-style error for the given protocol."""
    request_id = str(uuid.uuid4())
    if protocol == "ec2":
        body = (f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}"
                f"</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
        return [("Content-Type", "text/xml")], body.encode()
    if protocol == "rest-xml":
        body = (f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>")
        return [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body.encode()
    if protocol == "rest-xml-wrapped":
        body = (f"<ErrorResponse><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
                f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
        return [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)], body.encode()
    if protocol == "cbor":
        import cbor2

        kind = "Receiver" if status >= 500 else "Sender"
        return [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-query-error", f"{code};{kind}"), ("x-amzn-RequestId", request_id)], \
            cbor2.dumps({"__type": code, "message": message})
    if protocol == "query":
        kind = "Receiver" if status >= 500 else "Sender"
        body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>")
        return [("Content-Type", "text/xml")], body.encode()
    if protocol != "json" or not content_type:
        content_type = "application/json"
    headers = [("Content-Type", content_type), ("x-amzn-ErrorType", code),
               ("x-amzn-RequestId", request_id)]
    return headers, json.dumps({"__type": code, "message": message}).encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    # Headers and body go out as separate writes; without TCP_NODELAY the body waits for
    # the client's delayed ACK (~40 ms), a stall AWS does not have.
    disable_nagle_algorithm = True
    proxy = None  # set on the subclass made by FaultProxy.start

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.proxy._track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.proxy._track(self.connection, False)

    def _handle(self):
        body = self._read_body()
        if self.path.startswith("/__fault/"):
            self._control(body)
        else:
            self._proxy(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _reply(self, status, headers, body):
        self.send_response_only(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _forward(self, body):
        upstream = urllib.parse.urlsplit(self.proxy.upstream)
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port,
                                          timeout=self.proxy.upstream_timeout)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for key, value in self.headers.items():
                if key.lower() not in HOP_BY_HOP:
                    conn.putheader(key, value)
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            return resp.status, headers, data
        finally:
            conn.close()

    def _proxy(self, body):
        protocol, service, region, operation = identify(self.command, self.path, self.headers, body)
        entry = self.proxy._record(protocol=protocol, service=service, region=region,
                                   operation=operation, method=self.command, path=self.path)
        try:
            self._answer(entry, protocol, service, operation, body)
        finally:
            entry["ended"] = time.time()

    def _answer(self, entry, protocol, service, operation, body):
        rule = self.proxy._pick(service, operation)
        if rule:
            entry.update(fault=rule.action, rule=rule.id)
        action = rule.action if rule else None
        if action == "delay" and self.proxy._stopping.wait(rule.pause()):
            return self._drop()
        if action == "error":
            status, code = rule.error_reply(protocol)
            message = rule.message or f"fault injected by faultproxy rule {rule.id}"
            headers, data = error_body(protocol, status, code, message,
                                       self.headers.get("Content-Type"))
            entry.update(status=status, code=code)
            return self._reply(status, headers, data)
        if action == "drop" and not rule.after:
            return self._drop()
        if action == "hang" and not rule.after:
            return self._hold(rule)
        model = self.proxy.consistency
        params = request_params(protocol, self.path, self.headers, body) if model else None
        if model and action not in ("drop", "hang"):  # those forward, then lose the answer
            refusal = model.before(protocol, service, operation, params, body)
            if refusal:
                return self._refuse(entry, protocol, *refusal)
        try:
            status, headers, data = self._forward(body)
        except OSError as err:
            status, headers, data = 502, [("Content-Type", "text/plain")], f"upstream: {err}".encode()
        entry["status"] = status
        if model:
            answer = model.after(protocol, service, operation, params, status, data)
            entry["lagged"] = answer is not data
            data = answer
        if action == "hang":
            return self._hold(rule)
        if action == "drop":
            return self._drop()
        if action == "rewrite":
            if rule.find.encode() in data:
                data = data.replace(rule.find.encode(), rule.replace.encode())
            else:
                self.proxy._not_taken(rule)
        self._reply(status, headers, data)

    def _refuse(self, entry, protocol, status, code, message):
        """Answer the consistency model's refusal as AWS answers that error."""
        headers, data = error_body(protocol, status, code, message,
                                   self.headers.get("Content-Type"))
        entry.update(status=status, code=code, lagged=True)
        return self._reply(status, headers, data)

    def _hold(self, rule):
        while not (rule.released.wait(0.1) or self.proxy._stopping.is_set()):
            pass
        return self._drop()

    def _control(self, body):
        route = self.path.split("?")[0].rstrip("/")
        proxy, status, out = self.proxy, 200, {"ok": True}
        try:
            if (self.command, route) == ("GET", "/__fault/log"):
                out = proxy.log()
            elif (self.command, route) == ("DELETE", "/__fault/log"):
                proxy.clear_log()
            elif (self.command, route) == ("GET", "/__fault/rules"):
                out = [rule.to_dict() for rule in proxy.rules()]
            elif (self.command, route) == ("POST", "/__fault/rules"):
                out = proxy.add_rule(**json.loads(body or b"{}")).to_dict()
            elif (self.command, route) == ("DELETE", "/__fault/rules"):
                proxy.clear_rules()
            elif self.command == "DELETE" and route.startswith("/__fault/rules/"):
                proxy.remove_rule(int(route.rsplit("/", 1)[1]))
            elif (self.command, route) == ("GET", "/__fault/consistency"):
                out = proxy.consistency.counts() if proxy.consistency else None
            else:
                status, out = 404, {"error": f"no control route {self.command} {route}"}
        except (TypeError, ValueError) as err:
            status, out = 400, {"error": str(err)}
        self._reply(status, [("Content-Type", "application/json")], json.dumps(out).encode())


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client gone before its answer (a plugin killed by the fault it is being tested
        # under) is what the tests do on purpose, not an error of the proxy's.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class FaultProxy:
    """The proxy, run in a thread of this process.

    consistency: an eventual-consistency model (``consistency.Consistency``) applied to every
    proxied call, or None (moto's answers as they are).
    """

    def __init__(self, upstream, host="127.0.0.1", port=0, upstream_timeout=60.0,
                 consistency=None):
        self.upstream = upstream.rstrip("/")
        self.upstream_timeout = upstream_timeout
        self.consistency = consistency
        self._address = (host, port)
        self._lock = threading.Lock()
        self._rules, self._log, self._conns = [], [], set()
        self._stopping = threading.Event()
        self._server = self._thread = None

    def start(self):
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._server = _Server(self._address, handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True,
                                        name=f"faultproxy:{self.port}")
        self._thread.start()
        return self

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def add_rule(self, action, **fields):
        """Add a rule (a Rule, or an action name and Rule fields); return it."""
        rule = action if isinstance(action, Rule) else Rule(action, **fields)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove_rule(self, rule):
        """Remove a rule (or rule id), releasing its hung requests."""
        rule_id = getattr(rule, "id", rule)
        with self._lock:
            gone = [r for r in self._rules if r.id == rule_id]
            self._rules = [r for r in self._rules if r.id != rule_id]
        for r in gone:
            r.released.set()

    def rules(self):
        with self._lock:
            return list(self._rules)

    def clear_rules(self):
        with self._lock:
            gone, self._rules = self._rules, []
        for rule in gone:
            rule.released.set()

    def clear_log(self):
        with self._lock:
            self._log.clear()

    def clear(self):
        """Remove every rule (releasing hangs) and empty the log."""
        self.clear_rules()
        self.clear_log()

    def log(self, service=None, operation=None):
        """Copies of the log entries, oldest first, optionally filtered."""
        with self._lock:
            return [dict(e) for e in self._log
                    if _one_of(service, e["service"]) and _one_of(operation, e["operation"])]

    def operations(self, service=None):
        """The logged operation names, oldest first."""
        return [e["operation"] for e in self.log(service=service)]

    def count(self, operation, service=None):
        return len(self.log(service=service, operation=operation))

    def stop(self):
        """Release hangs and delays, close every connection, stop serving."""
        self._stopping.set()
        self.clear_rules()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _record(self, **fields):
        entry = dict(fields, time=time.time(), ended=None, status=None, code=None, fault=None,
                     rule=None, lagged=False)
        with self._lock:
            self._log.append(entry)
        return entry

    def _not_taken(self, rule):
        """A rewrite rule's call whose answer held nothing to rewrite: not counted."""
        with self._lock:
            rule.matched -= 1
            rule.fired -= 1

    def _pick(self, service, operation):
        with self._lock:
            fired = [rule for rule in self._rules if rule.take(service, operation)]
        return fired[0] if fired else None

    def _track(self, conn, opened):
        with self._lock:
            (self._conns.add if opened else self._conns.discard)(conn)


def main(argv=None):
    parser = argparse.ArgumentParser(description="fault-injecting proxy in front of moto")
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--consistency", choices=("off", "aws"), default="off",
                        help="aws: play AWS's eventual consistency (default off)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the model's lags")
    parser.add_argument("--lag-scale", type=float, default=1.0,
                        help="multiply every lag of the model by this")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    model = None
    if args.consistency != "off":
        if __package__:
            from .consistency import Consistency
        else:  # run as a program, with tests/harness first on sys.path
            from consistency import Consistency
        model = Consistency(seed=args.seed, profile=args.consistency, scale=args.lag_scale)
    proxy = FaultProxy(args.upstream, port=args.port, consistency=model).start()
    print(proxy.port, flush=True)
    while not stop.wait(0.2):
        pass
    proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
