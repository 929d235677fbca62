"""Start the provider binary as the Pulumi engine would, and dial it over gRPC."""

import os
import signal
import subprocess
import tempfile
import time

import grpc
from pulumi.runtime.proto import provider_pb2_grpc

from .moto_process import read_first_line

MAX_MESSAGE = 400 * 1024 * 1024
GRPC_OPTIONS = [("grpc.max_receive_message_length", MAX_MESSAGE),
                ("grpc.max_send_message_length", MAX_MESSAGE)]


class PluginStartError(RuntimeError):
    """The provider died or stayed silent before printing its port."""


class Plugin:
    """A running provider: ``.stub``, ``.process``, ``.port``, ``.startup_seconds``."""

    def __init__(self, command, engine_address, env=None, args=(), start_timeout=10.0):
        self._stderr = tempfile.NamedTemporaryFile(prefix="provider-stderr-", suffix=".txt")
        self.stderr_path = self._stderr.name
        self.command = [*command, *args, *([engine_address] if engine_address else [])]
        self.channel = self.stub = None
        started = time.monotonic()
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, env={**os.environ, **(env or {})}, text=True)
        line = read_first_line(self.process, start_timeout)
        self.startup_seconds = time.monotonic() - started
        if not (line or "").strip().isdigit():
            if line is None:
                why = f"printed no port line within {start_timeout:g} s"
            elif not line:
                why = f"exited with code {self._exit_code()} before printing its port"
            else:
                why = f"printed {line!r} instead of a port"
            self.stop()
            raise PluginStartError(f"{' '.join(self.command)}: {why}; stderr:\n"
                                   f"{self.stderr_text() or '(empty)'}")
        self.port = int(line)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=GRPC_OPTIONS)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _exit_code(self):
        try:
            return self.process.wait(5)
        except subprocess.TimeoutExpired:
            return "? (closed stdout but still running)"

    def stdout_lines(self):
        """stdout lines printed after the port line."""
        return list(getattr(self.process, "stdout_lines", []))

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, timeout=5.0):
        """SIGINT, wait up to timeout, then SIGKILL; return the exit code (idempotent)."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()
