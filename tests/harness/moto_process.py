"""Run moto_launcher.py as a subprocess, and make boto3 clients for it."""

import os
import queue
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

LAUNCHER = Path(__file__).with_name("moto_launcher.py")
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


def boto_client(service, endpoint_url, retries=None, timeout=None, region=REGION, **config):
    """A boto3 client for `region` (us-east-1 by default) with dummy credentials, pointed at
    endpoint_url.

    retries: total attempts (None = botocore's default); timeout: connect/read seconds.

    S3 Control puts the account id in front of the endpoint's host (``<account>.127.0.0.1``),
    a name that never resolves: its client sends every request to the endpoint as an HTTP
    proxy, which moto is glad to be (it finds S3 Control by the path).
    """
    if service == "s3control" and endpoint_url.startswith("http://"):
        config.setdefault("proxies", {"http": endpoint_url})
    if retries is not None:
        config["retries"] = {"total_max_attempts": retries, "mode": "standard"}
    if timeout is not None:
        config.update(connect_timeout=timeout, read_timeout=timeout)
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(**config))


def read_first_line(proc, timeout):
    """The first stdout line of proc; "" if stdout closes first, None on timeout.

    The rest of stdout is drained in the background (into proc.stdout_lines) so that the
    child never blocks on a full pipe.
    """
    lines = queue.Queue()
    proc.stdout_lines = []

    def pump():
        for i, line in enumerate(proc.stdout):
            (lines.put if i == 0 else proc.stdout_lines.append)(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def stop_process(proc, sig_timeout=5.0):
    """Terminate proc (SIGTERM, then SIGKILL); return its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(sig_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


class MotoServer:
    """The launcher running as a subprocess: ``.port``, ``.url``, ``.reset()``, ``.client()``."""

    def __init__(self, start_timeout=30.0, env=None):
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, str(LAUNCHER), "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env={**os.environ, **(env or {})}, text=True)
        line = read_first_line(self.process, start_timeout)
        if not (line or "").strip().isdigit():
            self.stop()
            raise RuntimeError(f"moto launcher did not print its port (got {line!r}); "
                               f"stderr:\n{self.stderr_text()}")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"

    def reset(self):
        """Clear all of moto's state (POST /moto-api/reset)."""
        urllib.request.urlopen(urllib.request.Request(
            f"{self.url}/moto-api/reset", method="POST"), timeout=30).read()

    def client(self, service, **kwargs):
        """A boto3 client straight to moto (see boto_client for kwargs)."""
        return boto_client(service, self.url, **kwargs)

    def stderr_text(self):
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self):
        code = stop_process(self.process)
        if self.process.stdin:
            self.process.stdin.close()
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
