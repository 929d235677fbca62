//! AWS Config: the region's one recorder, recording every resource type (global ones too)
//! through Config's service-linked role, delivering to the trail bucket under the key.

use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use pulumi_provider::Ctx;

use super::args::Names;
use super::policies::CONFIG_PREFIX;
use crate::aws::AwsContext;
use crate::aws::lag::{NEW_BUCKET, NEW_GRANTS, NEW_ROLE, resend, settle};
use crate::aws::wait;
use crate::error::{Error, Result};

/// The region's recorder and delivery channel as AWS Config reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorder {
    pub name: String,
    pub all_resources: bool,
    pub recording: bool,
    /// The delivery channel's name, bucket and key.
    pub channel: Option<(String, String, Option<String>)>,
}

/// The region's recorder, or `None`.
pub async fn find(cx: &AwsContext) -> Result<Option<Recorder>> {
    let config = cx.config_service();
    let recorders = config
        .describe_configuration_recorders()
        .send()
        .await
        .map_err(|e| Error::aws("config:DescribeConfigurationRecorders", e))?;
    let Some(r) = recorders.configuration_recorders().first() else {
        return Ok(None);
    };
    let name = r.name().unwrap_or_default().to_string();
    let all_resources = r
        .recording_group()
        .is_some_and(|g| g.all_supported() && g.include_global_resource_types());
    let status = config
        .describe_configuration_recorder_status()
        .configuration_recorder_names(&name)
        .send()
        .await
        .map_err(|e| Error::aws("config:DescribeConfigurationRecorderStatus", e))?;
    let recording = status
        .configuration_recorders_status()
        .first()
        .is_some_and(|s| s.recording());
    let channels = config
        .describe_delivery_channels()
        .send()
        .await
        .map_err(|e| Error::aws("config:DescribeDeliveryChannels", e))?;
    let channel = channels.delivery_channels().first().map(|c| {
        (
            c.name().unwrap_or_default().to_string(),
            c.s3_bucket_name().unwrap_or_default().to_string(),
            c.s3_kms_key_arn().map(String::from),
        )
    });
    Ok(Some(Recorder {
        name,
        all_resources,
        recording,
        channel,
    }))
}

/// Puts the recorder `name` (the region's existing one when adopted) to record everything,
/// its channel to deliver to the trail bucket, and starts it.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    names: &Names,
    existing: Option<&Recorder>,
    key_arn: &str,
) -> Result<String> {
    let config = cx.config_service();
    let name = existing.map_or(names.recorder.clone(), |r| r.name.clone());
    let channel_name = existing
        .and_then(|r| r.channel.as_ref().map(|c| c.0.clone()))
        .unwrap_or_else(|| names.recorder.clone());
    let role = crate::aws::iam::ensure_linked_role(
        cx,
        ctx,
        "config.amazonaws.com",
        "AWS Config's service-linked role",
    )
    .await?;
    let what = format!("AWS Config recorder {name}");
    let recorder = ConfigurationRecorder::builder()
        .name(&name)
        .role_arn(&role)
        .recording_group(
            RecordingGroup::builder()
                .all_supported(true)
                .include_global_resource_types(true)
                .build(),
        )
        .build();
    settle(
        ctx,
        &what,
        &[&NEW_ROLE, &NEW_GRANTS],
        resend!(
            config
                .put_configuration_recorder()
                .configuration_recorder(recorder.clone()),
            "config:PutConfigurationRecorder"
        ),
    )
    .await?;
    let channel = DeliveryChannel::builder()
        .name(&channel_name)
        .s3_bucket_name(&names.bucket)
        .s3_key_prefix(CONFIG_PREFIX)
        .s3_kms_key_arn(key_arn)
        .build();
    settle(
        ctx,
        &what,
        &[&NEW_GRANTS, &NEW_BUCKET],
        resend!(
            config
                .put_delivery_channel()
                .delivery_channel(channel.clone()),
            "config:PutDeliveryChannel"
        ),
    )
    .await?;
    settle(
        ctx,
        &what,
        &[],
        resend!(
            config
                .start_configuration_recorder()
                .configuration_recorder_name(&name),
            "config:StartConfigurationRecorder"
        ),
    )
    .await?;
    Ok(name)
}

/// Stops and deletes the recorder this baseline made, and its channel.
pub async fn delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    ctx.status(format!("deleting AWS Config recorder {name}"))
        .await;
    let config = cx.config_service();
    let Some(r) = find(cx).await?.filter(|r| r.name == name) else {
        return Ok(());
    };
    config
        .stop_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await
        .map_err(|e| Error::aws("config:StopConfigurationRecorder", e))?;
    if let Some((channel, _, _)) = &r.channel {
        // Right after the recorder stops, AWS Config can still refuse to delete its last
        // channel for a moment.
        let req = config
            .delete_delivery_channel()
            .delivery_channel_name(channel);
        let what = format!("AWS Config delivery channel {channel}");
        wait::when_free(ctx, &what, || async {
            req.clone()
                .send()
                .await
                .map(|_| ())
                .map_err(|e| Error::aws("config:DeleteDeliveryChannel", e))
        })
        .await?;
    }
    config
        .delete_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await
        .map_err(|e| Error::aws("config:DeleteConfigurationRecorder", e))?;
    Ok(())
}
