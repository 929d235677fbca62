//! The database's own parameter group (a cluster parameter group for Aurora), always with
//! `rds.force_ssl = 1` plus the user's parameters. Static parameters apply at the next
//! reboot; dynamic ones at once.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{ApplyMethod, Parameter};
use pulumi_provider::Ctx;

use super::args::{FORCE_SSL, PostgresArgs};
use super::network::list_tags;
use super::settling;
use crate::aws::AwsContext;
use crate::aws::lag::{BUSY, NEW_NAMED, NEW_OBJECT, settle};
use crate::aws::tagging;
use crate::aws::tags::claim;
use crate::aws::wait::when_free;
use crate::error::{Error, Result};
use crate::resources::inputs::parse_version;

/// AWS takes at most 20 parameters per modify or reset call.
const BATCH: usize = 20;

/// One parameter as the group reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Setting {
    pub value: Option<String>,
    pub static_apply: bool,
    pub user: bool,
}

/// The group's name: the database's id and the family, so a major upgrade gets a new one.
pub fn group_name(a: &PostgresArgs) -> String {
    format!("{}-{}", a.id(), family(a))
}

pub fn family(a: &PostgresArgs) -> String {
    let major = a
        .engine_version
        .as_deref()
        .and_then(parse_version)
        .map(|v| v.0)
        .unwrap_or(16);
    a.engine().family(major)
}

/// The parameters the group should hold: `rds.force_ssl = 1` and the user's.
pub fn desired(a: &PostgresArgs) -> BTreeMap<String, String> {
    let mut want = a.parameters.clone().unwrap_or_default();
    want.insert(FORCE_SSL.to_string(), "1".to_string());
    want
}

/// The group's ARN and tags, `None` when it does not exist (also when the tag read no
/// longer, or not yet, finds the group the describe found).
async fn describe(
    cx: &AwsContext,
    aurora: bool,
    name: &str,
) -> Result<Option<(String, BTreeMap<String, String>)>> {
    let arn = if aurora {
        match cx
            .rds()
            .describe_db_cluster_parameter_groups()
            .db_cluster_parameter_group_name(name)
            .send()
            .await
        {
            Ok(r) => r
                .db_cluster_parameter_groups()
                .first()
                .and_then(|g| g.db_cluster_parameter_group_arn().map(String::from)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_db_parameter_group_not_found_fault()) =>
            {
                None
            }
            Err(e) => return Err(Error::aws("rds:DescribeDBClusterParameterGroups", e)),
        }
    } else {
        match cx
            .rds()
            .describe_db_parameter_groups()
            .db_parameter_group_name(name)
            .send()
            .await
        {
            Ok(r) => r
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_arn().map(String::from)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_db_parameter_group_not_found_fault()) =>
            {
                None
            }
            Err(e) => return Err(Error::aws("rds:DescribeDBParameterGroups", e)),
        }
    };
    match arn {
        Some(arn) => match list_tags(cx, &arn).await {
            Ok(tags) => Ok(Some((arn, tags))),
            Err(e) if NEW_NAMED.matches(&e) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// Every parameter of the group, page by page.
pub async fn settings(
    cx: &AwsContext,
    aurora: bool,
    name: &str,
) -> Result<BTreeMap<String, Setting>> {
    let mut out = BTreeMap::new();
    let mut marker = None;
    loop {
        let (page, next): (Vec<Parameter>, Option<String>) = if aurora {
            let r = cx
                .rds()
                .describe_db_cluster_parameters()
                .db_cluster_parameter_group_name(name)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| Error::aws("rds:DescribeDBClusterParameters", e))?;
            (r.parameters().to_vec(), r.marker().map(String::from))
        } else {
            let r = cx
                .rds()
                .describe_db_parameters()
                .db_parameter_group_name(name)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| Error::aws("rds:DescribeDBParameters", e))?;
            (r.parameters().to_vec(), r.marker().map(String::from))
        };
        for p in page {
            let Some(n) = p.parameter_name() else {
                continue;
            };
            out.insert(
                n.to_string(),
                Setting {
                    value: p.parameter_value().map(String::from),
                    static_apply: p.apply_type() == Some("static"),
                    user: p.source() == Some("user"),
                },
            );
        }
        match next.filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}

/// The user's parameters as the group holds them (without `rds.force_ssl`).
pub fn user_parameters(all: &BTreeMap<String, Setting>) -> BTreeMap<String, String> {
    all.iter()
        .filter(|(n, s)| s.user && n.as_str() != FORCE_SSL)
        .filter_map(|(n, s)| s.value.clone().map(|v| (n.clone(), v)))
        .collect()
}

fn method(s: Option<&Setting>) -> ApplyMethod {
    if s.is_some_and(|s| s.static_apply) {
        ApplyMethod::PendingReboot
    } else {
        ApplyMethod::Immediate
    }
}

/// What `ensure` did.
pub struct Ensured {
    pub name: String,
    /// Names of static parameters changed, which wait for a reboot.
    pub static_changes: Vec<String>,
}

/// Creates the group if needed and makes its parameters match `a`.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    tags: &BTreeMap<String, String>,
) -> Result<Ensured> {
    let aurora = a.engine().aurora();
    let name = group_name(a);
    made_or_taken(cx, ctx, a, &name, tags).await?;
    // A group made a moment ago may be unknown to the next call naming it.
    let what = format!("parameter group {name}");
    let all = settle(ctx, &what, &[&NEW_OBJECT], || settings(cx, aurora, &name)).await?;
    let (set, reset) = changes(a, &all);
    let static_changes: Vec<String> = set
        .iter()
        .chain(reset.iter())
        .filter(|p| p.apply_method() == Some(&ApplyMethod::PendingReboot))
        .filter_map(|p| p.parameter_name().map(String::from))
        .collect();
    if !set.is_empty() || !reset.is_empty() {
        let names: Vec<&str> = set
            .iter()
            .chain(reset.iter())
            .filter_map(|p| p.parameter_name())
            .collect();
        ctx.status(format!(
            "parameter group {name}: setting {}",
            names.join(", ")
        ))
        .await;
    }
    for batch in set.chunks(BATCH) {
        settle(ctx, &what, &[&NEW_OBJECT, &BUSY], || {
            modify(cx, aurora, &name, batch.to_vec())
        })
        .await?;
    }
    for batch in reset.chunks(BATCH) {
        settle(ctx, &what, &[&NEW_OBJECT, &BUSY], || {
            reset_batch(cx, aurora, &name, batch.to_vec())
        })
        .await?;
    }
    if !static_changes.is_empty() {
        ctx.info(format!(
            "parameter group {name}: {} apply at the next reboot",
            static_changes.join(", ")
        ))
        .await;
    }
    Ok(Ensured {
        name,
        static_changes,
    })
}

