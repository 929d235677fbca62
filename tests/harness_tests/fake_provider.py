"""A stand-in provider for testing the ``plugin`` fixture; FAKE_PROVIDER_MODE picks it:

- ``serve`` (default): like a provider: listens, prints its port, serves GetPluginInfo and a
  Create that fails with an ErrorResourceInitFailed detail; exits 0 on SIGINT;
- ``die``: writes to stderr and exits 3 before printing a port;
- ``silent``: prints nothing and sleeps.
"""

import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc, status_pb2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness.grpc_errors import DETAILS_KEY  # noqa: E402
from harness.props import to_struct  # noqa: E402


class Provider(provider_pb2_grpc.ResourceProviderServicer):
    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version="1.2.3")

    def Create(self, request, context):
        detail = any_pb2.Any()
        detail.Pack(provider_pb2.ErrorResourceInitFailed(
            id="stream-1", properties=to_struct({"name": "stream-1"}),
            reasons=["tags not applied"], inputs=request.properties))
        status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0],
                                   message="partly created", details=[detail])
        context.set_trailing_metadata(((DETAILS_KEY, status.SerializeToString()),))
        context.abort(grpc.StatusCode.UNKNOWN, "partly created")


def main():
    print(f"fake provider argv: {sys.argv[1:]}", file=sys.stderr, flush=True)
    mode = os.environ.get("FAKE_PROVIDER_MODE", "serve")
    if mode == "die":
        sys.exit(3)
    if mode == "silent":
        time.sleep(60)
        return
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Provider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    stop.wait()
    server.stop(None)


if __name__ == "__main__":
    main()
