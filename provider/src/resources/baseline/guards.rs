//! The region's intrusion detection and posture checks: the GuardDuty detector and Security
//! Hub with its standards.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_guardduty::types::{DetectorStatus, FindingPublishingFrequency};
use aws_sdk_securityhub::error::ProvideErrorMetadata;
use aws_sdk_securityhub::types::StandardsSubscriptionRequest;
use pulumi_provider::Ctx;

use crate::aws::AwsContext;
use crate::aws::lag::{Lag, NEW_SUBSCRIPTION, resend, settle};
use crate::aws::token;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};
use crate::resources::postgres::settling;

/// The region's GuardDuty detector: its id and whether it is enabled.
pub async fn detector(cx: &AwsContext) -> Result<Option<(String, bool)>> {
    let gd = cx.guardduty();
    let listed = gd
        .list_detectors()
        .send()
        .await
        .map_err(|e| Error::aws("guardduty:ListDetectors", e))?;
    let Some(id) = listed.detector_ids().first() else {
        return Ok(None);
    };
    let got = gd
        .get_detector()
        .detector_id(id)
        .send()
        .await
        .map_err(|e| Error::aws("guardduty:GetDetector", e))?;
    Ok(Some((
        id.clone(),
        got.status() == Some(&DetectorStatus::Enabled),
    )))
}

/// Enables the detector `existing`, or makes one (the token makes a second send of the same
/// create return the first detector).
pub async fn ensure_detector(
    cx: &AwsContext,
    ctx: &Ctx,
    existing: Option<&str>,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let gd = cx.guardduty();
    if let Some(id) = existing {
        gd.update_detector()
            .detector_id(id)
            .enable(true)
            .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
            .send()
            .await
            .map_err(|e| Error::aws("guardduty:UpdateDetector", e))?;
        return Ok(id.to_string());
    }
    ctx.status("enabling GuardDuty").await;
    // A token for this operation only: a detector made again after the baseline deleted one
    // must not be answered with the deleted one's id. GuardDuty keeps one detector per
    // Region: its refusal of a second means an earlier attempt made it, and ListDetectors,
    // which may lag it, finds it.
    let token = token::fresh(&[ctx.urn(), "guardduty"]);
    wait::until(
        ctx,
        "the GuardDuty detector, refused as existing, to be listed",
        Backoff::default(),
        || async {
            let made = found(
                "guardduty:CreateDetector",
                gd.create_detector()
                    .enable(true)
                    .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
                    .client_token(&token)
                    .set_tags(Some(tags.clone().into_iter().collect()))
                    .send()
                    .await,
                |e| {
                    e.code() == Some("BadRequestException")
                        && e.message().is_some_and(|m| m.contains("already exists"))
                },
            )?;
            if let Some(made) = made {
                return made.detector_id.map(Poll::Ready).ok_or(Error::Incomplete {
                    operation: "guardduty:CreateDetector",
                    missing: "the detector id",
                });
            }
            Ok(match detector(cx).await? {
                Some((id, _)) => Poll::Ready(id),
                None => Poll::Unseen(Error::Vanished {
                    what: "the GuardDuty detector".into(),
                    when: "was refused as existing, then not found",
                }),
            })
        },
    )
    .await
}

pub async fn delete_detector(cx: &AwsContext, ctx: &Ctx, id: &str) -> Result<()> {
    ctx.status(format!("deleting GuardDuty detector {id}"))
        .await;
    found(
        "guardduty:DeleteDetector",
        cx.guardduty()
            .delete_detector()
            .detector_id(id)
            .send()
            .await,
        |e| e.code() == Some("BadRequestException"),
    )?;
    Ok(())
}

/// Security Hub's ARN when it is enabled in the region.
pub async fn hub(cx: &AwsContext) -> Result<Option<String>> {
    let described = found(
        "securityhub:DescribeHub",
        cx.securityhub().describe_hub().send().await,
        |e| {
            matches!(
                e.code(),
                Some("InvalidAccessException" | "ResourceNotFoundException")
            )
        },
    )?;
    Ok(described.and_then(|h| h.hub_arn))
}

/// The ARN of a standard from its path (`nist-800-53/v/5.0.0`). CIS 1.2.0 predates the
/// regional `standards/` ARNs and keeps its global `ruleset/` one.
pub fn standard_arn(cx: &AwsContext, path: &str) -> String {
    if path == "cis-aws-foundations-benchmark/v/1.2.0" {
        format!("arn:{}:securityhub:::ruleset/{path}", cx.partition)
    } else {
        format!(
            "arn:{}:securityhub:{}::standards/{path}",
            cx.partition, cx.region
        )
    }
}

/// The path of a standard from its ARN.
pub fn standard_path(arn: &str) -> String {
    arn.split_once(":standards/")
        .or_else(|| arn.split_once(":ruleset/"))
        .map_or(arn, |(_, path)| path)
        .to_string()
}

/// A standard's subscription as Security Hub lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscribed {
    pub arn: String,
    /// `PENDING`, `READY`, `FAILED`, `DELETING` or `INCOMPLETE`.
    pub status: String,
    /// Security Hub's reason for a `FAILED` or `INCOMPLETE` status.
    pub reason: Option<String>,
}