/// The group, made if missing, or one found under its name taken over (see
/// `tags::may_take`) and re-tagged. RDS's reads lag its creates: a group not listed a
/// moment ago whose create is refused as existing (a send whose answer was lost, or a read
/// that lagged an earlier create) is read until listed and then taken over by the same
/// rule.
async fn made_or_taken(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let aurora = a.engine().aurora();
    let found = match describe(cx, aurora, name).await? {
        Some(g) => Some(g),
        None => match create(cx, a, name, tags).await {
            Ok(()) => None,
            Err(Error::Aws { code, .. }) if code == EXISTS => {
                let what = format!("parameter group {name}");
                let found = settling::until_seen(
                    ctx,
                    &what,
                    || settling::vanished(&what, "was refused as existing, then not found"),
                    || describe(cx, aurora, name),
                )
                .await?;
                Some(found)
            }
            Err(e) => return Err(e),
        },
    };
    if let Some((arn, have)) = found {
        claim(ctx, &[name, &arn], &have, "identifier", || {
            format!("a parameter group named {name}")
        })?;
        tagging::retag_settled(ctx, cx.rds(), &arn, &have, tags).await?;
    }
    Ok(())
}

/// RDS's code for a create of a (cluster) parameter group whose name is taken.
const EXISTS: &str = "DBParameterGroupAlreadyExists";

