"""The account baseline's IAM password policy and the AWS managed policies its roles carry, on the
emulator, as AWS documents them. The password policy is the account's own: each test deletes it
again."""

import pytest
from botocore.exceptions import ClientError

STRICT = {"MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
          "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
          "AllowUsersToChangePassword": True, "MaxPasswordAge": 90, "PasswordReusePrevention": 24,
          "HardExpiry": False}


def _code(err):
    return err.value.response["Error"]["Code"]


@pytest.fixture
def iam(moto):
    client = moto.client("iam")
    yield client
    try:
        client.delete_account_password_policy()
    except ClientError:
        pass


def test_the_password_policy_reads_back_as_set(iam):
    iam.update_account_password_policy(**STRICT)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert {k: policy[k] for k in STRICT} == STRICT
    assert policy["ExpirePasswords"] is True


def test_an_update_resets_what_it_does_not_name(iam):
    # AWS: a parameter left out of the update takes its default value.
    iam.update_account_password_policy(**STRICT)
    iam.update_account_password_policy(MinimumPasswordLength=16)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 16
    assert not any(policy.get(k) for k in ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
                                           "RequireLowercaseCharacters", "AllowUsersToChangePassword",
                                           "ExpirePasswords", "MaxPasswordAge", "PasswordReusePrevention"))


@pytest.mark.parametrize("setting", [{"MinimumPasswordLength": 129}, {"PasswordReusePrevention": 25},
                                     {"MaxPasswordAge": 1096}])
def test_values_outside_aws_limits_are_refused(iam, setting):
    with pytest.raises(ClientError) as err:
        iam.update_account_password_policy(**setting)
    assert _code(err) == "ValidationError"


def test_a_policy_that_is_not_there_is_no_such_entity(iam):
    iam.update_account_password_policy(**STRICT)
    iam.delete_account_password_policy()
    for call in (iam.get_account_password_policy, iam.delete_account_password_policy):
        with pytest.raises(ClientError) as err:
            call()
        assert _code(err) == "NoSuchEntity"


SUPPORT = "arn:aws:iam::aws:policy/AWSSupportAccess"


def test_aws_managed_policies_exist_and_attach(iam):
    """AWS's managed policies are there in every account: read, attached, listed, detached."""
    assert iam.get_policy(PolicyArn=SUPPORT)["Policy"]["PolicyName"] == "AWSSupportAccess"
    audit = "arn:aws:iam::aws:policy/SecurityAudit"
    trust = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, ' \
            '"Action": "sts:AssumeRole"}]}'
    iam.create_role(RoleName="managed-policies", AssumeRolePolicyDocument=trust)
    try:
        iam.attach_role_policy(RoleName="managed-policies", PolicyArn=audit)
        attached = iam.list_attached_role_policies(RoleName="managed-policies")["AttachedPolicies"]
        assert [p["PolicyArn"] for p in attached] == [audit]
        assert [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=audit, EntityFilter="Role")[
            "PolicyRoles"]] == ["managed-policies"]
        document = iam.get_policy_version(PolicyArn=audit, VersionId=iam.get_policy(PolicyArn=audit)[
            "Policy"]["DefaultVersionId"])["PolicyVersion"]["Document"]
        assert document["Statement"], document
        iam.detach_role_policy(RoleName="managed-policies", PolicyArn=audit)
        assert iam.list_attached_role_policies(RoleName="managed-policies")["AttachedPolicies"] == []
    finally:
        iam.delete_role(RoleName="managed-policies")
    # A policy AWS does not have is still not found.
    with pytest.raises(ClientError) as err:
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    assert _code(err) == "NoSuchEntity"
