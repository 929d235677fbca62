"""AWS Backup on the emulator, as AWS's Backup API reference documents it: backup selections,
plan updates, the idempotency of CreatorRequestId, Backup Audit Manager's report plans (their
checks, updates, tags and IdempotencyToken), and what moto already had right."""

import json
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from harness.moto_process import ACCOUNT_ID, MotoServer

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/0b2ad6d2-2a3c-4c0e-9a34-1f4b5c6d7e8f"
TAGGED = [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]


def _name(prefix="b"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _refused(call, **kwargs):
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def _rule(vault, **extra):
    return {"RuleName": "daily", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 5 * * ? *)",
            "StartWindowMinutes": 60, "CompletionWindowMinutes": 180, "Lifecycle": {"DeleteAfterDays": 35},
            **extra}


@pytest.fixture
def backup(moto):
    return moto.client("backup", retries=1)


@pytest.fixture
def unchecked(moto):
    """A client that sends what boto3 would refuse to (missing or out-of-range members)."""
    return moto.client("backup", retries=1, parameter_validation=False)


@pytest.fixture
def plan(backup):
    """A new plan with a vault: its id."""
    vault = _name("vault")
    backup.create_backup_vault(BackupVaultName=vault)
    return backup.create_backup_plan(BackupPlan={"BackupPlanName": _name("plan"), "Rules": [_rule(vault)]})[
        "BackupPlanId"]


@pytest.fixture
def role(moto):
    """A role AWS Backup may assume: its ARN."""
    return moto.client("iam").create_role(RoleName=_name("role"), AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]


def _selections(backup, plan_id):
    return [s["SelectionId"] for s in backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]]


def test_a_selection_reads_back_lists_and_deletes(backup, plan, role):
    document = {"SelectionName": "phi-stores", "IamRoleArn": role,
                "Resources": ["arn:aws:rds:*:*:db:*", "arn:aws:dynamodb:*:*:table/*"],
                "NotResources": ["arn:aws:rds:us-east-1:123456789012:db:scratch"], "ListOfTags": TAGGED,
                "Conditions": {
                    "StringEquals": [{"ConditionKey": "aws:ResourceTag/hipaa", "ConditionValue": "yes"}],
                    "StringNotEquals": [], "StringLike": [],
                    "StringNotLike": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "test*"}]}}
    made = backup.create_backup_selection(BackupPlanId=plan, BackupSelection=document, CreatorRequestId="req-1")
    assert made["BackupPlanId"] == plan and made["SelectionId"] and made["CreationDate"]
    got = backup.get_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])
    assert got["BackupSelection"] == document
    assert (got["SelectionId"], got["BackupPlanId"], got["CreationDate"], got["CreatorRequestId"]) == (
        made["SelectionId"], plan, made["CreationDate"], "req-1")
    [listed] = backup.list_backup_selections(BackupPlanId=plan)["BackupSelectionsList"]
    assert listed == {"SelectionId": made["SelectionId"], "SelectionName": "phi-stores", "BackupPlanId": plan,
                      "CreationDate": made["CreationDate"], "CreatorRequestId": "req-1", "IamRoleArn": role}
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])
    assert _selections(backup, plan) == []
    assert _refused(backup.get_backup_selection, BackupPlanId=plan, SelectionId=made["SelectionId"])[0] \
        == "ResourceNotFoundException"
    assert _refused(backup.delete_backup_selection, BackupPlanId=plan, SelectionId=made["SelectionId"])[0] \
        == "ResourceNotFoundException"
    backup.delete_backup_plan(BackupPlanId=plan)


def test_members_a_selection_leaves_out_read_back_empty(backup, plan, role):
    made = backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": "by-tag", "IamRoleArn": role, "ListOfTags": TAGGED})
    got = backup.get_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])["BackupSelection"]
    assert got == {"SelectionName": "by-tag", "IamRoleArn": role, "ListOfTags": TAGGED, "Resources": [],
                   "NotResources": [], "Conditions": {"StringEquals": [], "StringNotEquals": [],
                                                      "StringLike": [], "StringNotLike": []}}
    # boto3 fills CreatorRequestId (an idempotency token) when it is not given.
    assert backup.get_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])["CreatorRequestId"]


