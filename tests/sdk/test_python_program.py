"""A Python program using the generated SDK (installed in the venv as a user installs it),
run through the real CLI with the Automation API's inline program: the Python language
runtime is served inside this process, so no language host binary is needed (docs/sdks.md)."""

import os
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_healthcare as healthcare

REPO = Path(__file__).resolve().parents[2]
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2.0.0"


def program():
    network = healthcare.network.SecureVpc(
        "network", cidr_block="10.80.0.0/16", availability_zone_count=2,
        nat_gateways=healthcare.NatStrategy.NONE)
    events = healthcare.streaming.KinesisPipeline("events", shard_count=1, retention_hours=48)
    services = healthcare.compute.FargateCluster(
        "services",
        services={"api": healthcare.FargateServiceArgs(
            image=IMAGE, container_port=8080, vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids, allowed_cidr_blocks=["10.80.0.0/16"],
            security_group_ids=[network.application_security_group_id],
            autoscaling=healthcare.ServiceAutoscalingArgs(min_tasks=2, max_tasks=4))})
    pulumi.export("vpcId", network.vpc_id)
    pulumi.export("stream", events.stream_name)
    pulumi.export("cluster", services.cluster_name)
    pulumi.export("serviceArn", services.service_outputs.apply(lambda s: s["api"].service_arn))
    # Output types are dicts too: `compliant` reads the same whether or not the value was
    # converted to the generated class.
    pulumi.export("compliant", pulumi.Output.all(
        network.compliance, events.compliance, services.compliance).apply(
            lambda cs: all(c["compliant"] for c in cs)))


@pytest.fixture
def workspace(tmp_path, proxy):
    state, home = tmp_path / "state", tmp_path / "home"
    state.mkdir()
    home.mkdir()
    env = {
        "PATH": os.pathsep.join([str(REPO / "bin"), str(REPO / ".tools" / "bin"), os.environ["PATH"]]),
        "PULUMI_BACKEND_URL": f"file://{state}",
        "PULUMI_CONFIG_PASSPHRASE": "sdk-python",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
    }
    opts = auto.LocalWorkspaceOptions(
        work_dir=str(tmp_path), pulumi_home=str(home), env_vars=env,
        pulumi_command=auto.PulumiCommand(root=str(REPO / ".tools")),
        project_settings=auto.ProjectSettings(name="sdk-python", runtime="python"))
    stack = auto.create_stack("dev", project_name="sdk-python", program=program, opts=opts)
    stack.set_all_config({"healthcare:endpoint": auto.ConfigValue(proxy.url),
                          "healthcare:region": auto.ConfigValue("us-east-1"),
                          "healthcare:maxRetries": auto.ConfigValue("1")})
    yield stack
    stack.destroy(on_output=lambda _: None)
    stack.workspace.remove_stack("dev")


def test_a_python_program_creates_previews_and_destroys_through_the_sdk(workspace, moto, proxy):
    proxy.clear_log()
    preview = workspace.preview(on_output=lambda _: None)
    assert preview.change_summary == {"create": 4}, preview.change_summary
    assert proxy.log() == [], proxy.operations()

    up = workspace.up(on_output=lambda _: None)
    out = {k: v.value for k, v in up.outputs.items()}
    assert out["compliant"] is True
    assert moto.client("ec2").describe_vpcs(VpcIds=[out["vpcId"]])["Vpcs"]
    summary = moto.client("kinesis").describe_stream_summary(StreamName=out["stream"])["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 48 and summary["EncryptionType"] == "KMS"
    [svc] = moto.client("ecs").describe_services(cluster=out["cluster"], services=["api"])["services"]
    assert svc["serviceArn"] == out["serviceArn"] and svc["status"] == "ACTIVE"

    again = workspace.preview(on_output=lambda _: None)
    assert set(again.change_summary) == {"same"}, again.change_summary

    workspace.destroy(on_output=lambda _: None)
    assert moto.client("ecs").describe_clusters(clusters=[out["cluster"]])["clusters"][0]["status"] == "INACTIVE"
