"""What belongs to someone else is refused at create, naming the input, and left untouched."""

import json
from urllib.parse import unquote

TOKEN = "healthcare:streaming:KinesisPipeline"


def program(name):
    return {"resources": {"events": {"type": TOKEN, "properties": {"shardCount": 1, "streamName": name}}}}


def roles(moto):
    return sorted(r["RoleName"] for r in moto.client("iam").list_roles()["Roles"])


def test_a_stream_made_outside_pulumi_is_refused_naming_stream_name(new_stack, moto):
    kinesis = moto.client("kinesis")
    kinesis.create_stream(StreamName="taken-by-hand", ShardCount=1)
    before = roles(moto)
    stack = new_stack(program("taken-by-hand"))
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0, text
    assert "streamName: a Kinesis stream named taken-by-hand already exists and belongs to something else" in text, text
    assert "pulumi import" in text, text
    tags = kinesis.list_tags_for_stream(StreamName="taken-by-hand")["Tags"]
    assert tags == [], tags
    assert roles(moto) == before
    assert stack.resources(TOKEN) == []


def test_a_role_of_the_pipeline_name_made_outside_pulumi_is_refused_naming_stream_name(new_stack, moto):
    iam = moto.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "ec2.amazonaws.com"}}]}
    iam.create_role(RoleName="clinical-feed-producer", AssumeRolePolicyDocument=json.dumps(trust))
    stack = new_stack(program("clinical-feed"))
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0, text
    assert "streamName: an IAM role named clinical-feed-producer already exists and belongs to something else" in text, text
    doc = iam.get_role(RoleName="clinical-feed-producer")["Role"]["AssumeRolePolicyDocument"]
    doc = json.loads(unquote(doc)) if isinstance(doc, str) else doc
    assert doc["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}, doc
    assert not iam.list_role_tags(RoleName="clinical-feed-producer")["Tags"]
    # The stream made before the role was refused is the engine's to finish or remove.
    stack.destroy()
    assert "clinical-feed" not in moto.client("kinesis").list_streams()["StreamNames"]


def test_a_part_new_in_an_update_takes_nothing_of_someone_else(new_stack, moto):
    """A service added to a FargateCluster follows the create rule: a role of the name its task
    role would get, made by someone else, is refused, left as it was, and outlives destroy."""
    from test_fargate_e2e import program as fargate, service, unique

    iam = moto.client("iam")
    cluster = unique("own")
    stack = new_stack(fargate(cluster, {"api": service()}))
    stack.up()
    stranger = f"{cluster}-worker-task"
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "ec2.amazonaws.com"}}]}
    iam.create_role(RoleName=stranger, AssumeRolePolicyDocument=json.dumps(trust))
    stack.write(fargate(cluster, {"api": service(), "worker": service(containerPort=9090)}))
    failed = stack.run("up", "--yes", "--skip-preview", check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0, text
    assert f"an IAM role named {stranger} already exists and belongs to something else" in text, text

    def untouched():
        doc = iam.get_role(RoleName=stranger)["Role"]["AssumeRolePolicyDocument"]
        doc = json.loads(unquote(doc)) if isinstance(doc, str) else doc
        assert doc["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}, doc
        assert not iam.list_role_tags(RoleName=stranger)["Tags"]
        assert not iam.list_role_policies(RoleName=stranger)["PolicyNames"]

    untouched()
    # The services the saved state records are still the cluster's own: the api keeps running.
    services = moto.client("ecs").describe_services(cluster=cluster, services=["api"])["services"]
    assert [s["status"] for s in services] == ["ACTIVE"], services
    stack.destroy()
    untouched()
    iam.delete_role(RoleName=stranger)