def test_a_selection_the_api_reference_refuses_is_not_made(backup, unchecked, plan, role):
    selection = {"SelectionName": "ok", "IamRoleArn": role, "Resources": ["*"]}
    for bad, code in (({"IamRoleArn": role, "Resources": ["*"]}, "MissingParameterValueException"),
                      ({"SelectionName": "ok", "Resources": ["*"]}, "MissingParameterValueException"),
                      ({**selection, "SelectionName": "has space"}, "InvalidParameterValueException"),
                      ({**selection, "SelectionName": "x" * 51}, "InvalidParameterValueException"),
                      ({**selection, "IamRoleArn": "backup-role"}, "InvalidParameterValueException")):
        assert _refused(unchecked.create_backup_selection, BackupPlanId=plan, BackupSelection=bad)[::2] \
            == (code, 400), bad
    assert _refused(unchecked.create_backup_selection, BackupPlanId=plan)[0] == "MissingParameterValueException"
    assert _refused(backup.create_backup_selection, BackupPlanId=plan, BackupSelection=selection,
                    CreatorRequestId="not/allowed")[0] == "InvalidParameterValueException"
    assert _refused(backup.create_backup_selection, BackupPlanId=plan, BackupSelection={
        "SelectionName": "nothing", "IamRoleArn": role, "NotResources": ["arn:aws:ec2:*:*:volume/*"]}) == (
        "InvalidParameterValueException",
        "Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty.", 400)
    missing = f"arn:aws:iam::{ACCOUNT_ID}:role/{_name('missing')}"
    assert _refused(backup.create_backup_selection, BackupPlanId=plan,
                    BackupSelection={**selection, "IamRoleArn": missing}) == (
        "InvalidParameterValueException", f"IAM Role {missing} cannot be assumed by AWS Backup", 400)
    assert _refused(backup.create_backup_selection, BackupPlanId=str(uuid.uuid4()),
                    BackupSelection=selection)[::2] == ("ResourceNotFoundException", 400)
    assert _selections(backup, plan) == []
    # A role in another account cannot be seen from here; AWS checks it when it assumes it.
    other = "arn:aws:iam::210987654321:role/backup"
    assert backup.create_backup_selection(BackupPlanId=plan, BackupSelection={**selection, "IamRoleArn": other})


def test_a_deleted_plan_takes_no_selection(backup, plan, role):
    backup.delete_backup_plan(BackupPlanId=plan)
    selection = {"SelectionName": "late", "IamRoleArn": role, "Resources": ["*"]}
    assert _refused(backup.create_backup_selection, BackupPlanId=plan, BackupSelection=selection)[0] \
        == "ResourceNotFoundException"
    assert _refused(backup.list_backup_selections, BackupPlanId=plan)[0] == "ResourceNotFoundException"


def test_the_same_creator_request_id_answers_the_selection_it_made(backup, plan, role):
    selection = {"SelectionName": "retried", "IamRoleArn": role, "Resources": ["*"]}

    def create(plan_id, request_id):
        return backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection,
                                              CreatorRequestId=request_id)

    first, again = create(plan, "attempt"), create(plan, "attempt")
    assert (again["SelectionId"], again["CreationDate"]) == (first["SelectionId"], first["CreationDate"])
    assert _selections(backup, plan) == [first["SelectionId"]]
    # Another request id makes another selection; the same id on another plan is another request.
    other = create(plan, "second")
    assert other["SelectionId"] != first["SelectionId"]
    vault = backup.get_backup_plan(BackupPlanId=plan)["BackupPlan"]["Rules"][0]["TargetBackupVaultName"]
    plan_b = backup.create_backup_plan(BackupPlan={"BackupPlanName": _name("plan"), "Rules": [_rule(vault)]})[
        "BackupPlanId"]
    elsewhere = create(plan_b, "attempt")
    assert elsewhere["SelectionId"] not in (first["SelectionId"], other["SelectionId"])
    # A deleted selection is not answered again: the request makes a new one.
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=first["SelectionId"])
    anew = create(plan, "attempt")
    assert anew["SelectionId"] not in (first["SelectionId"], other["SelectionId"])


def test_a_refused_request_is_not_remembered(backup, plan, role):
    selection = {"SelectionName": "later", "IamRoleArn": role, "Resources": ["*"]}
    assert _refused(backup.create_backup_selection, BackupPlanId=plan,
                    BackupSelection={**selection, "Resources": []}, CreatorRequestId="fixed")[0] \
        == "InvalidParameterValueException"
    made = backup.create_backup_selection(BackupPlanId=plan, BackupSelection=selection, CreatorRequestId="fixed")
    assert _selections(backup, plan) == [made["SelectionId"]]


