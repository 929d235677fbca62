//! The CloudTrail trail: every region, global service events, validated log files,
//! encrypted with the baseline's key, delivered to the bucket and to CloudWatch Logs.

use std::collections::BTreeMap;

use aws_sdk_cloudtrail::error::ProvideErrorMetadata;
use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType, Tag};
use pulumi_provider::Ctx;

use super::args::{BaselineArgs, Names};
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_GRANTS, NEW_KEY_ELSEWHERE, NEW_NAMED, NEW_ROLE, resend, settle};
use crate::aws::tags::claim;
use crate::error::{Error, Result, found};

/// The trail as CloudTrail reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trail {
    pub arn: String,
    pub bucket: String,
    pub multi_region: bool,
    pub global_events: bool,
    pub validation: bool,
    pub kms_key: Option<String>,
    pub log_group_arn: Option<String>,
    pub logging: bool,
    /// Management events, read and write, are recorded.
    pub management: bool,
    /// S3 object-level events of every bucket are recorded.
    pub s3_data: bool,
    pub tags: BTreeMap<String, String>,
}

fn not_found<E: ProvideErrorMetadata>(e: &E) -> bool {
    e.code() == Some("TrailNotFoundException")
}

/// The trail named `name`, or `None`.
pub async fn describe(cx: &AwsContext, name: &str) -> Result<Option<Trail>> {
    let ct = cx.cloudtrail();
    let Some(got) = found(
        "cloudtrail:GetTrail",
        ct.get_trail().name(name).send().await,
        not_found,
    )?
    else {
        return Ok(None);
    };
    let Some(t) = got.trail else { return Ok(None) };
    let arn = t.trail_arn.clone().unwrap_or_default();
    let (status, selectors, tags) = futures::join!(
        ct.get_trail_status().name(name).send(),
        ct.get_event_selectors().trail_name(name).send(),
        ct.list_tags().resource_id_list(&arn).send(),
    );
    let logging = found("cloudtrail:GetTrailStatus", status, not_found)?
        .and_then(|s| s.is_logging)
        .unwrap_or(false);
    let selectors = found("cloudtrail:GetEventSelectors", selectors, not_found)?;
    let selectors = selectors
        .map(|s| s.event_selectors.unwrap_or_default())
        .unwrap_or_default();
    let management = selectors.iter().any(|s| {
        s.include_management_events == Some(true) && s.read_write_type == Some(ReadWriteType::All)
    });
    let all_buckets = format!("arn:{}:s3", cx.partition);
    let s3_data = selectors.iter().any(|s| {
        s.read_write_type == Some(ReadWriteType::All)
            && s.data_resources().iter().any(|d| {
                d.r#type() == Some("AWS::S3::Object")
                    && d.values()
                        .iter()
                        .any(|v| v.trim_end_matches(":::") == all_buckets)
            })
    });
    let tags = found("cloudtrail:ListTags", tags, not_found)?
        .map(|l| {
            l.resource_tag_list()
                .iter()
                .flat_map(|r| r.tags_list())
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(Trail {
        arn,
        bucket: t.s3_bucket_name.unwrap_or_default(),
        multi_region: t.is_multi_region_trail == Some(true),
        global_events: t.include_global_service_events == Some(true),
        validation: t.log_file_validation_enabled == Some(true),
        kms_key: t.kms_key_id,
        log_group_arn: t.cloud_watch_logs_log_group_arn,
        logging,
        management,
        s3_data,
        tags,
    }))
}

/// The account's other trails that record this region, in words (name, scope, home region,
/// bucket): a multi-region trail made in any region, an organization's trail, or one of this
/// region. The baseline leaves them as they are; a second trail's copy of management events
/// is billed (CloudTrail delivers the first copy free), so the create names them.
pub async fn others(cx: &AwsContext, name: &str) -> Result<Vec<String>> {
    let found = cx
        .cloudtrail()
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| Error::aws("cloudtrail:DescribeTrails", e))?;
    let mut others: Vec<String> = found
        .trail_list()
        .iter()
        .filter(|t| t.name() != Some(name))
        .map(|t| {
            let scope = match (t.is_organization_trail(), t.is_multi_region_trail()) {
                (Some(true), _) => "the organization's, every region",
                (_, Some(true)) => "every region",
                _ => "this region only",
            };
            format!(
                "{} ({scope}; home region {}; to bucket {})",
                t.name().unwrap_or("?"),
                t.home_region().unwrap_or("?"),
                t.s3_bucket_name().unwrap_or("?")
            )
        })
        .collect();
    others.sort();
    Ok(others)
}

