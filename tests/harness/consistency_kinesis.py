"""Kinesis's transitional states for the eventual-consistency model.

The Kinesis API reference: CreateStream "returns immediately and sets the stream status to
CREATING"; UpdateShardCount, StartStreamEncryption, StopStreamEncryption, the retention
period and enhanced monitoring calls set it to UPDATING; after DeleteStream it is DELETING.
Only an ACTIVE stream takes a change: the others answer ResourceInUseException ("the
resource must be in the ACTIVE state"), DeleteStream included while CREATING or UPDATING.
The SDK's StreamExists waiter and terraform-provider-aws wait for ACTIVE after each change.

Moto makes a stream ACTIVE at once and applies each change in the call. ``Streams`` plays the
window: for ``kinesis.creating`` seconds after a CreateStream, and ``kinesis.updating``
seconds after a change, DescribeStream and DescribeStreamSummary show the state, and the
calls that change the stream answer ResourceInUseException. It counts ``kinesis.creating``
and ``kinesis.updating`` (a describe showing the state) and ``kinesis.in_use`` (a refusal).
"""

import json

# The calls that change a stream: refused unless ACTIVE.
CHANGES = ("AddTagsToStream", "RemoveTagsFromStream", "IncreaseStreamRetentionPeriod",
           "DecreaseStreamRetentionPeriod", "UpdateShardCount", "StartStreamEncryption",
           "StopStreamEncryption", "EnableEnhancedMonitoring", "DisableEnhancedMonitoring",
           "UpdateStreamMode", "DeleteStream", "MergeShards", "SplitShard")
# The calls after which the stream is UPDATING for a while.
UPDATES = ("IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod", "UpdateShardCount",
           "StartStreamEncryption", "StopStreamEncryption", "EnableEnhancedMonitoring",
           "DisableEnhancedMonitoring", "UpdateStreamMode", "MergeShards", "SplitShard")
# describe -> the answer's field holding the stream
DESCRIBES = {"DescribeStream": "StreamDescription",
             "DescribeStreamSummary": "StreamDescriptionSummary"}


def stream_name(params):
    """A request's stream, by StreamName or StreamARN (``...:stream/NAME``)."""
    name, arn = params.get("StreamName"), params.get("StreamARN")
    if isinstance(name, str):
        return name
    return arn.rsplit("/", 1)[1] if isinstance(arn, str) and "/" in arn else None


class Streams:
    """Streams CREATING or UPDATING: name -> (state, until)."""

    def __init__(self, lag, counts):
        self._lag, self._counts = lag, counts
        self._states = {}

    def _state(self, name, now):
        """The transitional state a stream shows now, or None (ACTIVE as moto says)."""
        entry = self._states.get(name)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._states[name]
            return None
        return entry[0]

    def refusal(self, service, operation, params, now):
        """(count key, (status, code, message)) for a change of a stream not ACTIVE."""
        if service != "kinesis" or operation not in CHANGES:
            return None
        name = stream_name(params)
        state = self._state(name, now) if name else None
        if state is None:
            return None
        return "kinesis.in_use", (400, "ResourceInUseException",
                                  f"Stream {name} is not ACTIVE, it is {state}.")

    def record(self, service, operation, params, now):
        """A create or change sends the stream CREATING or UPDATING for a while."""
        if service != "kinesis":
            return
        name = stream_name(params)
        if not name:
            return
        if operation == "CreateStream":
            self._states[name] = ("CREATING", now + self._lag("kinesis.creating", name))
        elif operation in UPDATES:
            self._states[name] = ("UPDATING", now + self._lag("kinesis.updating", name))
        elif operation == "DeleteStream":
            self._states.pop(name, None)

    def rewrite(self, service, operation, params, data, now):
        """A describe answer showing the stream's transitional state."""
        field = DESCRIBES.get(operation) if service == "kinesis" else None
        name = stream_name(params) if field else None
        state = self._state(name, now) if name else None
        if state is None:
            return data
        try:
            answer = json.loads(data)
        except ValueError:
            return data
        stream = answer.get(field) if isinstance(answer, dict) else None
        if not isinstance(stream, dict) or stream.get("StreamStatus") != "ACTIVE":
            return data
        stream["StreamStatus"] = state
        self._counts[f"kinesis.{state.lower()}"] += 1
        return json.dumps(answer).encode()