def test_selections_are_listed_by_pages(backup, unchecked, plan, role):
    made = [backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": f"s{i}", "IamRoleArn": role, "Resources": ["*"]})["SelectionId"] for i in range(5)]
    first = backup.list_backup_selections(BackupPlanId=plan, MaxResults=2)
    assert [s["SelectionId"] for s in first["BackupSelectionsList"]] == made[:2] and first["NextToken"]
    # A selection deleted between pages does not move the next page.
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=made[2])
    second = backup.list_backup_selections(BackupPlanId=plan, MaxResults=2, NextToken=first["NextToken"])
    assert [s["SelectionId"] for s in second["BackupSelectionsList"]] == made[3:5]
    assert "NextToken" not in second
    pages = backup.get_paginator("list_backup_selections").paginate(BackupPlanId=plan,
                                                                    PaginationConfig={"PageSize": 1})
    assert [s["SelectionId"] for page in pages for s in page["BackupSelectionsList"]] == made[:2] + made[3:]
    for size in (0, 1001):
        assert _refused(unchecked.list_backup_selections, BackupPlanId=plan, MaxResults=size)[0] \
            == "InvalidParameterValueException"
    assert _refused(backup.list_backup_selections, BackupPlanId=plan, NextToken="not-a-token")[0] \
        == "InvalidParameterValueException"
    assert _refused(backup.list_backup_selections, BackupPlanId=str(uuid.uuid4()))[0] \
        == "ResourceNotFoundException"


def test_a_plan_is_deleted_only_once_its_selections_are(backup, plan, role):
    made = backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": "held", "IamRoleArn": role, "Resources": ["*"]})
    assert _refused(backup.delete_backup_plan, BackupPlanId=plan) == (
        "InvalidRequestException", "Related backup plan selections must be deleted prior to backup plan deletion",
        400)
    assert "DeletionDate" not in backup.get_backup_plan(BackupPlanId=plan)
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])
    deleted = backup.delete_backup_plan(BackupPlanId=plan)
    assert deleted["BackupPlanId"] == plan and deleted["DeletionDate"]
    # Deleted once: a second delete, and an update, find no plan.
    assert _refused(backup.delete_backup_plan, BackupPlanId=plan)[0] == "ResourceNotFoundException"
    assert backup.get_backup_plan(BackupPlanId=plan)["DeletionDate"] == deleted["DeletionDate"]
    assert _refused(backup.update_backup_plan, BackupPlanId=plan, BackupPlan={
        "BackupPlanName": "again", "Rules": [_rule("vault")]})[0] == "ResourceNotFoundException"
    assert _refused(backup.delete_backup_plan, BackupPlanId=str(uuid.uuid4()))[0] == "ResourceNotFoundException"


