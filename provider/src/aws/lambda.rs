//! Lambda functions a resource owns (the AUTH token's rotation): made from code the plugin
//! carries, brought back to it when changed, found again by name and owned by tag.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    Environment, FunctionCode, FunctionConfiguration, LastUpdateStatus, Runtime, State,
};
use pulumi_provider::Ctx;
use sha2::{Digest, Sha256};

use super::AwsContext;
use super::exists::{Made, create_or_take};
use super::lag::{BUSY, NEW_NAMED, NEW_ROLE, settle};
use super::tags::may_take;
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};

/// The function as it should be.
pub struct FunctionSpec<'a> {
    pub name: &'a str,
    /// The input the name derives from, named when a function of that name is another's.
    pub property: &'static str,
    pub description: &'a str,
    pub role_arn: &'a str,
    /// `module.function` of the code.
    pub handler: &'a str,
    pub runtime: &'a str,
    /// The deployment package (a zip).
    pub package: &'a [u8],
    pub environment: BTreeMap<String, String>,
    pub timeout_seconds: i32,
    pub tags: &'a BTreeMap<String, String>,
}

/// The function as Lambda has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionView {
    pub arn: String,
    pub role: String,
    pub handler: String,
    pub runtime: String,
    pub code_sha256: String,
    pub environment: BTreeMap<String, String>,
    pub timeout_seconds: i32,
    pub tags: BTreeMap<String, String>,
    /// `Pending`, `Active`, `Failed`... with AWS's reason when it gives one.
    pub state: String,
    pub state_reason: String,
    /// `InProgress` while a change is applied, `Failed` with its reason.
    pub update_status: String,
    pub update_reason: String,
}

/// Lambda's `CodeSha256` of a package: base64 of its SHA-256.
pub fn code_sha256(package: &[u8]) -> String {
    aws_smithy_types::base64::encode(Sha256::digest(package))
}

/// The function of this name; `None` when Lambda does not know it.
pub async fn describe(cx: &AwsContext, name: &str) -> Result<Option<FunctionView>> {
    let got = found(
        "lambda:GetFunction",
        cx.lambda().get_function().function_name(name).send().await,
        |e| e.is_resource_not_found_exception(),
    )?;
    Ok(got.map(|g| {
        let c = g.configuration();
        let text = |f: fn(&FunctionConfiguration) -> Option<&str>| {
            c.and_then(f).unwrap_or_default().to_string()
        };
        FunctionView {
            arn: text(|c| c.function_arn()),
            role: text(|c| c.role()),
            handler: text(|c| c.handler()),
            runtime: text(|c| c.runtime().map(|r| r.as_str())),
            code_sha256: text(|c| c.code_sha256()),
            environment: c
                .and_then(|c| c.environment())
                .and_then(|e| e.variables())
                .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            timeout_seconds: c.and_then(|c| c.timeout()).unwrap_or_default(),
            tags: g
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            state: text(|c| c.state().map(|s| s.as_str())),
            state_reason: text(|c| c.state_reason()),
            update_status: text(|c| c.last_update_status().map(|s| s.as_str())),
            update_reason: text(|c| c.last_update_status_reason()),
        }
    }))
}

fn not_ours(spec: &FunctionSpec<'_>) -> Error {
    Error::NotOwned {
        property: spec.property,
        what: format!("a Lambda function named {}", spec.name),
    }
}

/// Creates the function, or brings one this URN owns to the spec; returns its ARN once
/// Lambda says it is `Active` with no change in progress.
pub async fn ensure(cx: &AwsContext, ctx: &Ctx, spec: &FunctionSpec<'_>) -> Result<String> {
    let what = format!("Lambda function {}", spec.name);
    let have = match describe(cx, spec.name).await? {
        Some(f) => Some(f),
        // Refused as existing: a send whose answer was lost, or a read that lagged a
        // function just made (taken only when it carries this URN), or a name Lambda still
        // holds a moment after the function's delete (made again).
        None => match create_or_take(
            ctx,
            &what,
            || create(cx, ctx, spec),
            || describe(cx, spec.name),
            |f| f.tags.clone(),
            |f| vec![spec.name.to_string(), f.arn.clone()],
            || not_ours(spec),
        )
        .await?
        {
            Made::Created(()) => None,
            Made::Taken(f) => Some(f),
        },
    };
    if let Some(f) = have {
        let names = [spec.name, f.arn.as_str()];
        if !may_take(
            ctx,
            &names,
            f.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ) {
            return Err(not_ours(spec));
        }
        bring(cx, ctx, spec, &f).await?;
    }
    let f = settled(cx, ctx, spec.name).await?;
    Ok(f.arn)
}

/// CreateFunction; `None` when a function of that name exists already. A role made a
/// moment ago is refused until Lambda can assume it.
async fn create(cx: &AwsContext, ctx: &Ctx, spec: &FunctionSpec<'_>) -> Result<Option<()>> {
    let what = format!("Lambda function {}", spec.name);
    ctx.status(format!("creating {what}")).await;
    let tags: HashMap<String, String> = spec.tags.clone().into_iter().collect();
    let req = cx
        .lambda()
        .create_function()
        .function_name(spec.name)
        .description(spec.description)
        .role(spec.role_arn)
        .handler(spec.handler)
        .runtime(Runtime::from(spec.runtime))
        .timeout(spec.timeout_seconds)
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(spec.package))
                .build(),
        )
        .environment(environment(spec))
        .set_tags(Some(tags));
    let made = settle(ctx, &what, &[&NEW_ROLE], || {
        let req = req.clone();
        async move {
            found("lambda:CreateFunction", req.send().await, |e| {
                e.is_resource_conflict_exception()
            })
        }
    })
    .await?;
    Ok(made.map(|_| ()))
}

