"""KinesisPipeline through the real pulumi CLI and YAML language host, against moto."""

import json
import re
from pathlib import Path

import yaml

TOKEN = "healthcare:streaming:KinesisPipeline"


def program(retention="${retention}", **props):
    return {
        "config": {"retention": {"type": "integer", "default": 168},
                   "owner": {"type": "string", "default": "nobody"}},
        "resources": {"events": {"type": TOKEN, "properties": {
            "shardCount": 1, "retentionHours": retention,
            "tags": {"owner": "${owner}"}, **props}}},
        "outputs": {"stream": "${events.streamName}", "arn": "${events.streamArn}",
                    "key": "${events.kmsKeyArn}", "compliant": "${events.compliance.compliant}",
                    "tags": "${events.tags}"},
    }


def inventory(moto):
    """Every object of the services the pipeline uses, less keys already pending deletion."""
    kms = moto.client("kms")
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"]
            if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"]
    aliases = [a["AliasName"] for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")]
    return {
        "streams": moto.client("kinesis").list_streams()["StreamNames"],
        "roles": [r["RoleName"] for r in moto.client("iam").list_roles()["Roles"]],
        "keys": keys,
        "aliases": aliases,
    }


def test_the_pipeline_lifecycle_through_the_cli(new_stack, moto, proxy):
    before = inventory(moto)
    stack = new_stack(program())

    # Preview: a create with unknown outputs, and not one AWS call.
    proxy.clear_log()
    preview = stack.preview_json()
    creates = [s for s in preview["steps"] if s["op"] == "create" and s["urn"].endswith("::events")]
    assert len(creates) == 1
    assert proxy.log() == [], proxy.operations()

    stack.up()
    out = stack.outputs()
    s = moto.client("kinesis").describe_stream_summary(StreamName=out["stream"])["StreamDescriptionSummary"]
    assert s["EncryptionType"] == "KMS" and s["KeyId"] == out["key"] and s["RetentionPeriodHours"] == 168
    assert out["compliant"] is True

    # No perpetual diff.
    stack.preview("--expect-no-changes")

    # In place: retention.
    stack.run("config", "set", "retention", "48")
    changes = stack.up_summary()
    assert changes.get("update") == 1 and "replace" not in changes, changes
    assert moto.client("kinesis").describe_stream_summary(StreamName=out["stream"])[
        "StreamDescriptionSummary"]["RetentionPeriodHours"] == 48

    # Drift made behind the provider's back shows after refresh, and up puts it back.
    moto.client("kinesis").increase_stream_retention_period(StreamName=out["stream"], RetentionPeriodHours=96)
    stack.refresh()
    [state] = stack.resources(TOKEN)
    assert state["outputs"]["retentionHours"] == 96
    step = stack.preview_steps()["events"]
    assert step["op"] == "update" and step["diffReasons"] == ["retentionHours"], step
    assert {key: change["kind"] for key, change in step["detailedDiff"].items()} == {
        "retentionHours": "update"}, step
    stack.up()
    assert moto.client("kinesis").describe_stream_summary(StreamName=out["stream"])[
        "StreamDescriptionSummary"]["RetentionPeriodHours"] == 48

    # Replace-only: a new stream name.
    stack.write(program(streamName="events-renamed"))
    preview = stack.preview()
    said = " ".join((preview.stdout + preview.stderr).split())
    assert ("`streamName` cannot change in place, so this change replaces the resource: Kinesis names "
            "a stream only at creation. The new stream starts empty") in said, said
    changes = stack.up_summary()
    assert changes.get("replace") == 1, changes
    streams = moto.client("kinesis").list_streams()["StreamNames"]
    assert "events-renamed" in streams and out["stream"] not in streams

    stack.destroy()
    assert inventory(moto) == before


# Pulumi's engine itself logs every property value it marshals, secrets in plaintext, at -v=9
# ("Marshaling property for RPC[...]"); that is the engine's logging, outside the plugin.
ENGINE_PROPERTY_LOG = re.compile(r'"msg":"(Un)?[Mm]arshaling property for RPC\[')


def test_secrets_stay_ciphertext_in_state_and_out_of_every_log(new_stack):
    plaintext = "dr-house-pager-0451"
    stack = new_stack(program())
    stack.run("config", "set", "--secret", "owner", plaintext)
    log = stack.run("up", "--yes", "--skip-preview", "-v=9", "--logflow", "--logtostderr")
    assert stack.outputs()["tags"] == "[secret]"
    exported = json.dumps(stack.export())
    assert plaintext not in exported and "ciphertext" in exported
    assert plaintext not in log.stdout
    # The engine's -v=9 property logging is on (so a value passed in the clear would show);
    # the engine itself may print the secret there (v3.259 does, v3.274 masks it), nothing
    # else may.
    assert any("retentionHours" in line and "168" in line for line in log.stderr.splitlines()), \
        "no -v=9 logging of property values"
    assert [line for line in log.stderr.splitlines()
            if plaintext in line and not ENGINE_PROPERTY_LOG.search(line)] == []
    assert stack.outputs(show_secrets=True)["tags"] == {"owner": plaintext}


def test_import_by_stream_name_previews_with_no_changes(new_stack, tmp_path):
    source = new_stack(program(), name="source")
    source.up()
    name = source.outputs()["stream"]

    target = new_stack({"resources": {}}, name="target")
    generated = tmp_path / "imported.yaml"
    target.run("import", TOKEN, "imported", name, "--yes", "--protect=false", "--out", str(generated))
    resources = _yaml_resources(generated)
    target.write({"resources": resources})
    target.preview("--expect-no-changes")
    # The import adopted nothing: the source stack still owns and deletes the stream.
    target.run("state", "delete", f"urn:pulumi:e2e::healthcare-e2e::{TOKEN}::imported", "--yes")


def _yaml_resources(path):
    """The `resources` block of a YAML program written by `pulumi import --out`."""
    return yaml.safe_load(Path(path).read_text()).get("resources", {})


def test_a_plugin_installed_like_any_pulumi_plugin_is_found_without_a_path(new_stack):
    version = next(line.split('"')[1] for line in (Path(__file__).parents[2] / "Cargo.toml").read_text().splitlines()
                   if line.startswith("version = "))
    stack = new_stack(program(), name="installed", plugin_path=False,
                      env={"PULUMI_IGNORE_AMBIENT_PLUGINS": "true"})
    binary = Path(__file__).parents[2] / "bin" / "pulumi-resource-healthcare"
    stack.run("plugin", "install", "resource", "healthcare", version, "--file", str(binary))
    listed = stack.run("plugin", "ls", "--json").stdout
    assert any(p["name"] == "healthcare" and p["version"] == version for p in json.loads(listed))
    stack.up()
    assert stack.outputs()["compliant"] is True
    stack.destroy()


def test_a_wildcard_principal_is_refused_before_anything_is_made(new_stack, moto):
    """`*` would let every AWS account assume the stream's roles and use its key."""
    before = inventory(moto)
    stack = new_stack(program(consumerPrincipals=["123456789012", "*"]))
    result = stack.run("up", "--yes", check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "consumerPrincipals[0]" in text and "wildcard" in text, text[-2000:]
    assert inventory(moto) == before


def test_a_create_carries_on_with_the_key_an_interrupted_attempt_left_without_its_alias(
        new_stack, moto):
    """A plugin killed between CreateKey and CreateAlias leaves a key tagged with the URN and
    no alias. The next create finds it through KMS's own lists and the key's tags, gives it
    its alias and uses it: no second key. Keys that are not the URN's, or are kept on purpose,
    are not taken."""
    stack = new_stack(program())
    urn = f"urn:pulumi:{stack.stack}::healthcare-e2e::{TOKEN}::events"
    kms = moto.client("kms")

    def key(*tags):
        return kms.create_key(Tags=[{"TagKey": k, "TagValue": v} for k, v in tags])[
            "KeyMetadata"]["Arn"]

    anothers = key(("pulumi:urn", urn + "-other"))
    kept = key(("pulumi:urn", urn), ("healthcare:kept-on-delete", "true"))
    left = key(("pulumi:urn", urn))
    before = inventory(moto)
    result = stack.up()
    assert "made by an earlier attempt that was interrupted" in result.stdout, result.stdout
    out = stack.outputs()
    assert out["key"] == left
    assert len(inventory(moto)["keys"]) == len(before["keys"]), "a second key was made"
    [alias] = [a for a in kms.list_aliases(KeyId=left)["Aliases"]]
    assert out["stream"] in alias["AliasName"]
    assert kms.get_key_rotation_status(KeyId=left)["KeyRotationEnabled"]
    stack.destroy()
    for k in (anothers, kept):
        assert kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] == "Enabled"
        kms.schedule_key_deletion(KeyId=k, PendingWindowInDays=7)


def test_a_key_an_interrupted_create_left_without_its_alias_goes_with_the_resource(
        new_stack, moto):
    """A key tagged with the URN and no alias, made after the create (as when KMS's lists
    had not shown it to the create yet): the resource's delete schedules the deletion of
    such keys, and of no other."""
    stack = new_stack(program())
    stack.up()
    [resource] = stack.resources(TOKEN)
    kms = moto.client("kms")

    def key(*tags):
        return kms.create_key(Tags=[{"TagKey": k, "TagValue": v} for k, v in tags])[
            "KeyMetadata"]["KeyId"]

    left = key(("pulumi:urn", resource["urn"]))
    kept = key(("pulumi:urn", resource["urn"]), ("healthcare:kept-on-delete", "true"))
    anothers = key(("pulumi:urn", resource["urn"] + "-other"))
    aliased = key(("pulumi:urn", resource["urn"]))
    kms.create_alias(AliasName="alias/someone-elses", TargetKeyId=aliased)
    stack.destroy()

    def state(k):
        return kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"]
    assert state(left) == "PendingDeletion"
    assert [state(k) for k in (kept, anothers, aliased)] == ["Enabled"] * 3
    kms.delete_alias(AliasName="alias/someone-elses")
    for k in (kept, anothers, aliased):
        kms.schedule_key_deletion(KeyId=k, PendingWindowInDays=7)