def test_update_backup_plan_makes_a_new_version(backup, unchecked, plan):
    before = backup.get_backup_plan(BackupPlanId=plan)
    vault = before["BackupPlan"]["Rules"][0]["TargetBackupVaultName"]
    rules = [_rule(vault, RuleName="hourly", ScheduleExpression="cron(0 * * * ? *)", StartWindowMinutes=90,
                   CompletionWindowMinutes=240, Lifecycle={"DeleteAfterDays": 7}),
             _rule(vault, RuleName="yearly", ScheduleExpression="cron(0 3 1 1 ? *)",
                   Lifecycle={"DeleteAfterDays": 2555})]
    settings = [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
    answer = backup.update_backup_plan(BackupPlanId=plan, BackupPlan={
        "BackupPlanName": before["BackupPlan"]["BackupPlanName"], "Rules": rules,
        "AdvancedBackupSettings": settings})
    assert answer["BackupPlanId"] == plan and answer["BackupPlanArn"] == before["BackupPlanArn"]
    assert answer["CreationDate"] == before["CreationDate"]
    assert answer["VersionId"] and answer["VersionId"] != before["VersionId"]
    assert answer["AdvancedBackupSettings"] == settings
    after = backup.get_backup_plan(BackupPlanId=plan)
    assert after["VersionId"] == answer["VersionId"] and after["AdvancedBackupSettings"] == settings
    got = {r["RuleName"]: r for r in after["BackupPlan"]["Rules"]}
    assert set(got) == {"hourly", "yearly"}
    for rule in rules:
        for member in ("TargetBackupVaultName", "ScheduleExpression", "StartWindowMinutes",
                       "CompletionWindowMinutes", "Lifecycle"):
            assert got[rule["RuleName"]][member] == rule[member], (rule["RuleName"], member)
    # The earlier version is still there, by its VersionId.
    earlier = backup.get_backup_plan(BackupPlanId=plan, VersionId=before["VersionId"])
    assert earlier["VersionId"] == before["VersionId"] and earlier["BackupPlan"] == before["BackupPlan"]
    assert _refused(backup.get_backup_plan, BackupPlanId=plan, VersionId="0" * 48)[0] \
        == "ResourceNotFoundException"
    assert _refused(backup.update_backup_plan, BackupPlanId=str(uuid.uuid4()), BackupPlan={
        "BackupPlanName": "x", "Rules": rules})[0] == "ResourceNotFoundException"
    for bad in ({"Rules": rules}, {"BackupPlanName": "x"},
                {"BackupPlanName": "x", "Rules": [{"RuleName": "no-vault"}]}):
        assert _refused(unchecked.update_backup_plan, BackupPlanId=plan, BackupPlan=bad)[0] \
            == "MissingParameterValueException", bad
    assert backup.get_backup_plan(BackupPlanId=plan)["VersionId"] == answer["VersionId"]


def test_the_same_creator_request_id_answers_the_plan_it_made(backup, plan):
    vault = backup.get_backup_plan(BackupPlanId=plan)["BackupPlan"]["Rules"][0]["TargetBackupVaultName"]
    document = {"BackupPlanName": _name("plan"), "Rules": [_rule(vault)]}
    first = backup.create_backup_plan(BackupPlan=document, CreatorRequestId="plan-attempt")
    again = backup.create_backup_plan(BackupPlan=document, CreatorRequestId="plan-attempt")
    assert again == {**first, "ResponseMetadata": again["ResponseMetadata"]}
    named = [p for p in backup.list_backup_plans()["BackupPlansList"]
             if p["BackupPlanName"] == document["BackupPlanName"]]
    assert [p["BackupPlanId"] for p in named] == [first["BackupPlanId"]]
    # Another request for a plan of the same name is still refused, as moto does.
    assert _refused(backup.create_backup_plan, BackupPlan=document)[0] == "AlreadyExistsException"
    assert _refused(backup.create_backup_plan, BackupPlan={**document, "BackupPlanName": _name("plan")},
                    CreatorRequestId="x" * 51)[0] == "InvalidParameterValueException"
    # A deleted plan is not answered again: the request makes a new plan.
    backup.delete_backup_plan(BackupPlanId=first["BackupPlanId"])
    anew = backup.create_backup_plan(BackupPlan={**document, "BackupPlanName": _name("plan")},
                                     CreatorRequestId="plan-attempt")
    assert anew["BackupPlanId"] != first["BackupPlanId"]


def test_a_deleted_plans_name_may_be_given_again(backup, plan):
    """A plan deleted is listed only as deleted; its name is free for a new plan."""
    got = backup.get_backup_plan(BackupPlanId=plan)["BackupPlan"]
    got = {**got, "Rules": [{k: v for k, v in r.items() if k != "RuleId"} for r in got["Rules"]]}
    backup.delete_backup_plan(BackupPlanId=plan)
    anew = backup.create_backup_plan(BackupPlan=got)["BackupPlanId"]
    assert anew != plan
    live = [p["BackupPlanId"] for p in backup.list_backup_plans()["BackupPlansList"]
            if p["BackupPlanName"] == got["BackupPlanName"]]
    assert live == [anew]
    listed = {p["BackupPlanId"]: "DeletionDate" in p for p in backup.list_backup_plans(
        IncludeDeleted=True)["BackupPlansList"] if p["BackupPlanName"] == got["BackupPlanName"]}
    assert listed == {plan: True, anew: False}
    # While it lives, the name is refused.
    assert _refused(backup.create_backup_plan, BackupPlan=got)[0] == "AlreadyExistsException"


def test_plans_and_vaults_read_back_as_created(backup):
    vault = _name("vault")
    made_vault = backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=KEY,
                                            BackupVaultTags={"hipaa": "phi"})
    assert backup.describe_backup_vault(BackupVaultName=vault)["EncryptionKeyArn"] == KEY
    [listed] = [v for v in backup.list_backup_vaults()["BackupVaultList"] if v["BackupVaultName"] == vault]
    assert listed["EncryptionKeyArn"] == KEY and listed["BackupVaultArn"] == made_vault["BackupVaultArn"]
    assert backup.list_tags(ResourceArn=made_vault["BackupVaultArn"])["Tags"] == {"hipaa": "phi"}
    rule = _rule(vault)
    made = backup.create_backup_plan(BackupPlan={"BackupPlanName": _name("plan"), "Rules": [rule]},
                                     BackupPlanTags={"owner": "platform"})
    [got] = backup.get_backup_plan(BackupPlanId=made["BackupPlanId"])["BackupPlan"]["Rules"]
    assert {member: got[member] for member in rule} == rule
    assert backup.list_tags(ResourceArn=made["BackupPlanArn"])["Tags"] == {"owner": "platform"}
    backup.tag_resource(ResourceArn=made["BackupPlanArn"], Tags={"env": "demo"})
    backup.untag_resource(ResourceArn=made["BackupPlanArn"], TagKeyList=["owner"])
    assert backup.list_tags(ResourceArn=made["BackupPlanArn"])["Tags"] == {"env": "demo"}