/// CreateDB(Cluster)ParameterGroup, tagged at once (so a group left by a lost answer
/// carries this resource's URN).
async fn create(
    cx: &AwsContext,
    a: &PostgresArgs,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let description = format!(
        "HIPAA PostgreSQL {}: rds.force_ssl = 1 (managed by Pulumi)",
        a.id()
    );
    if a.engine().aurora() {
        cx.rds()
            .create_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .db_parameter_group_family(family(a))
            .description(description)
            .set_tags(Some(tagging::rds(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("rds:CreateDBClusterParameterGroup", e))?;
    } else {
        cx.rds()
            .create_db_parameter_group()
            .db_parameter_group_name(name)
            .db_parameter_group_family(family(a))
            .description(description)
            .set_tags(Some(tagging::rds(tags)))
            .send()
            .await
            .map_err(|e| Error::aws("rds:CreateDBParameterGroup", e))?;
    }
    Ok(())
}

/// The parameters to set (the asked values that differ) and to reset (set by the user
/// before, no longer asked for).
fn changes(a: &PostgresArgs, all: &BTreeMap<String, Setting>) -> (Vec<Parameter>, Vec<Parameter>) {
    let want = desired(a);
    // `rds.force_ssl` is set explicitly even where 1 is the family's default (PostgreSQL
    // 15+), so the group says so on its own; once set, it is never sent again.
    let set: Vec<Parameter> = want
        .iter()
        .filter(|(n, v)| {
            let have = all.get(*n);
            have.and_then(|s| s.value.as_ref()) != Some(*v)
                || (n.as_str() == FORCE_SSL && !have.is_some_and(|s| s.user))
        })
        .map(|(n, v)| {
            Parameter::builder()
                .parameter_name(n)
                .parameter_value(v)
                .apply_method(method(all.get(n)))
                .build()
        })
        .collect();
    let reset: Vec<Parameter> = all
        .iter()
        .filter(|(n, s)| s.user && !want.contains_key(*n))
        .map(|(n, s)| {
            Parameter::builder()
                .parameter_name(n)
                .apply_method(method(Some(s)))
                .build()
        })
        .collect();
    (set, reset)
}

async fn modify(cx: &AwsContext, aurora: bool, name: &str, batch: Vec<Parameter>) -> Result<()> {
    if aurora {
        cx.rds()
            .modify_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .set_parameters(Some(batch))
            .send()
            .await
            .map_err(|e| Error::aws("rds:ModifyDBClusterParameterGroup", e))?;
    } else {
        cx.rds()
            .modify_db_parameter_group()
            .db_parameter_group_name(name)
            .set_parameters(Some(batch))
            .send()
            .await
            .map_err(|e| Error::aws("rds:ModifyDBParameterGroup", e))?;
    }
    Ok(())
}

async fn reset_batch(
    cx: &AwsContext,
    aurora: bool,
    name: &str,
    batch: Vec<Parameter>,
) -> Result<()> {
    if aurora {
        cx.rds()
            .reset_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .set_parameters(Some(batch))
            .send()
            .await
            .map_err(|e| Error::aws("rds:ResetDBClusterParameterGroup", e))?;
    } else {
        cx.rds()
            .reset_db_parameter_group()
            .db_parameter_group_name(name)
            .set_parameters(Some(batch))
            .send()
            .await
            .map_err(|e| Error::aws("rds:ResetDBParameterGroup", e))?;
    }
    Ok(())
}

/// One DeleteDB(Cluster)ParameterGroup; a group already gone is fine.
async fn delete_once(cx: &AwsContext, aurora: bool, name: &str) -> Result<()> {
    let deleted = if aurora {
        cx.rds()
            .delete_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::aws("rds:DeleteDBClusterParameterGroup", e))
    } else {
        cx.rds()
            .delete_db_parameter_group()
            .db_parameter_group_name(name)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| Error::aws("rds:DeleteDBParameterGroup", e))
    };
    match deleted {
        Err(Error::Aws { code, .. }) if code == "DBParameterGroupNotFound" => Ok(()),
        other => other,
    }
}

/// Deletes the group once nothing uses it.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, aurora: bool, name: &str) -> Result<()> {
    when_free(ctx, &format!("parameter group {name}"), || {
        delete_once(cx, aurora, name)
    })
    .await
}

/// Deletes a group this database no longer uses (the one of the family before a major
/// upgrade). One attempt: a group still in use (the upgrade waits for the maintenance
/// window) is kept, and the next update tries again.
pub async fn retire(cx: &AwsContext, aurora: bool, name: &str) -> Result<bool> {
    match delete_once(cx, aurora, name).await {
        Ok(()) => Ok(true),
        Err(Error::Aws { code, .. }) if code == "InvalidDBParameterGroupState" => Ok(false),
        Err(e) => Err(e),
    }
}

/// This database's groups of any family (`<id>-<engine><major>`), as AWS lists them.
pub async fn all_groups(cx: &AwsContext, a: &PostgresArgs) -> Result<Vec<String>> {
    let aurora = a.engine().aurora();
    let prefix = format!("{}-{}", a.id(), a.engine().as_str());
    let ours = |n: &str| {
        n.strip_prefix(&prefix)
            .is_some_and(|major| !major.is_empty() && major.chars().all(|c| c.is_ascii_digit()))
    };
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let (page, next): (Vec<String>, Option<String>) = if aurora {
            let r = cx
                .rds()
                .describe_db_cluster_parameter_groups()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| Error::aws("rds:DescribeDBClusterParameterGroups", e))?;
            let page = r
                .db_cluster_parameter_groups()
                .iter()
                .filter_map(|g| g.db_cluster_parameter_group_name().map(String::from))
                .collect();
            (page, r.marker().map(String::from))
        } else {
            let r = cx
                .rds()
                .describe_db_parameter_groups()
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|e| Error::aws("rds:DescribeDBParameterGroups", e))?;
            let page = r
                .db_parameter_groups()
                .iter()
                .filter_map(|g| g.db_parameter_group_name().map(String::from))
                .collect();
            (page, r.marker().map(String::from))
        };
        names.extend(page.into_iter().filter(|n| ours(n)));
        match next.filter(|m| !m.is_empty()) {
            Some(m) => marker = Some(m),
            None => return Ok(names),
        }
    }
}
