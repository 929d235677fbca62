"""The plugin as the engine sees it: launch, handshake, schema, config, unimplemented RPCs."""

import json
import os
import re
import signal
import subprocess
import time

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2

from client import Provider, code_of
from harness.props import secret


def test_the_plugin_prints_its_port_and_reports_a_semver_version(plugin):
    p = plugin()
    print(f"\nstartup (exec to port printed): {p.startup_seconds * 1000:.1f} ms")
    info = p.stub.GetPluginInfo(empty_pb2.Empty())
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", info.version)


def test_handshake_and_configure_announce_secrets_resources_preview_and_autonaming(plugin, engine, moto):
    p = plugin()
    hs = p.stub.Handshake(provider_pb2.ProviderHandshakeRequest(engine_address=engine.address))
    assert hs.accept_secrets and hs.accept_resources and hs.supports_autonaming_configuration
    r = Provider(p).configure(endpoint=moto.url)
    assert r.acceptSecrets and r.supportsPreview and r.acceptResources and r.supports_autonaming_configuration


def test_the_schema_describes_every_resource_and_config_key(plugin):
    schema = json.loads(plugin().stub.GetSchema(provider_pb2.GetSchemaRequest(version=0)).schema)
    assert schema["name"] == "healthcare" and schema["version"]
    pipeline = schema["resources"]["healthcare:streaming:KinesisPipeline"]
    assert pipeline["inputProperties"]["streamName"]["replaceOnChanges"] is True
    assert "streamArn" in pipeline["required"]
    for key in ("region", "profile", "assumeRoleArn", "endpoint", "endpoints", "defaultTags",
                "skipCredentialsValidation", "maxRetries"):
        assert schema["config"]["variables"][key]["description"], key


def test_check_config_names_each_bad_key(plugin):
    _, failures = Provider(plugin()).check_config(region="moon-base", maxRetries="lots", endpoint="ftp://x",
                                                  version="0.1.0")
    assert sorted(p for p, _ in failures) == ["endpoint", "maxRetries", "region"]


def test_config_values_sent_as_json_strings_are_accepted(plugin, moto):
    p = Provider(plugin())
    _, failures = p.check_config(region="us-east-1", maxRetries="2", defaultTags='{"team":"x"}',
                                 endpoint=moto.url)
    assert failures == []


def test_a_wrong_typed_secret_is_named_but_never_echoed(plugin):
    p = Provider(plugin())
    _, failures = p.check_config(region="us-east-1", maxRetries=secret("hunter2-config"))
    assert [prop for prop, _ in failures] == ["maxRetries"]
    assert "hunter2" not in failures[0][1] and "integer" in failures[0][1]
    # The engine prints the value of the property a check failure names, so a failure about a
    # secret input names the property in its reason instead.
    _, failures = p.check("typed", {"shardCount": secret("hunter2-input")})
    assert failures == [("", "shardCount: expected an integer, got a string")]
    _, failures = p.check("typed", {"producerPrincipals": ["arn:aws:iam::123456789012:role/a",
                                                           secret({"hunter2": "object"})]})
    assert failures == [("", "producerPrincipals[1]: expected a string, got an object")]
    _, failures = p.check("typed", {"shardCount": "not-secret"})
    assert failures == [("shardCount", "expected an integer, got a string")]


def test_configure_makes_no_aws_call_and_bad_credentials_fail_the_first_operation(plugin, proxy):
    p = Provider(plugin())
    p.configure(endpoint=proxy.url)
    assert proxy.log() == []
    proxy.add_rule("error", service="sts", error="access_denied")
    inputs, _ = p.check("creds", {})
    code, err = code_of(lambda: p.create("creds", inputs))
    assert "credentials could not be validated" in err.details()
    assert [e["service"] for e in proxy.log()] == ["sts"]


@pytest.mark.parametrize("rpc,request_type", [
    ("Parameterize", provider_pb2.ParameterizeRequest),
    ("Call", provider_pb2.CallRequest),
    ("GetMapping", provider_pb2.GetMappingRequest),
    ("GetMappings", provider_pb2.GetMappingsRequest),
])
def test_unsupported_rpcs_answer_unimplemented_with_a_message(plugin, rpc, request_type):
    code, err = code_of(lambda: getattr(plugin().stub, rpc)(request_type()))
    assert code == grpc.StatusCode.UNIMPLEMENTED and "not supported" in err.details()