def _without_trailing_slashes(client):
    """The client sends its paths as the AWS SDK for Rust does: without the model's trailing
    slashes (``GET /tags/{arn}``, ``PUT /backup/plans/{id}/selections``)."""
    def strip(request, **_):
        scheme, netloc, path, query, fragment = urllib.parse.urlsplit(request.url)
        request.url = urllib.parse.urlunsplit((scheme, netloc, path.rstrip("/") or "/", query, fragment))

    client.meta.events.register("before-sign.backup.*", strip)
    return client


def test_calls_without_trailing_slashes_are_answered_alike(moto, plan, role):
    rust_like = _without_trailing_slashes(moto.client("backup", retries=1))
    arn = rust_like.get_backup_plan(BackupPlanId=plan)["BackupPlanArn"]
    rust_like.tag_resource(ResourceArn=arn, Tags={"owner": "platform"})
    assert rust_like.list_tags(ResourceArn=arn)["Tags"] == {"owner": "platform"}
    made = rust_like.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": "s", "IamRoleArn": role, "Resources": ["*"]})
    assert _selections(rust_like, plan) == [made["SelectionId"]]
    got = rust_like.get_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])
    assert got["BackupSelection"]["IamRoleArn"] == role
    rust_like.delete_backup_selection(BackupPlanId=plan, SelectionId=made["SelectionId"])
    rust_like.delete_backup_plan(BackupPlanId=plan)


