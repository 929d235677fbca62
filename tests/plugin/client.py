"""A small typed face over the provider's gRPC stub for the suites in this folder."""

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2

from harness.props import from_struct, to_struct

TOKEN = "healthcare:streaming:KinesisPipeline"


def urn(name, token=TOKEN):
    return f"urn:pulumi:test::healthcare::{token}::{name}"


class Provider:
    """Wraps a started plugin; every call returns decoded property dicts."""

    def __init__(self, plugin):
        self.plugin = plugin
        self.stub = plugin.stub

    def configure(self, **config):
        args = {"region": "us-east-1", "maxRetries": 1, **config}
        return self.stub.Configure(provider_pb2.ConfigureRequest(
            args=to_struct(args), acceptSecrets=True, acceptResources=True))

    def check_config(self, **news):
        r = self.stub.CheckConfig(provider_pb2.CheckRequest(urn=urn("default", "pulumi:providers:healthcare"),
                                                            news=to_struct(news)))
        return from_struct(r.inputs), [(f.property, f.reason) for f in r.failures]

    def check(self, name, news, olds=None, seed=b"seed-1"):
        r = self.stub.Check(provider_pb2.CheckRequest(
            urn=urn(name), news=to_struct(news), olds=to_struct(olds or {}), randomSeed=seed))
        return from_struct(r.inputs), [(f.property, f.reason) for f in r.failures]

    def diff(self, name, id, olds, old_inputs, news):
        return self.stub.Diff(provider_pb2.DiffRequest(
            id=id, urn=urn(name), olds=to_struct(olds), old_inputs=to_struct(old_inputs), news=to_struct(news)))

    def create(self, name, props, preview=False, timeout=0):
        r = self.stub.Create(provider_pb2.CreateRequest(
            urn=urn(name), properties=to_struct(props), preview=preview, timeout=timeout))
        return r.id, from_struct(r.properties)

    def create_raw(self, name, props, preview=False, timeout=0):
        return self.stub.Create.future(provider_pb2.CreateRequest(
            urn=urn(name), properties=to_struct(props), preview=preview, timeout=timeout))

    def read(self, name, id, props=None, inputs=None):
        r = self.stub.Read(provider_pb2.ReadRequest(
            id=id, urn=urn(name), properties=to_struct(props or {}), inputs=to_struct(inputs or {})))
        return r.id, from_struct(r.properties), from_struct(r.inputs)

    def update(self, name, id, olds, news, old_inputs=None, preview=False):
        r = self.stub.Update(provider_pb2.UpdateRequest(
            id=id, urn=urn(name), olds=to_struct(olds), news=to_struct(news),
            old_inputs=to_struct(old_inputs or {}), preview=preview))
        return from_struct(r.properties)

    def delete(self, name, id, props):
        self.stub.Delete(provider_pb2.DeleteRequest(id=id, urn=urn(name), properties=to_struct(props)))

    def cancel(self):
        self.stub.Cancel(empty_pb2.Empty())


def code_of(call):
    """The gRPC status code of a call expected to fail."""
    try:
        call()
    except grpc.RpcError as err:
        return err.code(), err
    raise AssertionError("the call succeeded")
