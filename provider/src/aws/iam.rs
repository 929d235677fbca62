//! IAM roles a resource owns: a trust policy naming who may assume it and one inline
//! policy granting exactly what it is for.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;
use pulumi_provider::Ctx;
use serde_json::{Value as J, json};

use super::AwsContext;
use super::exists::{Made, create_or_take};
use super::lag::{IN_USE, NEW_IAM_ENTITY, NEW_ROLE, settle};
use super::tags::may_take;
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};
use aws_sdk_iam::error::ProvideErrorMetadata;

/// The role as it should be.
pub struct RoleSpec<'a> {
    pub name: &'a str,
    /// The input the role's name derives from, named when a role of that name belongs to
    /// something else; `None` when no input names it (the name derives from an AWS id).
    pub property: Option<&'static str>,
    pub description: &'a str,
    pub principals: &'a [String],
    pub policy_name: &'a str,
    pub policy: J,
    pub tags: &'a BTreeMap<String, String>,
}

/// The role as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub arn: String,
    pub principals: Vec<String>,
    pub policy: Option<J>,
}

/// The services this provider's own roles trust, each passing `aws:SourceAccount` when it
/// assumes a role (EC2 flow logs, ECS tasks, RDS Enhanced Monitoring, and Lambda for a
/// function's execution role).
const GUARDED_SERVICES: [&str; 4] = [
    "vpc-flow-logs.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "lambda.amazonaws.com",
];

