//! The Region's EC2 defaults for what is made later: IMDSv2 for new instances, and block
//! public access for EBS snapshots and AMIs.

use pulumi_provider::Ctx;

use crate::aws::AwsContext;
use crate::error::{Error, Result};

/// IMDSv2 only: new instances answer metadata requests only with a session token.
pub const TOKENS_REQUIRED: &str = "required";
/// No snapshot of the Region can be shared publicly, old or new.
pub const SNAPSHOTS_BLOCKED: &str = "block-all-sharing";
/// No AMI of the Region can be newly shared publicly (the only state AWS offers).
pub const IMAGES_BLOCKED: &str = "block-new-sharing";
/// Block public access turned off (or never turned on).
pub const UNBLOCKED: &str = "unblocked";

/// The Region's settings as EC2 reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Defaults {
    /// The instance metadata default `HttpTokens`, when the account set one.
    pub http_tokens: Option<String>,
    pub snapshots: String,
    pub images: String,
}

pub async fn read(cx: &AwsContext) -> Result<Defaults> {
    let ec2 = cx.ec2();
    let (metadata, snapshots, images) = futures::join!(
        ec2.get_instance_metadata_defaults().send(),
        ec2.get_snapshot_block_public_access_state().send(),
        ec2.get_image_block_public_access_state().send(),
    );
    let metadata = metadata.map_err(|e| Error::aws("ec2:GetInstanceMetadataDefaults", e))?;
    let snapshots =
        snapshots.map_err(|e| Error::aws("ec2:GetSnapshotBlockPublicAccessState", e))?;
    let images = images.map_err(|e| Error::aws("ec2:GetImageBlockPublicAccessState", e))?;
    Ok(Defaults {
        http_tokens: metadata
            .account_level()
            .and_then(|a| a.http_tokens())
            .map(|t| t.as_str().to_string()),
        snapshots: snapshots
            .state()
            .map_or(UNBLOCKED, |s| s.as_str())
            .to_string(),
        images: images
            .image_block_public_access_state()
            .unwrap_or(UNBLOCKED)
            .to_string(),
    })
}

/// Makes IMDSv2 the default for new instances (`on`), or removes the account's preference.
pub async fn set_imds_v2(cx: &AwsContext, ctx: &Ctx, on: bool) -> Result<()> {
    use aws_sdk_ec2::types::MetadataDefaultHttpTokensState as Tokens;
    ctx.status(if on {
        "making IMDSv2 the default for new instances"
    } else {
        "removing the instance metadata default"
    })
    .await;
    cx.ec2()
        .modify_instance_metadata_defaults()
        .http_tokens(if on {
            Tokens::Required
        } else {
            Tokens::NoPreference
        })
        .send()
        .await
        .map_err(|e| Error::aws("ec2:ModifyInstanceMetadataDefaults", e))?;
    Ok(())
}

/// Blocks public sharing of every EBS snapshot of the Region (`on`), or turns it off.
pub async fn block_snapshots(cx: &AwsContext, ctx: &Ctx, on: bool) -> Result<()> {
    use aws_sdk_ec2::types::SnapshotBlockPublicAccessState as State;
    if on {
        ctx.status("blocking public sharing of EBS snapshots").await;
        cx.ec2()
            .enable_snapshot_block_public_access()
            .state(State::BlockAllSharing)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:EnableSnapshotBlockPublicAccess", e))?;
    } else {
        ctx.status("turning off block public access for EBS snapshots")
            .await;
        cx.ec2()
            .disable_snapshot_block_public_access()
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DisableSnapshotBlockPublicAccess", e))?;
    }
    Ok(())
}

/// Blocks new public sharing of the Region's AMIs (`on`), or turns it off.
pub async fn block_images(cx: &AwsContext, ctx: &Ctx, on: bool) -> Result<()> {
    use aws_sdk_ec2::types::ImageBlockPublicAccessEnabledState as State;
    if on {
        ctx.status("blocking public sharing of AMIs").await;
        cx.ec2()
            .enable_image_block_public_access()
            .image_block_public_access_state(State::BlockNewSharing)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:EnableImageBlockPublicAccess", e))?;
    } else {
        ctx.status("turning off block public access for AMIs").await;
        cx.ec2()
            .disable_image_block_public_access()
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DisableImageBlockPublicAccess", e))?;
    }
    Ok(())
}
