"""A Python program using the generated SDK (installed in the venv as a user installs it),
run through the real CLI with the Automation API's inline program: the Python language
runtime is served inside this process, so no language host binary is needed (docs/sdks.md)."""

import pulumi
import pytest

import pulumi_healthcare as healthcare
from harness.inline import inline_stack, quiet
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
    with inline_stack(tmp_path, "sdk-python", program, proxy.url) as stack:
        yield stack


def test_a_python_program_creates_previews_and_destroys_through_the_sdk(workspace, moto, proxy):
    proxy.clear_log()
    preview = workspace.preview(on_output=quiet)
    assert preview.change_summary == {"create": 4}, preview.change_summary
    assert proxy.log() == [], proxy.operations()

    up = workspace.up(on_output=quiet)
    out = {k: v.value for k, v in up.outputs.items()}
    assert out["compliant"] is True
    assert moto.client("ec2").describe_vpcs(VpcIds=[out["vpcId"]])["Vpcs"]
    summary = moto.client("kinesis").describe_stream_summary(StreamName=out["stream"])["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 48 and summary["EncryptionType"] == "KMS"
    [svc] = moto.client("ecs").describe_services(cluster=out["cluster"], services=["api"])["services"]
    assert svc["serviceArn"] == out["serviceArn"] and svc["status"] == "ACTIVE"

    again = workspace.preview(on_output=quiet)
    assert set(again.change_summary) == {"same"}, again.change_summary

    workspace.destroy(on_output=quiet)
    assert moto.client("ecs").describe_clusters(clusters=[out["cluster"]])["clusters"][0]["status"] == "INACTIVE"