/// The trust policy letting `principals` assume the role: ARNs and account ids are AWS
/// principals, names ending in `.amazonaws.com` are service principals. A service may
/// assume the role only on behalf of `account` (the confused-deputy guard AWS recommends):
/// `aws:SourceAccount` must be `account` for the services this provider trusts itself, and
/// must be `account` whenever the service gives it for services a program names (not every
/// service gives it, and one that does not would otherwise be locked out).
pub fn trust_policy(principals: &[String], account: &str) -> J {
    let (services, aws): (Vec<&String>, Vec<&String>) = principals
        .iter()
        .partition(|p| p.ends_with(".amazonaws.com"));
    let mut statements = Vec::new();
    if !aws.is_empty() {
        statements.push(
            json!({"Effect": "Allow", "Principal": {"AWS": aws}, "Action": "sts:AssumeRole"}),
        );
    }
    let (guarded, named): (Vec<&String>, Vec<&String>) = services
        .into_iter()
        .partition(|s| GUARDED_SERVICES.contains(&s.as_str()));
    for (list, test) in [(guarded, "StringEquals"), (named, "StringEqualsIfExists")] {
        if !list.is_empty() {
            statements.push(json!({
                "Effect": "Allow",
                "Principal": {"Service": list},
                "Action": "sts:AssumeRole",
                "Condition": {test: {"aws:SourceAccount": account}},
            }));
        }
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn principals_of(trust: &J) -> Vec<String> {
    let mut out = Vec::new();
    for statement in trust["Statement"].as_array().into_iter().flatten() {
        for kind in ["AWS", "Service"] {
            match &statement["Principal"][kind] {
                J::String(p) => out.push(p.clone()),
                J::Array(ps) => out.extend(ps.iter().filter_map(J::as_str).map(String::from)),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

/// IAM returns policy documents URL-encoded.
fn decode_document(doc: &str) -> Result<J> {
    let text = percent_encoding::percent_decode_str(doc).decode_utf8_lossy();
    serde_json::from_str(&text).map_err(|source| Error::Json {
        what: "a policy document IAM returned",
        source,
    })
}

fn iam_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build().map_err(Error::from))
        .collect()
}

/// The role of this name, as GetRole answers; `None` when IAM does not know it.
async fn get_role(cx: &AwsContext, name: &str) -> Result<Option<aws_sdk_iam::types::Role>> {
    let got = found(
        "iam:GetRole",
        cx.iam().get_role().role_name(name).send().await,
        |e| e.is_no_such_entity_exception(),
    )?;
    Ok(got.and_then(|r| r.role))
}

fn tags_of(role: &aws_sdk_iam::types::Role) -> BTreeMap<String, String> {
    role.tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The refusal of a role of the spec's name that belongs to something else.
fn not_ours(spec: &RoleSpec<'_>) -> Error {
    let what = format!("an IAM role named {}", spec.name);
    match spec.property {
        Some(property) => Error::NotOwned { property, what },
        None => Error::Taken { what },
    }
}

/// Creates the role, or brings one this URN already owns to the spec. Then reads the role
/// and its policy back until IAM knows them, so that the state read which follows does not
/// take a role made a moment ago for a missing one.
pub async fn ensure_role(cx: &AwsContext, ctx: &Ctx, spec: &RoleSpec<'_>) -> Result<String> {
    let trust = trust_policy(spec.principals, cx.account().await?);
    ensure_role_trusting(cx, ctx, spec, &trust).await
}

/// [`ensure_role`] with a trust policy of the caller's own (`spec.principals` unused).
pub async fn ensure_role_trusting(
    cx: &AwsContext,
    ctx: &Ctx,
    spec: &RoleSpec<'_>,
    trust: &J,
) -> Result<String> {
    let trust = trust.to_string();
    let what_role = format!("IAM role {}", spec.name);
    let arn = match get_role(cx, spec.name).await? {
        Some(role) => {
            if !may_take(
                ctx,
                &[spec.name, role.arn()],
                role.tags().iter().map(|t| (t.key(), t.value())),
            ) {
                return Err(not_ours(spec));
            }
            bring(cx, ctx, spec, &trust, role).await?
        }
        None => {
            let tags = iam_tags(spec.tags)?;
            // Refused as existing: a send whose answer was lost, or a GetRole that lagged a
            // role made a moment ago (taken only when it carries this URN), or a name IAM
            // still holds a moment after the role's delete (made again).
            let made = create_or_take(
                ctx,
                &what_role,
                || {
                    settle(ctx, &what_role, &[&NEW_ROLE], || async {
                        found(
                            "iam:CreateRole",
                            cx.iam()
                                .create_role()
                                .role_name(spec.name)
                                .description(spec.description)
                                .assume_role_policy_document(&trust)
                                .set_tags(Some(tags.clone()))
                                .send()
                                .await,
                            |e| e.is_entity_already_exists_exception(),
                        )
                    })
                },
                || get_role(cx, spec.name),
                tags_of,
                |role| vec![spec.name.to_string(), role.arn().to_string()],
                || not_ours(spec),
            )
            .await?;
            match made {
                Made::Created(created) => {
                    created
                        .role
                        .map(|r| r.arn)
                        .ok_or_else(|| Error::Incomplete {
                            operation: "iam:CreateRole",
                            missing: "the role",
                        })?
                }
                Made::Taken(role) => bring(cx, ctx, spec, &trust, role).await?,
            }
        }
    };
    // IAM itself may not know a role made a moment ago.
    let policy = spec.policy.to_string();
    settle(ctx, &what_role, &[&NEW_IAM_ENTITY], || async {
        cx.iam()
            .put_role_policy()
            .role_name(spec.name)
            .policy_name(spec.policy_name)
            .policy_document(&policy)
            .send()
            .await
            .map_err(|e| Error::aws("iam:PutRolePolicy", e))
    })
    .await?;
    // Read back: GetRole and GetRolePolicy answer NoSuchEntity for a moment after the role
    // and its policy were made. Both exist now, so that answer is IAM's lag.
    settle(ctx, &what_role, &[&NEW_IAM_ENTITY], || {
        known(cx, spec.name, spec.policy_name)
    })
    .await?;
    Ok(arn)
}

/// Brings a role this URN owns to the spec: its trust policy and its tags.
async fn bring(
    cx: &AwsContext,
    ctx: &Ctx,
    spec: &RoleSpec<'_>,
    trust: &str,
    role: aws_sdk_iam::types::Role,
) -> Result<String> {
    let what_role = format!("IAM role {}", spec.name);
    // A principal that is a role made a moment ago is refused until it propagates.
    settle(ctx, &what_role, &[&NEW_ROLE], || async {
        cx.iam()
            .update_assume_role_policy()
            .role_name(spec.name)
            .policy_document(trust)
            .send()
            .await
            .map_err(|e| Error::aws("iam:UpdateAssumeRolePolicy", e))
    })
    .await?;
    let tags = iam_tags(spec.tags)?;
    settle(ctx, &what_role, &[&NEW_IAM_ENTITY], || async {
        cx.iam()
            .tag_role()
            .role_name(spec.name)
            .set_tags(Some(tags.clone()))
            .send()
            .await
            .map_err(|e| Error::aws("iam:TagRole", e))
    })
    .await?;
    Ok(role.arn)
}

/// Succeeds once IAM knows the role and its policy: GetRole and GetRolePolicy fail with
/// IAM's `NoSuchEntity` until then (for a role that must exist).
async fn known(cx: &AwsContext, name: &str, policy_name: &str) -> Result<()> {
    cx.iam()
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| Error::aws("iam:GetRole", e))?;
    cx.iam()
        .get_role_policy()
        .role_name(name)
        .policy_name(policy_name)
        .send()
        .await
        .map_err(|e| Error::aws("iam:GetRolePolicy", e))?;
    Ok(())
}

/// Reads a role and its inline policy; `None` when the role is gone. For refresh, where IAM's
/// `NoSuchEntity` means gone; [`ensure_role`] has read the role back before this read follows
/// it.
pub async fn read_role(cx: &AwsContext, name: &str, policy_name: &str) -> Result<Option<Role>> {
    let Some(role) = get_role(cx, name).await? else {
        return Ok(None);
    };
    let trust = match role.assume_role_policy_document() {
        Some(doc) => decode_document(doc)?,
        None => J::Null,
    };
    let policy = found(
        "iam:GetRolePolicy",
        cx.iam()
            .get_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .send()
            .await,
        |e| e.is_no_such_entity_exception(),
    )?;
    let policy = match policy {
        Some(p) => Some(decode_document(p.policy_document())?),
        None => None,
    };
    Ok(Some(Role {
        arn: role.arn,
        principals: principals_of(&trust),
        policy,
    }))
}

/// The role's tags, or `None` when IAM does not know the role.
pub async fn role_tags(cx: &AwsContext, name: &str) -> Result<Option<BTreeMap<String, String>>> {
    Ok(get_role(cx, name).await?.as_ref().map(tags_of))
}

/// The ARNs of the managed policies attached to the role (none when it is gone).
pub async fn attached(cx: &AwsContext, name: &str) -> Result<Vec<String>> {
    let listed = found(
        "iam:ListAttachedRolePolicies",
        cx.iam()
            .list_attached_role_policies()
            .role_name(name)
            .send()
            .await,
        |e| e.is_no_such_entity_exception(),
    )?;
    Ok(listed
        .map(|l| {
            l.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

/// Attaches a managed policy to a role [`ensure_role`] made (IAM may not know the role yet
/// for a moment); attaching one already attached changes nothing.
pub async fn attach(cx: &AwsContext, ctx: &Ctx, name: &str, policy_arn: &str) -> Result<()> {
    settle(
        ctx,
        &format!("IAM role {name}"),
        &[&NEW_IAM_ENTITY],
        || async {
            cx.iam()
                .attach_role_policy()
                .role_name(name)
                .policy_arn(policy_arn)
                .send()
                .await
                .map_err(|e| Error::aws("iam:AttachRolePolicy", e))
        },
    )
    .await?;
    Ok(())
}

/// Deletes the role's inline policy, detaches its managed policies and deletes the role;
/// what is already gone is fine. IAM refuses to delete a role for a moment after its
/// policy went (DeleteConflict).
pub async fn delete_role(cx: &AwsContext, ctx: &Ctx, name: &str, policy_name: &str) -> Result<()> {
    for policy_arn in attached(cx, name).await? {
        found(
            "iam:DetachRolePolicy",
            cx.iam()
                .detach_role_policy()
                .role_name(name)
                .policy_arn(&policy_arn)
                .send()
                .await,
            |e| e.is_no_such_entity_exception(),
        )?;
    }
    found(
        "iam:DeleteRolePolicy",
        cx.iam()
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .send()
            .await,
        |e| e.is_no_such_entity_exception(),
    )?;
    settle(
        ctx,
        &format!("deleting IAM role {name}"),
        &[&IN_USE],
        || async {
            found(
                "iam:DeleteRole",
                cx.iam().delete_role().role_name(name).send().await,
                |e| e.is_no_such_entity_exception(),
            )
            .map(|_| ())
        },
    )
    .await
}

#[cfg(test)]
#[path = "iam_tests.rs"]
mod tests;

/// The ARN of `service`'s service-linked role (`config.amazonaws.com`), made when the account
/// has none yet. It is found by its path, which AWS fixes for each service's linked role. It
/// is the account's, shared by every region and every stack: nothing deletes it.
pub async fn ensure_linked_role(
    cx: &AwsContext,
    ctx: &Ctx,
    service: &str,
    what: &str,
) -> Result<String> {
    if let Some(arn) = linked_role(cx, service).await? {
        return Ok(arn);
    }
    ctx.status(format!("creating {what}")).await;
    let made = cx
        .iam()
        .create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await;
    match made {
        Ok(made) => made.role.map(|r| r.arn).ok_or(Error::Incomplete {
            operation: "iam:CreateServiceLinkedRole",
            missing: "the role",
        }),
        // Made meanwhile by someone else (or the list lagged): it is there now.
        Err(e) if matches!(e.code(), Some("InvalidInput" | "EntityAlreadyExists")) => {
            let why = Error::aws("iam:CreateServiceLinkedRole", e).to_string();
            // IAM's lists can lag a role made seconds ago (by another region's baseline).
            let waiting = format!("{what} to be listed");
            wait::until(ctx, &waiting, Backoff::default(), || async {
                Ok(match linked_role(cx, service).await? {
                    Some(arn) => Poll::Ready(arn),
                    None => Poll::Unseen(Error::Unexpected(why.clone())),
                })
            })
            .await
        }
        Err(e) => Err(Error::aws("iam:CreateServiceLinkedRole", e)),
    }
}

/// `service`'s service-linked role, if the account has it.
pub async fn linked_role(cx: &AwsContext, service: &str) -> Result<Option<String>> {
    let listed = cx
        .iam()
        .list_roles()
        .path_prefix(format!("/aws-service-role/{service}/"))
        .send()
        .await
        .map_err(|e| Error::aws("iam:ListRoles", e))?;
    Ok(listed.roles().first().map(|r| r.arn().to_string()))
}
