"""Rotates the AUTH token of an EncryptedRedis (healthcare:cache:EncryptedRedis).

Secrets Manager runs this function with the four steps of a rotation. The secret holds
{"host", "port", "tls", "authToken"} as JSON; REPLICATION_GROUP_ID names the replication
group. createSecret makes a new token (AWSPENDING); setSecret adds it to the group next to
the old one (ROTATE: both accepted); testSecret waits for the group to take it; finishSecret
makes it current and then retires the old one (SET). A step run again finds its work done.
Nothing here writes a value of the secret anywhere but the secret and the group.
"""

import json
import os
import secrets
import string
import time

import boto3

# Letters, digits and the only punctuation ElastiCache accepts in an AUTH token.
ALPHABET = string.ascii_letters + string.digits + "!&#$^<>-"
LENGTH = 64
GROUP = os.environ["REPLICATION_GROUP_ID"]
POLL_SECONDS = 10
# Time kept back from the function's timeout to fail with a reason rather than be cut off.
MARGIN_MS = 30_000

manager = boto3.client("secretsmanager")
cache = boto3.client("elasticache")


def handler(event, context):
    arn, version, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    described = manager.describe_secret(SecretId=arn)
    if not described.get("RotationEnabled"):
        raise ValueError(f"rotation is not enabled on {arn}")
    stages = described.get("VersionIdsToStages", {})
    if version not in stages:
        raise ValueError(f"{version} is not a version of {arn}")
    if "AWSCURRENT" in stages[version] and step != "testSecret":
        return  # this rotation is already done
    if "AWSPENDING" not in stages[version] and "AWSCURRENT" not in stages[version]:
        raise ValueError(f"{version} of {arn} is not pending rotation")
    steps = {
        "createSecret": create,
        "setSecret": set_token,
        "testSecret": test,
        "finishSecret": finish,
    }
    if step not in steps:
        raise ValueError(f"unknown rotation step {step}")
    steps[step](arn, version, context)


def value(arn, version, stage):
    got = manager.get_secret_value(SecretId=arn, VersionId=version, VersionStage=stage)
    return json.loads(got["SecretString"])


def create(arn, version, _context):
    try:
        if value(arn, version, "AWSPENDING").get("authToken"):
            return
    except manager.exceptions.ResourceNotFoundException:
        pass
    current = manager.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    connection = json.loads(current["SecretString"])
    connection["authToken"] = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    manager.put_secret_value(SecretId=arn, ClientRequestToken=version,
                             SecretString=json.dumps(connection),
                             VersionStages=["AWSPENDING"])


def group_at_rest(context):
    """The replication group once `available`; fails with its status when time runs out."""
    while True:
        group = cache.describe_replication_groups(
            ReplicationGroupId=GROUP)["ReplicationGroups"][0]
        if group["Status"] == "available":
            return group
        if context.get_remaining_time_in_millis() < MARGIN_MS + POLL_SECONDS * 1000:
            raise RuntimeError(f"replication group {GROUP} is {group['Status']}, "
                               "not available; the rotation is tried again later")
        time.sleep(POLL_SECONDS)


def set_token(arn, version, context):
    token = value(arn, version, "AWSPENDING")["authToken"]
    group_at_rest(context)
    cache.modify_replication_group(ReplicationGroupId=GROUP, AuthToken=token,
                                   AuthTokenUpdateStrategy="ROTATE", ApplyImmediately=True)


def test(_arn, _version, context):
    group = group_at_rest(context)
    if not group.get("AuthTokenEnabled"):
        raise RuntimeError(f"AUTH is off on replication group {GROUP}")


def finish(arn, version, context):
    stages = manager.describe_secret(SecretId=arn)["VersionIdsToStages"]
    current = next((v for v, s in stages.items() if "AWSCURRENT" in s), None)
    token = value(arn, version, "AWSPENDING")["authToken"]
    manager.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT",
                                        MoveToVersionId=version,
                                        RemoveFromVersionId=current)
    # Clients read the new token from here on; the old one is retired once the group
    # is at rest again.
    group_at_rest(context)
    cache.modify_replication_group(ReplicationGroupId=GROUP, AuthToken=token,
                                   AuthTokenUpdateStrategy="SET", ApplyImmediately=True)
