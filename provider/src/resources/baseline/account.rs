//! Account settings: EBS encryption by default, and the IAM password policy.

use aws_sdk_iam::types::PasswordPolicy;
use pulumi_provider::Ctx;

use super::args::PasswordPolicyArgs;
use crate::aws::AwsContext;
use crate::error::{Error, Result, found};

pub async fn ebs_encrypted(cx: &AwsContext) -> Result<bool> {
    let got = cx
        .ec2()
        .get_ebs_encryption_by_default()
        .send()
        .await
        .map_err(|e| Error::aws("ec2:GetEbsEncryptionByDefault", e))?;
    Ok(got.ebs_encryption_by_default() == Some(true))
}

pub async fn set_ebs_encryption(cx: &AwsContext, on: bool) -> Result<()> {
    if on {
        cx.ec2()
            .enable_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| Error::aws("ec2:EnableEbsEncryptionByDefault", e))?;
    } else {
        cx.ec2()
            .disable_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DisableEbsEncryptionByDefault", e))?;
    }
    Ok(())
}

/// The account's password policy, or `None`.
pub async fn password_policy(cx: &AwsContext) -> Result<Option<PasswordPolicy>> {
    let got = found(
        "iam:GetAccountPasswordPolicy",
        cx.iam().get_account_password_policy().send().await,
        |e| e.is_no_such_entity_exception(),
    )?;
    Ok(got.and_then(|g| g.password_policy))
}

/// Whether `p` is at least as strict as the baseline's settings `want`.
pub fn policy_holds(p: &PasswordPolicy, want: &PasswordPolicyArgs) -> bool {
    let age = want.max_age_days.unwrap_or(90);
    p.minimum_password_length.unwrap_or(0) >= want.minimum_length.unwrap_or(14)
        && p.require_symbols
        && p.require_numbers
        && p.require_uppercase_characters
        && p.require_lowercase_characters
        && p.password_reuse_prevention.unwrap_or(0) >= want.reuse_prevention.unwrap_or(24)
        && (age == 0 || p.max_password_age.is_some_and(|m| m > 0 && m <= age))
}

pub async fn put_password_policy(
    cx: &AwsContext,
    ctx: &Ctx,
    want: &PasswordPolicyArgs,
) -> Result<()> {
    ctx.status("setting the IAM password policy").await;
    let age = want.max_age_days.unwrap_or(90);
    cx.iam()
        .update_account_password_policy()
        .minimum_password_length(want.minimum_length.unwrap_or(14))
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .password_reuse_prevention(want.reuse_prevention.unwrap_or(24))
        .set_max_password_age((age > 0).then_some(age))
        .send()
        .await
        .map_err(|e| Error::aws("iam:UpdateAccountPasswordPolicy", e))?;
    Ok(())
}

pub async fn delete_password_policy(cx: &AwsContext, ctx: &Ctx) -> Result<()> {
    ctx.status("deleting the IAM password policy").await;
    found(
        "iam:DeleteAccountPasswordPolicy",
        cx.iam().delete_account_password_policy().send().await,
        |e| e.is_no_such_entity_exception(),
    )?;
    Ok(())
}