def test_reset_forgets_the_selections():
    """What the additions keep lives on moto's backend: after a reset, the same random seed
    makes the same plan id again, and it has no selection."""
    with MotoServer() as server:
        backup, iam = server.client("backup", retries=1), server.client("iam")

        def seeded_plan():
            urllib.request.urlopen(urllib.request.Request(f"{server.url}/moto-api/seed?a=42", method="POST"),
                                   timeout=10).read()
            backup.create_backup_vault(BackupVaultName="vault")
            return backup.create_backup_plan(BackupPlan={"BackupPlanName": "plan", "Rules": [_rule("vault")]},
                                             CreatorRequestId="same")["BackupPlanId"]

        plan = seeded_plan()
        role = iam.create_role(RoleName="backup", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        backup.create_backup_selection(BackupPlanId=plan, CreatorRequestId="same", BackupSelection={
            "SelectionName": "s", "IamRoleArn": role, "Resources": ["*"]})
        assert len(_selections(backup, plan)) == 1
        server.reset()
        assert seeded_plan() == plan
        assert _selections(backup, plan) == []


REPORT_PLAN_ARN = re.compile(
    rf"arn:aws:backup:us-east-1:{ACCOUNT_ID}:report-plan:(?P<name>[a-zA-Z][_a-zA-Z0-9]*)-"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REPORT_TEMPLATES = ("RESOURCE_COMPLIANCE_REPORT", "CONTROL_COMPLIANCE_REPORT", "BACKUP_JOB_REPORT",
                    "COPY_JOB_REPORT", "RESTORE_JOB_REPORT", "SCAN_JOB_REPORT")


def _report_name():
    """A report plan name: a letter, then letters, digits and underscores."""
    return f"rp_{uuid.uuid4().hex[:10]}"


def _report_plan(name, bucket="audit-reports", template="BACKUP_JOB_REPORT", **extra):
    return {"ReportPlanName": name, "ReportDeliveryChannel": {"S3BucketName": bucket, "Formats": ["CSV"]},
            "ReportSetting": {"ReportTemplate": template}, **extra}


def _report_plan_names(backup):
    return {p["ReportPlanName"] for p in backup.list_report_plans()["ReportPlans"]}


def _answer(response):
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def test_a_report_plan_reads_back_updates_and_deletes(backup):
    name = _report_name()
    channel = {"S3BucketName": "audit-reports", "S3KeyPrefix": "backup", "Formats": ["CSV", "JSON"]}
    setting = {"ReportTemplate": "BACKUP_JOB_REPORT"}
    made = backup.create_report_plan(ReportPlanName=name, ReportPlanDescription="daily jobs",
                                     ReportDeliveryChannel=channel, ReportSetting=setting,
                                     ReportPlanTags={"hipaa": "audit"})
    assert set(_answer(made)) == {"ReportPlanName", "ReportPlanArn", "CreationTime"}
    assert made["ReportPlanName"] == name
    assert REPORT_PLAN_ARN.fullmatch(made["ReportPlanArn"]).group("name") == name
    got = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    assert got == {"ReportPlanArn": made["ReportPlanArn"], "ReportPlanName": name,
                   "ReportPlanDescription": "daily jobs", "ReportDeliveryChannel": channel,
                   "ReportSetting": setting, "DeploymentStatus": "COMPLETED",
                   "CreationTime": made["CreationTime"]}
    [listed] = [p for p in backup.list_report_plans()["ReportPlans"] if p["ReportPlanName"] == name]
    assert listed == got
    assert backup.list_tags(ResourceArn=made["ReportPlanArn"])["Tags"] == {"hipaa": "audit"}

    new_channel = {"S3BucketName": "other-reports", "Formats": ["JSON"]}
    new_setting = {"ReportTemplate": "CONTROL_COMPLIANCE_REPORT", "FrameworkArns": [
        f"arn:aws:backup:us-east-1:{ACCOUNT_ID}:framework:hipaa-0b2ad6d2-2a3c-4c0e-9a34-1f4b5c6d7e8f"]}
    updated = backup.update_report_plan(ReportPlanName=name, ReportPlanDescription="controls",
                                        ReportDeliveryChannel=new_channel, ReportSetting=new_setting)
    assert _answer(updated) == _answer(made)
    got = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    assert (got["ReportPlanDescription"], got["ReportDeliveryChannel"], got["ReportSetting"]) == (
        "controls", new_channel, new_setting)
    # What an update leaves out stays as it was.
    backup.update_report_plan(ReportPlanName=name, ReportPlanDescription="controls, weekly")
    got = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    assert (got["ReportPlanDescription"], got["ReportDeliveryChannel"], got["ReportSetting"]) == (
        "controls, weekly", new_channel, new_setting)

    backup.delete_report_plan(ReportPlanName=name)
    assert name not in _report_plan_names(backup)
    assert backup.list_tags(ResourceArn=made["ReportPlanArn"])["Tags"] == {}
    for call in (backup.describe_report_plan, backup.delete_report_plan):
        assert _refused(call, ReportPlanName=name) == (
            "ResourceNotFoundException", f"Report Plan {name} not found", 400)
    assert _refused(backup.update_report_plan, ReportPlanName=name, ReportPlanDescription="x")[::2] == (
        "ResourceNotFoundException", 400)


def test_report_formats_default_to_csv_and_the_bucket_is_not_checked(backup, moto):
    """AWS: "If not specified, the default format is CSV". The API reference documents no
    refusal for a bucket that does not exist, so none is made."""
    name = _report_name()
    bucket = _name("no-such-bucket")
    assert bucket not in [b["Name"] for b in moto.client("s3").list_buckets()["Buckets"]]
    backup.create_report_plan(ReportPlanName=name, ReportDeliveryChannel={"S3BucketName": bucket},
                              ReportSetting={"ReportTemplate": "RESTORE_JOB_REPORT"})
    got = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    assert got["ReportDeliveryChannel"] == {"S3BucketName": bucket, "Formats": ["CSV"]}
    assert "ReportPlanDescription" not in got


def test_every_documented_report_template_is_taken(backup):
    for template in REPORT_TEMPLATES:
        name = _report_name()
        backup.create_report_plan(**_report_plan(name, template=template))
        assert backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]["ReportSetting"] == {
            "ReportTemplate": template}
    # The longest name AWS takes: 256 characters.
    longest = "L" + "_" * 255
    assert backup.create_report_plan(**_report_plan(longest))["ReportPlanName"] == longest
    backup.delete_report_plan(ReportPlanName=longest)


def test_a_report_plan_the_api_reference_refuses_is_not_made(backup, unchecked):
    name = _report_name()
    plan = _report_plan(name)
    missing = [{k: v for k, v in plan.items() if k != "ReportPlanName"},
               {k: v for k, v in plan.items() if k != "ReportDeliveryChannel"},
               {k: v for k, v in plan.items() if k != "ReportSetting"},
               {**plan, "ReportDeliveryChannel": {"S3KeyPrefix": "p", "Formats": ["CSV"]}},
               {**plan, "ReportSetting": {"Regions": ["us-east-1"]}}]
    for bad in missing:
        assert _refused(unchecked.create_report_plan, **bad)[::2] == ("MissingParameterValueException", 400), bad
    invalid = [{**plan, "ReportPlanName": bad_name}
               for bad_name in ("1plan", "_plan", "has-dash", "has space", "a" * 257, "plan.v2")]
    invalid += [{**plan, "ReportSetting": {"ReportTemplate": "DAILY_REPORT"}},
                {**plan, "ReportSetting": {"ReportTemplate": "backup_job_report"}},
                {**plan, "ReportDeliveryChannel": {"S3BucketName": "b", "Formats": ["PDF"]}},
                {**plan, "ReportDeliveryChannel": {"S3BucketName": "b", "Formats": ["CSV", "csv"]}},
                {**plan, "ReportPlanDescription": "d" * 1025}]
    for bad in invalid:
        assert _refused(unchecked.create_report_plan, **bad)[::2] == ("InvalidParameterValueException", 400), bad
    names = _report_plan_names(backup)
    assert name not in names and not names & {"1plan", "_plan", "has-dash", "has space", "plan.v2"}
    # A description of exactly 1,024 characters is taken.
    assert backup.create_report_plan(**plan, ReportPlanDescription="d" * 1024)["ReportPlanName"] == name


def test_a_taken_report_plan_name_is_refused(backup):
    name = _report_name()
    made = backup.create_report_plan(**_report_plan(name))
    code, _, status = _refused(backup.create_report_plan, **_report_plan(name, bucket="elsewhere"))
    assert (code, status) == ("AlreadyExistsException", 400)
    got = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    assert got["ReportPlanArn"] == made["ReportPlanArn"]
    assert got["ReportDeliveryChannel"]["S3BucketName"] == "audit-reports"
    # Deleted, the name is free again, under a new ARN.
    backup.delete_report_plan(ReportPlanName=name)
    anew = backup.create_report_plan(**_report_plan(name))
    assert anew["ReportPlanArn"] != made["ReportPlanArn"]


def test_the_same_idempotency_token_answers_the_report_plan_it_made(backup):
    name = _report_name()
    first = backup.create_report_plan(**_report_plan(name), IdempotencyToken="report-attempt",
                                      ReportPlanTags={"owner": "platform"})
    again = backup.create_report_plan(**_report_plan(name), IdempotencyToken="report-attempt",
                                      ReportPlanTags={"owner": "platform"})
    assert _answer(again) == _answer(first)
    assert [p["ReportPlanArn"] for p in backup.list_report_plans()["ReportPlans"]
            if p["ReportPlanName"] == name] == [first["ReportPlanArn"]]
    # Another token for the name is another request: refused.
    assert _refused(backup.create_report_plan, **_report_plan(name), IdempotencyToken="other")[0] \
        == "AlreadyExistsException"
    # The token for another name is not a retry of the first request: it makes that plan.
    other = _report_name()
    assert backup.create_report_plan(**_report_plan(other), IdempotencyToken="report-attempt")[
        "ReportPlanName"] == other
    # A deleted plan is not answered again: the request makes a new one.
    backup.delete_report_plan(ReportPlanName=name)
    anew = backup.create_report_plan(**_report_plan(name), IdempotencyToken="report-attempt")
    assert anew["ReportPlanArn"] != first["ReportPlanArn"]
    assert backup.list_tags(ResourceArn=anew["ReportPlanArn"])["Tags"] == {}


def test_a_refused_report_plan_request_is_not_remembered(backup):
    name = _report_name()
    assert _refused(backup.create_report_plan, **_report_plan(name, template="WEEKLY"),
                    IdempotencyToken="fixed")[0] == "InvalidParameterValueException"
    made = backup.create_report_plan(**_report_plan(name), IdempotencyToken="fixed")
    assert backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]["ReportPlanArn"] == made["ReportPlanArn"]


