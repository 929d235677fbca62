"""Decode the rich error details a provider attaches to a gRPC error."""

from pulumi.runtime.proto import provider_pb2

DETAILS_KEY = "grpc-status-details-bin"
INIT_FAILED_TYPE_URL = "type.googleapis.com/pulumirpc.ErrorResourceInitFailed"


def _status_class():
    # pulumi ships google/rpc/status.proto compiled as pulumi.runtime.proto.status_pb2;
    # googleapis-common-protos' copy clashes with it in the default descriptor pool, so
    # use whichever one this process loaded first.
    try:
        from pulumi.runtime.proto import status_pb2
    except TypeError:
        from google.rpc import status_pb2
    return status_pb2.Status


def rpc_status(err):
    """The google.rpc.Status in err's trailing metadata, or None."""
    for key, value in (err.trailing_metadata() or ()):
        if key == DETAILS_KEY:
            status = _status_class()()
            status.ParseFromString(value)
            return status
    return None


def init_failed(err):
    """The pulumirpc.ErrorResourceInitFailed detail carried by err, or None."""
    status = rpc_status(err)
    for detail in (status.details if status else ()):
        if detail.type_url == INIT_FAILED_TYPE_URL:
            out = provider_pb2.ErrorResourceInitFailed()
            detail.Unpack(out)
            return out
    return None
