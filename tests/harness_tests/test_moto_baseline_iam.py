"""The account baseline's IAM password policy on the emulator, as AWS documents it. The policy
is the account's own: each test deletes it again."""

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