def test_update_report_plan_checks_as_create_does(backup, unchecked):
    name = _report_name()
    backup.create_report_plan(**_report_plan(name), ReportPlanDescription="before")
    before = backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]
    for bad, code in (({"ReportDeliveryChannel": {"Formats": ["CSV"]}}, "MissingParameterValueException"),
                      ({"ReportSetting": {"Regions": ["*"]}}, "MissingParameterValueException"),
                      ({"ReportSetting": {"ReportTemplate": "DAILY_REPORT"}}, "InvalidParameterValueException"),
                      ({"ReportDeliveryChannel": {"S3BucketName": "b", "Formats": ["XML"]}},
                       "InvalidParameterValueException"),
                      ({"ReportPlanDescription": "d" * 1025}, "InvalidParameterValueException")):
        assert _refused(unchecked.update_report_plan, ReportPlanName=name, **bad)[::2] == (code, 400), bad
    assert backup.describe_report_plan(ReportPlanName=name)["ReportPlan"] == before
    assert _refused(backup.update_report_plan, ReportPlanName=_report_name(),
                    ReportSetting={"ReportTemplate": "BACKUP_JOB_REPORT"})[0] == "ResourceNotFoundException"


def test_an_update_retried_with_its_token_takes_no_action(backup):
    """AWS: "Retrying a successful request with the same idempotency token results in a success
    message with no action taken"."""
    name = _report_name()
    made = backup.create_report_plan(**_report_plan(name))

    def update(bucket, token):
        return backup.update_report_plan(ReportPlanName=name, IdempotencyToken=token,
                                         ReportDeliveryChannel={"S3BucketName": bucket, "Formats": ["CSV"]})

    update("second", "update-1")
    update("third", "update-2")
    assert _answer(update("second", "update-1")) == _answer(made)
    assert backup.describe_report_plan(ReportPlanName=name)["ReportPlan"]["ReportDeliveryChannel"][
        "S3BucketName"] == "third"