/// The enabled standards: each one's ARN and its subscription.
pub async fn enabled_standards(cx: &AwsContext) -> Result<BTreeMap<String, Subscribed>> {
    let mut out = BTreeMap::new();
    let mut next = None;
    loop {
        let page = cx
            .securityhub()
            .get_enabled_standards()
            .set_next_token(next)
            .send()
            .await
            .map_err(|e| Error::aws("securityhub:GetEnabledStandards", e))?;
        for s in page.standards_subscriptions() {
            if let (Some(arn), Some(sub)) = (s.standards_arn(), s.standards_subscription_arn()) {
                let status = s.standards_status().map(|v| v.as_str().to_string());
                let reason = s
                    .standards_status_reason()
                    .and_then(|r| r.status_reason_code())
                    .map(|c| c.as_str().to_string());
                out.insert(
                    arn.to_string(),
                    Subscribed {
                        arn: sub.to_string(),
                        status: status.unwrap_or_default(),
                        reason,
                    },
                );
            }
        }
        next = page.next_token;
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Enables Security Hub (unless `enabled`) without AWS's default standards, then enables
/// each standard of `paths` not yet enabled. When `exact` (a hub this baseline made), the
/// standards not named are disabled.
pub async fn ensure_hub(
    cx: &AwsContext,
    ctx: &Ctx,
    enabled: bool,
    paths: &[String],
    exact: bool,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let hub_client = cx.securityhub();
    if !enabled {
        ctx.status("enabling Security Hub").await;
        match hub_client
            .enable_security_hub()
            .enable_default_standards(false)
            .set_tags(Some(tags.clone().into_iter().collect()))
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if e.code() == Some("ResourceConflictException") => {}
            Err(e) => return Err(Error::aws("securityhub:EnableSecurityHub", e)),
        }
    }
    let have = settle(
        ctx,
        "Security Hub standards",
        if enabled { &[] } else { &[&NEW_SUBSCRIPTION] },
        || enabled_standards(cx),
    )
    .await?;
    let wanted: BTreeSet<String> = paths.iter().map(|p| standard_arn(cx, p)).collect();
    let requests = wanted
        .iter()
        .filter(|arn| !have.contains_key(*arn))
        .map(|arn| {
            StandardsSubscriptionRequest::builder()
                .standards_arn(arn)
                .build()
        })
        .collect::<Vec<_>>();
    if !requests.is_empty() {
        // A hub enabled a moment ago may still answer that the account is not subscribed.
        let lags: &[&Lag] = if enabled { &[] } else { &[&NEW_SUBSCRIPTION] };
        settle(
            ctx,
            "Security Hub standards",
            lags,
            resend!(
                hub_client
                    .batch_enable_standards()
                    .set_standards_subscription_requests(Some(requests.clone())),
                "securityhub:BatchEnableStandards"
            ),
        )
        .await?;
    }
    let extra: Vec<String> = have
        .iter()
        .filter(|(arn, _)| exact && !wanted.contains(*arn))
        .map(|(_, sub)| sub.arn.clone())
        .collect();
    let changed = !requests.is_empty() || !extra.is_empty();
    if !extra.is_empty() {
        hub_client
            .batch_disable_standards()
            .set_standards_subscription_arns(Some(extra))
            .send()
            .await
            .map_err(|e| Error::aws("securityhub:BatchDisableStandards", e))?;
    }
    if changed {
        let label = "Security Hub standards to be ready";
        wait::until(ctx, label, Backoff::default(), || async {
            standards_settled(&enabled_standards(cx).await?, &wanted, exact)
        })
        .await?;
    }
    // A hub enabled a moment ago may still read as not enabled.
    settling::until_seen(
        ctx,
        "Security Hub",
        || settling::vanished("Security Hub", "was not enabled after EnableSecurityHub"),
        || hub(cx),
    )
    .await
}

/// Whether the standards have left their transitional states: each of `wanted` `READY` (or
/// `INCOMPLETE`: some controls could not be enabled, which Security Hub reports on the
/// controls), and, when `exact`, no other still listed (`DELETING`). `FAILED` ends the wait
/// with Security Hub's reason. A standard just enabled that is not listed yet is AWS's lag.
pub fn standards_settled(
    now: &BTreeMap<String, Subscribed>,
    wanted: &BTreeSet<String>,
    exact: bool,
) -> Result<Poll<()>> {
    for arn in wanted {
        match now.get(arn) {
            Some(s) if s.status == "FAILED" => {
                return Err(Error::Failed {
                    what: format!("Security Hub standard {}", standard_path(arn)),
                    reason: format!(
                        "Security Hub reports it FAILED ({})",
                        s.reason.as_deref().unwrap_or("no reason given")
                    ),
                });
            }
            Some(s) if s.status == "READY" || s.status == "INCOMPLETE" => {}
            Some(s) => {
                return Ok(Poll::Pending(format!(
                    "{} {}",
                    standard_path(arn),
                    s.status
                )));
            }
            None => {
                return Ok(Poll::Unseen(Error::Vanished {
                    what: format!("Security Hub standard {}", standard_path(arn)),
                    when: "was not listed after BatchEnableStandards",
                }));
            }
        }
    }
    if let Some(arn) = now.keys().find(|arn| exact && !wanted.contains(*arn)) {
        return Ok(Poll::Pending(format!("{} DELETING", standard_path(arn))));
    }
    Ok(Poll::Ready(()))
}

pub async fn disable_hub(cx: &AwsContext, ctx: &Ctx) -> Result<()> {
    ctx.status("disabling Security Hub").await;
    found(
        "securityhub:DisableSecurityHub",
        cx.securityhub().disable_security_hub().send().await,
        |e| {
            matches!(
                e.code(),
                Some("InvalidAccessException" | "ResourceNotFoundException")
            )
        },
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "guards_tests.rs"]
mod tests;