def test_construct_of_a_type_that_is_not_a_component_is_refused_naming_it(plugin):
    for token in ("healthcare:nope:Nothing", "healthcare:network:SecureVpc"):
        code, err = code_of(lambda: plugin().stub.Construct(provider_pb2.ConstructRequest(
            type=token, name="x", monitorEndpoint="127.0.0.1:1")))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and token in err.details(), err.details()


def test_construct_with_bad_inputs_is_refused_naming_them_before_the_monitor_is_called(plugin):
    p = plugin()
    inputs = struct_pb2.Struct()
    inputs.update({"streamShardCount": "many", "namePrefix": "ok"})
    # No monitor listens at this address: the refusal comes first, and names the input.
    code, err = code_of(lambda: p.stub.Construct(provider_pb2.ConstructRequest(
        type="healthcare:index:Platform", name="p", monitorEndpoint="127.0.0.1:1", inputs=inputs)))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "streamShardCount" in err.details(), err.details()
    assert "many" not in err.details()


def test_an_unknown_resource_type_is_refused(plugin):
    p = plugin()
    code, err = code_of(lambda: p.stub.Check(provider_pb2.CheckRequest(
        urn="urn:pulumi:test::healthcare::healthcare:nope:Nothing::x")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "healthcare:nope:Nothing" in err.details()


def test_attach_mode_waits_for_the_engine_to_attach(plugin, engine):
    p = plugin(attach=True)
    p.stub.Attach(plugin_pb2.PluginAttach(address=engine.address))
    assert p.stub.GetPluginInfo(empty_pb2.Empty()).version


def test_sigint_stops_the_plugin_cleanly(plugin):
    p = plugin()
    p.process.send_signal(signal.SIGINT)
    assert p.process.wait(timeout=5) == 0


def provider_bin():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.environ.get("HEALTHCARE_PROVIDER_BIN", os.path.join(repo, "bin", "pulumi-resource-healthcare"))


def test_a_sigint_right_after_the_port_stops_the_plugin_even_when_started_ignoring_it(engine):
    """The engine may send SIGINT as soon as it has read the port; a plugin started with
    SIGINT ignored (as a background job's children are) must still have caught it."""
    for _ in range(10):
        # The shell ignores SIGINT, then becomes the plugin, which inherits that.
        p = subprocess.Popen(["bash", "-c", 'trap "" INT; exec "$0" "$1"', provider_bin(), engine.address],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            assert p.stdout.readline().strip().isdigit()
            p.send_signal(signal.SIGINT)
            assert p.wait(timeout=5) == 0
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()


def test_the_plugin_exits_when_the_engine_goes_away(plugin, engine):
    p = plugin()
    engine.stop()
    deadline = time.monotonic() + 10
    while p.process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert p.process.poll() == 0, p.stderr_text()


def run_binary(*args):
    return subprocess.run([provider_bin(), *args], capture_output=True, text=True, timeout=20)


def test_the_binary_answers_help_and_version_and_refuses_what_it_does_not_take():
    for args in (["--help"], ["-h"], ["help"]):
        done = run_binary(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Usage:" in done.stdout and "--version" in done.stdout, done.stdout
    done = run_binary("--version")
    assert done.returncode == 0
    assert re.fullmatch(r"pulumi-resource-healthcare \d+\.\d+\.\d+\S*\n", done.stdout), done.stdout
    # Never a server started for an argument it does not know: a usage error, exit 2.
    for args, named in ((["--port", "1"], "--port"), (["serve"], "serve"),
                        (["127.0.0.1:1", "127.0.0.1:2"], "127.0.0.1:2")):
        done = run_binary(*args)
        assert done.returncode == 2, (args, done.stdout)
        assert done.stdout == "", done.stdout
        assert named in done.stderr and "Usage:" in done.stderr, done.stderr