@pytest.mark.parametrize("slashes", ["as the model has them", "without trailing slashes"])
def test_report_plan_calls_are_answered_alike_with_or_without_trailing_slashes(moto, slashes):
    client = moto.client("backup", retries=1)
    if slashes == "without trailing slashes":
        client = _without_trailing_slashes(client)
    name = _report_name()
    arn = client.create_report_plan(**_report_plan(name), ReportPlanTags={"owner": "platform"})["ReportPlanArn"]
    assert client.describe_report_plan(ReportPlanName=name)["ReportPlan"]["ReportPlanArn"] == arn
    assert client.list_tags(ResourceArn=arn)["Tags"] == {"owner": "platform"}
    client.tag_resource(ResourceArn=arn, Tags={"env": "demo", "hipaa": "audit"})
    client.untag_resource(ResourceArn=arn, TagKeyList=["owner"])
    assert client.list_tags(ResourceArn=arn)["Tags"] == {"env": "demo", "hipaa": "audit"}
    client.update_report_plan(ReportPlanName=name, ReportSetting={"ReportTemplate": "COPY_JOB_REPORT"})
    assert client.describe_report_plan(ReportPlanName=name)["ReportPlan"]["ReportSetting"] == {
        "ReportTemplate": "COPY_JOB_REPORT"}
    client.delete_report_plan(ReportPlanName=name)
    assert _refused(client.describe_report_plan, ReportPlanName=name)[0] == "ResourceNotFoundException"


def test_reset_forgets_the_report_plans():
    """Report plans, their tags and their tokens live on moto's backend: after a reset, the
    same random seed makes the same ARN again, and it has no tags."""
    with MotoServer() as server:
        backup = server.client("backup", retries=1)

        def seeded_plan(**extra):
            urllib.request.urlopen(urllib.request.Request(f"{server.url}/moto-api/seed?a=42", method="POST"),
                                   timeout=10).read()
            return backup.create_report_plan(**_report_plan("audit"), IdempotencyToken="same", **extra)

        first = seeded_plan(ReportPlanTags={"owner": "platform"})
        backup.update_report_plan(ReportPlanName="audit", IdempotencyToken="update",
                                  ReportPlanDescription="changed")
        server.reset()
        assert _refused(backup.describe_report_plan, ReportPlanName="audit")[0] == "ResourceNotFoundException"
        assert backup.list_report_plans()["ReportPlans"] == []
        again = seeded_plan()
        assert again["ReportPlanArn"] == first["ReportPlanArn"]
        assert backup.list_tags(ResourceArn=again["ReportPlanArn"])["Tags"] == {}
        backup.update_report_plan(ReportPlanName="audit", IdempotencyToken="update",
                                  ReportPlanDescription="changed again")
        assert backup.describe_report_plan(ReportPlanName="audit")["ReportPlan"]["ReportPlanDescription"] \
            == "changed again"