fn environment(spec: &FunctionSpec<'_>) -> Environment {
    Environment::builder()
        .set_variables(Some(spec.environment.clone().into_iter().collect()))
        .build()
}

/// Brings an existing function's code, configuration and tags to the spec.
async fn bring(
    cx: &AwsContext,
    ctx: &Ctx,
    spec: &FunctionSpec<'_>,
    f: &FunctionView,
) -> Result<()> {
    let what = format!("Lambda function {}", spec.name);
    if f.code_sha256 != code_sha256(spec.package) {
        ctx.status(format!("updating the code of {what}")).await;
        settled(cx, ctx, spec.name).await?;
        let req = cx
            .lambda()
            .update_function_code()
            .function_name(spec.name)
            .zip_file(Blob::new(spec.package));
        settle(
            ctx,
            &what,
            &[&BUSY],
            super::lag::resend!(req, "lambda:UpdateFunctionCode"),
        )
        .await?;
    }
    let configured = f.role == spec.role_arn
        && f.handler == spec.handler
        && f.runtime == spec.runtime
        && f.timeout_seconds == spec.timeout_seconds
        && f.environment == spec.environment;
    if !configured {
        ctx.status(format!("updating the configuration of {what}"))
            .await;
        settled(cx, ctx, spec.name).await?;
        let req = cx
            .lambda()
            .update_function_configuration()
            .function_name(spec.name)
            .description(spec.description)
            .role(spec.role_arn)
            .handler(spec.handler)
            .runtime(Runtime::from(spec.runtime))
            .timeout(spec.timeout_seconds)
            .environment(environment(spec));
        settle(
            ctx,
            &what,
            &[&NEW_ROLE, &BUSY],
            super::lag::resend!(req, "lambda:UpdateFunctionConfiguration"),
        )
        .await?;
    }
    if spec.tags.iter().any(|(k, v)| f.tags.get(k) != Some(v)) {
        let req = cx
            .lambda()
            .tag_resource()
            .resource(&f.arn)
            .set_tags(Some(spec.tags.clone().into_iter().collect()));
        settle(
            ctx,
            &what,
            &[&BUSY],
            super::lag::resend!(req, "lambda:TagResource"),
        )
        .await?;
    }
    Ok(())
}

/// The function once `Active` with no change in progress; a `Failed` state or update ends
/// the wait with Lambda's reason. Not found right after a create is Lambda's lag.
async fn settled(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<FunctionView> {
    let what = format!("Lambda function {name} to be Active");
    wait::until(ctx, &what, Backoff::default(), || async {
        let Some(f) = describe(cx, name).await? else {
            return Ok(Poll::Unseen(Error::Vanished {
                what: format!("Lambda function {name}"),
                when: "vanished right after it was made",
            }));
        };
        if f.state == State::Failed.as_str() || f.update_status == LastUpdateStatus::Failed.as_str()
        {
            let reason = if f.state_reason.is_empty() {
                &f.update_reason
            } else {
                &f.state_reason
            };
            return Err(Error::Failed {
                what: format!("Lambda function {name}"),
                reason: reason.clone(),
            });
        }
        let busy = f.state != State::Active.as_str()
            || f.update_status == LastUpdateStatus::InProgress.as_str();
        Ok(if busy {
            Poll::Pending(format!("{} {}", f.state, f.update_status))
        } else {
            Poll::Ready(f)
        })
    })
    .await
}

/// Lets `service` invoke the function for `source_arn` in `account` only (statement `sid`).
/// A statement of that id already in place is left as it is when it says the same.
pub async fn allow_invoke(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    sid: &str,
    service: &str,
    source_arn: &str,
    account: &str,
) -> Result<()> {
    let what = format!("Lambda function {name}");
    let policy = settle(ctx, &what, &[&NEW_NAMED], || async {
        found(
            "lambda:GetPolicy",
            cx.lambda().get_policy().function_name(name).send().await,
            |e| e.is_resource_not_found_exception(),
        )
    })
    .await?;
    let doc: serde_json::Value = policy
        .and_then(|p| p.policy().map(String::from))
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default();
    let statement = doc["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["Sid"] == sid);
    if let Some(s) = statement {
        let text = s.to_string();
        if text.contains(service) && text.contains(source_arn) && text.contains(account) {
            return Ok(());
        }
        cx.lambda()
            .remove_permission()
            .function_name(name)
            .statement_id(sid)
            .send()
            .await
            .map_err(|e| Error::aws("lambda:RemovePermission", e))?;
    }
    let req = cx
        .lambda()
        .add_permission()
        .function_name(name)
        .statement_id(sid)
        .action("lambda:InvokeFunction")
        .principal(service)
        .source_arn(source_arn)
        .source_account(account);
    // The function is at rest (`ensure` waited): a conflict is the statement, added by a
    // send whose answer was lost.
    settle(ctx, &what, &[&NEW_NAMED], || {
        let req = req.clone();
        async move {
            found("lambda:AddPermission", req.send().await, |e| {
                e.is_resource_conflict_exception()
            })
        }
    })
    .await?;
    Ok(())
}

/// Deletes the function; one already gone is fine.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    settle(
        ctx,
        &format!("Lambda function {name}"),
        &[&BUSY],
        || async {
            found(
                "lambda:DeleteFunction",
                cx.lambda()
                    .delete_function()
                    .function_name(name)
                    .send()
                    .await,
                |e| e.is_resource_not_found_exception(),
            )
        },
    )
    .await?;
    Ok(())
}
