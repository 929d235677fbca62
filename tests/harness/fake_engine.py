"""A fake Pulumi Engine gRPC server that records every Log call."""

import threading
import time
from concurrent import futures

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

class _Servicer(engine_pb2_grpc.EngineServicer):
    def __init__(self, engine):
        self.engine = engine

    def Log(self, request, context):
        with self.engine._cond:
            self.engine.logs.append(request)
            self.engine._cond.notify_all()
        return empty_pb2.Empty()


class FakeEngine:
    """``pulumirpc.Engine`` on 127.0.0.1: ``.address``, ``.logs`` (LogRequest list)."""

    def __init__(self):
        self.logs = []
        self._cond = threading.Condition()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        engine_pb2_grpc.add_EngineServicer_to_server(_Servicer(self), self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{self.port}"
        self._server.start()

    def messages(self, ephemeral=None, severity=None, urn=None):
        """Logged messages (strings), filtered by ephemeral flag, severity and urn.

        severity: a name ("info", "WARNING") or a LogSeverity value.
        """
        if isinstance(severity, str):
            severity = engine_pb2.LogSeverity.Value(severity.upper())
        with self._cond:
            logs = list(self.logs)
        return [log.message for log in logs
                if (ephemeral is None or log.ephemeral == ephemeral)
                and (severity is None or log.severity == severity)
                and (urn is None or log.urn == urn)]

    def ephemeral(self, urn=None):
        """Messages sent with ephemeral=true (the CLI's live status line)."""
        return self.messages(ephemeral=True, urn=urn)

    def wait_for(self, predicate, timeout=5.0):
        """Wait until predicate(LogRequest) holds for some log; return it, or None."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = next((log for log in self.logs if predicate(log)), None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self._cond.wait(left)

    def stop(self):
        self._server.stop(grace=None).wait(5)
