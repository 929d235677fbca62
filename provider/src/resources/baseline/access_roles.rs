//! The roles people assume for one job in the account: AWS Support cases (`AWSSupportAccess`,
//! CIS AWS Foundations 1.17) and reviews by auditors (`SecurityAudit`, read-only). Neither
//! may read what the platform holds: an inline policy denies the data stores' reads.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use serde_json::{Value as J, json};

use super::args::{AccessRoleArgs, BaselineArgs, Names};
use crate::aws::AwsContext;
use crate::aws::iam::{self, RoleSpec};
use crate::aws::tags::may_take;
use crate::error::Result;

/// The inline policy of both roles.
pub const POLICY: &str = "no-data-access";

/// One of the two roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Support,
    Audit,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Support, Kind::Audit];

    /// The input that asks for the role.
    pub fn property(self) -> &'static str {
        match self {
            Kind::Support => "supportRole",
            Kind::Audit => "auditRole",
        }
    }

    pub fn name(self, names: &Names) -> &str {
        match self {
            Kind::Support => &names.support_role,
            Kind::Audit => &names.audit_role,
        }
    }

    pub fn args(self, a: &BaselineArgs) -> Option<&AccessRoleArgs> {
        match self {
            Kind::Support => a.support_role.as_ref(),
            Kind::Audit => a.audit_role.as_ref(),
        }
    }

    /// The AWS managed policy the role is for.
    pub fn policy_arn(self, partition: &str) -> String {
        let name = match self {
            Kind::Support => "AWSSupportAccess",
            Kind::Audit => "SecurityAudit",
        };
        format!("arn:{partition}:iam::aws:policy/{name}")
    }

    fn description(self) -> &'static str {
        match self {
            Kind::Support => "Manages incidents with AWS Support (account baseline)",
            Kind::Audit => "Reviews the account's configuration, read-only (account baseline)",
        }
    }
}

/// The principals trusted by default: the account itself.
pub fn principals(args: &AccessRoleArgs, partition: &str, account: &str) -> Vec<String> {
    let given = args.trusted_principals.clone().unwrap_or_default();
    let listed = if given.is_empty() {
        vec![account.to_string()]
    } else {
        given
    };
    let mut arns: Vec<String> = listed
        .into_iter()
        .map(|p| {
            if p.len() == 12 && p.chars().all(|c| c.is_ascii_digit()) {
                format!("arn:{partition}:iam::{p}:root")
            } else {
                p
            }
        })
        .collect();
    arns.sort();
    arns.dedup();
    arns
}

/// Who may assume the role, with MFA unless `requireMfa` is false, and giving the external
/// ID when one is set.
pub fn trust(args: &AccessRoleArgs, partition: &str, account: &str) -> J {
    let mut condition = serde_json::Map::new();
    if args.require_mfa.unwrap_or(true) {
        condition.insert("Bool".into(), json!({"aws:MultiFactorAuthPresent": "true"}));
    }
    if let Some(id) = &args.external_id {
        condition.insert("StringEquals".into(), json!({"sts:ExternalId": id}));
    }
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": {"AWS": principals(args, partition, account)},
        "Action": "sts:AssumeRole",
    });
    if !condition.is_empty() {
        statement["Condition"] = J::Object(condition);
    }
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

/// What neither role may do: read the platform's data (secrets, stream records, database
/// and cache connections) or decrypt with a key.
fn no_data_access() -> J {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "NoDataAccess", "Effect": "Deny",
        "Action": ["secretsmanager:GetSecretValue", "kinesis:GetRecords", "kinesis:SubscribeToShard",
                   "rds-db:connect", "elasticache:Connect", "kms:Decrypt", "s3:GetObject",
                   "s3:GetObjectVersion"],
        "Resource": "*",
    }]})
}

/// Makes each role asked for, and deletes each one of this baseline's not (or no longer)
/// asked for.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &BaselineArgs,
    names: &Names,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let account = cx.account().await?.to_string();
    for kind in Kind::ALL {
        let name = kind.name(names);
        let Some(args) = kind.args(a) else {
            remove_if_ours(cx, ctx, name).await?;
            continue;
        };
        let spec = RoleSpec {
            name,
            property: Some(kind.property()),
            description: kind.description(),
            principals: &[],
            policy_name: POLICY,
            policy: no_data_access(),
            tags,
        };
        let trust = trust(args, &cx.partition, &account);
        iam::ensure_role_trusting(cx, ctx, &spec, &trust).await?;
        iam::attach(cx, ctx, name, &kind.policy_arn(&cx.partition)).await?;
    }
    Ok(())
}

/// Deletes both roles, where they are this baseline's (what is gone already is fine).
pub async fn delete(cx: &AwsContext, ctx: &Ctx, names: &Names) -> Result<()> {
    for kind in Kind::ALL {
        remove_if_ours(cx, ctx, kind.name(names)).await?;
    }
    Ok(())
}

/// Deletes the role of this name when it is this baseline's: its state names it, or it
/// carries this URN. A role of that name someone else made is left alone.
async fn remove_if_ours(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    let Some(tags) = iam::role_tags(cx, name).await? else {
        return Ok(());
    };
    if may_take(
        ctx,
        &[name],
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        iam::delete_role(cx, ctx, name, POLICY).await?;
    }
    Ok(())
}

/// Each role as IAM has it: its ARN and whether its AWS policy is attached.
pub async fn observe(
    cx: &AwsContext,
    names: &Names,
) -> Result<BTreeMap<&'static str, (String, bool)>> {
    let mut out = BTreeMap::new();
    for kind in Kind::ALL {
        let name = kind.name(names);
        let Some(role) = iam::read_role(cx, name, POLICY).await? else {
            continue;
        };
        let attached = iam::attached(cx, name)
            .await?
            .contains(&kind.policy_arn(&cx.partition));
        out.insert(kind.property(), (role.arn, attached));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "access_roles_tests.rs"]
mod tests;
