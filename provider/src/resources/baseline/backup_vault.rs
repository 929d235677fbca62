//! The AWS Backup vault the baseline's plan backs up into: made under the baseline's key,
//! taken by the ownership rule, deleted only when empty; and the tag calls of the baseline's
//! AWS Backup objects.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_backup::error::ProvideErrorMetadata;
use pulumi_provider::Ctx;

use super::args::Names;
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_KEY_ELSEWHERE, resend, settle};
use crate::aws::tags::{claim, may_take};
use crate::aws::token;
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// The vault as AWS Backup has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vault {
    pub arn: String,
    pub key_arn: Option<String>,
    pub recovery_points: i64,
}

/// AWS Backup's answer for a vault, plan, selection or report plan it does not have.
pub(super) fn not_found<E: ProvideErrorMetadata>(e: &E) -> bool {
    matches!(e.code(), Some("ResourceNotFoundException"))
}

/// Tags as AWS Backup's calls take them.
pub(super) fn hash_map(tags: &BTreeMap<String, String>) -> HashMap<String, String> {
    tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The vault, when it exists.
pub(super) async fn vault(cx: &AwsContext, name: &str) -> Result<Option<Vault>> {
    let answer = found(
        "backup:DescribeBackupVault",
        cx.backup()
            .describe_backup_vault()
            .backup_vault_name(name)
            .send()
            .await,
        not_found,
    )?;
    Ok(answer.map(|v| Vault {
        arn: v.backup_vault_arn.unwrap_or_default(),
        key_arn: v.encryption_key_arn,
        recovery_points: v.number_of_recovery_points,
    }))
}

/// The vault, made under the baseline's key, or the one this baseline owns, with its tags.
pub(super) async fn ensure_vault(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let existing = match vault(cx, name).await? {
        Some(v) => v,
        None => {
            ctx.status(format!("making AWS Backup vault {name}")).await;
            let req = cx
                .backup()
                .create_backup_vault()
                .backup_vault_name(name)
                .encryption_key_arn(key_arn)
                .set_backup_vault_tags(Some(hash_map(tags)))
                .creator_request_id(token::fresh(&[ctx.urn(), name]));
            let made = settle(
                ctx,
                &format!("AWS Backup vault {name}"),
                &[&NEW_KEY_ELSEWHERE],
                resend!(req, "backup:CreateBackupVault"),
            )
            .await;
            match made {
                Ok(_) => return Ok(()),
                // An earlier attempt's, which the read a moment ago did not see, or someone
                // else's: its tags say which.
                Err(Error::Aws { code, .. }) if code == "AlreadyExistsException" => {
                    let what = format!("AWS Backup vault {name}");
                    settling::until_seen(
                        ctx,
                        &what,
                        || settling::vanished(&what, "refused as existing, then not found"),
                        || vault(cx, name),
                    )
                    .await?
                }
                Err(e) => Err(e)?,
            }
        }
    };
    let have = list_tags(cx, &existing.arn).await?;
    claim(ctx, &[name], &have, "baselineName", || {
        format!("an AWS Backup vault named {name}")
    })?;
    if existing.key_arn.as_deref() != Some(key_arn) {
        // A vault's key is fixed when it is made.
        return Err(Error::Failed {
            what: format!("AWS Backup vault {name}"),
            reason: format!(
                "it is encrypted with {}, not the baseline's key {key_arn}, and a vault's key cannot change; delete the vault (once it holds no backups) or rename the baseline",
                existing.key_arn.as_deref().unwrap_or("no key")
            ),
        });
    }
    retag(cx, ctx, &existing.arn, name, tags).await
}

/// The tags of a vault, plan or report plan (none when it is gone).
pub(super) async fn list_tags(cx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>> {
    let listed = found(
        "backup:ListTags",
        cx.backup().list_tags().resource_arn(arn).send().await,
        not_found,
    )?;
    Ok(listed
        .and_then(|l| l.tags)
        .unwrap_or_default()
        .into_iter()
        .collect())
}

/// Brings a vault's, plan's or report plan's tags to `want`.
pub(super) async fn retag(
    cx: &AwsContext,
    ctx: &Ctx,
    arn: &str,
    name: &str,
    want: &BTreeMap<String, String>,
) -> Result<()> {
    let have = list_tags(cx, arn).await?;
    let (stale, changed) = crate::aws::tags::delta(&have, want);
    if stale.is_empty() && changed.is_empty() {
        return Ok(());
    }
    ctx.status(format!("tagging {name}")).await;
    if !stale.is_empty() {
        cx.backup()
            .untag_resource()
            .resource_arn(arn)
            .set_tag_key_list(Some(stale))
            .send()
            .await
            .map_err(|e| Error::aws("backup:UntagResource", e))?;
    }
    if !changed.is_empty() {
        cx.backup()
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(hash_map(&changed)))
            .send()
            .await
            .map_err(|e| Error::aws("backup:TagResource", e))?;
    }
    Ok(())
}

/// Deletes the vault when it is this baseline's and empty. A vault that holds backups is kept
/// (AWS Backup deletes only an empty vault; its backups are the databases' copies, and expire
/// as the plan set): answers its name, for the log.
pub(super) async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<Option<String>> {
    let vault_name = &names.backup_vault;
    let Some(v) = vault(cx, vault_name).await? else {
        return Ok(None);
    };
    let have = list_tags(cx, &v.arn).await?;
    if !may_take(
        ctx,
        &[vault_name],
        have.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        return Ok(None);
    }
    if v.recovery_points > 0 {
        return Ok(Some(kept(vault_name, v.recovery_points)));
    }
    ctx.status(format!("deleting AWS Backup vault {vault_name}"))
        .await;
    match cx
        .backup()
        .delete_backup_vault()
        .backup_vault_name(vault_name)
        .send()
        .await
    {
        Ok(_) => Ok(None),
        Err(e) if e.as_service_error().is_some_and(not_found) => Ok(None),
        // Backups made since the read: the vault stays, with them.
        Err(e) if e.code() == Some("InvalidRequestException") => Ok(Some(kept(vault_name, 0))),
        Err(e) => Err(Error::aws("backup:DeleteBackupVault", e)),
    }
}

fn kept(vault: &str, points: i64) -> String {
    if points > 0 {
        format!("AWS Backup vault {vault} ({points} backups)")
    } else {
        format!("AWS Backup vault {vault} (it holds backups)")
    }
}