/// The trail's settings, given where it delivers.
pub struct Delivery<'a> {
    pub key_arn: &'a str,
    pub log_group_arn: &'a str,
    pub role_arn: &'a str,
}

/// Makes the trail or brings the one this resource owns to its settings, then starts it.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &BaselineArgs,
    names: &Names,
    d: &Delivery<'_>,
    tags: &BTreeMap<String, String>,
) -> Result<String> {
    let name = &names.trail;
    let ct = cx.cloudtrail();
    let what = format!("CloudTrail trail {name}");
    let group = format!("{}:*", d.log_group_arn);
    let lags = [&NEW_GRANTS, &NEW_ROLE, &NEW_KEY_ELSEWHERE];
    // The settings a trail is made with and brought back to (CreateTrail and UpdateTrail take
    // the same fields on builders of two types).
    macro_rules! settings {
        ($builder:expr) => {
            $builder
                .name(name)
                .s3_bucket_name(&names.bucket)
                .include_global_service_events(true)
                .is_multi_region_trail(true)
                .enable_log_file_validation(true)
                .kms_key_id(d.key_arn)
                .cloud_watch_logs_log_group_arn(&group)
                .cloud_watch_logs_role_arn(d.role_arn)
        };
    }
    let arn = match describe(cx, name).await? {
        Some(t) => {
            claim(ctx, &[name, &t.arn], &t.tags, "baselineName", || {
                format!("a CloudTrail trail named {name}")
            })?;
            let req = settings!(ct.update_trail());
            settle(ctx, &what, &lags, resend!(req, "cloudtrail:UpdateTrail")).await?;
            let tag_list = trail_tags(tags)?;
            settle(
                ctx,
                &what,
                &[],
                resend!(
                    ct.add_tags()
                        .resource_id(&t.arn)
                        .set_tags_list(Some(tag_list.clone())),
                    "cloudtrail:AddTags"
                ),
            )
            .await?;
            t.arn
        }
        None => {
            ctx.status(format!("creating {what}")).await;
            let req = settings!(ct.create_trail()).set_tags_list(Some(trail_tags(tags)?));
            match settle(ctx, &what, &lags, resend!(req, "cloudtrail:CreateTrail")).await {
                Ok(made) => made.trail_arn.ok_or(Error::Incomplete {
                    operation: "cloudtrail:CreateTrail",
                    missing: "the trail ARN",
                })?,
                // Made by a send whose answer was lost (or the read before it lagged): the
                // trail is taken only if it carries this URN.
                Err(Error::Aws { code, .. }) if code == "TrailAlreadyExistsException" => {
                    let t = settle(ctx, &what, &[&NEW_NAMED], || async {
                        describe(cx, name).await?.ok_or_else(|| Error::Aws {
                            operation: "cloudtrail:GetTrail",
                            message: format!("TrailNotFoundException: {name}"),
                            code: "TrailNotFoundException".into(),
                            throttled: false,
                            denied: false,
                        })
                    })
                    .await?;
                    claim(ctx, &[name, &t.arn], &t.tags, "baselineName", || {
                        format!("a CloudTrail trail named {name}")
                    })?;
                    t.arn
                }
                Err(e) => return Err(e),
            }
        }
    };
    let mut selector = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(true);
    if a.s3_data_events == Some(true) {
        selector = selector.data_resources(
            DataResource::builder()
                .r#type("AWS::S3::Object")
                .values(format!("arn:{}:s3", cx.partition))
                .build(),
        );
    }
    let selector = selector.build();
    settle(
        ctx,
        &what,
        &[&NEW_NAMED],
        resend!(
            ct.put_event_selectors()
                .trail_name(name)
                .event_selectors(selector.clone()),
            "cloudtrail:PutEventSelectors"
        ),
    )
    .await?;
    settle(
        ctx,
        &what,
        &[&NEW_NAMED],
        resend!(ct.start_logging().name(name), "cloudtrail:StartLogging"),
    )
    .await?;
    Ok(arn)
}

fn trail_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build().map_err(Error::from))
        .collect()
}

/// Stops and deletes the trail; a trail already gone is fine.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    ctx.status(format!("deleting CloudTrail trail {name}"))
        .await;
    let ct = cx.cloudtrail();
    found(
        "cloudtrail:StopLogging",
        ct.stop_logging().name(name).send().await,
        not_found,
    )?;
    found(
        "cloudtrail:DeleteTrail",
        ct.delete_trail().name(name).send().await,
        not_found,
    )?;
    Ok(())
}
