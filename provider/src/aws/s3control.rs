//! The account's S3 Block Public Access (S3 Control), and how S3 Control is addressed.

use aws_sdk_s3control::config::endpoint::{
    DefaultResolver, Endpoint, EndpointFuture, Params, ResolveEndpoint,
};
use aws_sdk_s3control::error::ProvideErrorMetadata;
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use pulumi_provider::Ctx;

use super::AwsContext;
use crate::error::{Error, Result, found};

/// S3 Control addresses the account by host name (`<account>.s3-control.<region>...`, and
/// `<account>.<host>` under an endpoint override). A host given as an IP address cannot take
/// that prefix (no name under it resolves), so there the endpoint is used as it is: every
/// S3 Control call names its account in the `x-amz-account-id` header as well. The signing
/// properties are the default resolver's.
#[derive(Debug)]
pub struct AtAddress {
    url: String,
    default: DefaultResolver,
}

impl AtAddress {
    /// A resolver for `url` when its host is an IP address; `None` for a host name, where
    /// the standard rules (the account prefixed to the host) apply.
    pub fn for_endpoint(url: &str) -> Option<AtAddress> {
        let uri: http::Uri = url.parse().ok()?;
        let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
        host.parse::<std::net::IpAddr>().ok()?;
        Some(AtAddress {
            url: url.trim_end_matches('/').to_string(),
            default: DefaultResolver::new(),
        })
    }
}

impl ResolveEndpoint for AtAddress {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let standard = self.default.resolve_endpoint(params);
        EndpointFuture::new(async move {
            let standard = standard.await?;
            let mut at = Endpoint::builder().url(self.url.clone());
            for (key, value) in standard.properties() {
                at = at.property(key.clone(), value.clone());
            }
            for (name, values) in standard.headers() {
                for value in values {
                    at = at.header(name.to_string(), value.to_string());
                }
            }
            Ok(at.build())
        })
    }
}

/// The account's S3 Block Public Access settings, or `None` when it has none.
pub async fn public_access_block(
    cx: &AwsContext,
) -> Result<Option<PublicAccessBlockConfiguration>> {
    let account = cx.account().await?.to_string();
    let got = found(
        "s3control:GetPublicAccessBlock",
        cx.s3control()
            .get_public_access_block()
            .account_id(account)
            .send()
            .await,
        |e| e.is_no_such_public_access_block_configuration(),
    )?;
    Ok(got.and_then(|g| g.public_access_block_configuration))
}

/// All four settings are on.
pub fn blocks_all(c: &PublicAccessBlockConfiguration) -> bool {
    c.block_public_acls == Some(true)
        && c.ignore_public_acls == Some(true)
        && c.block_public_policy == Some(true)
        && c.restrict_public_buckets == Some(true)
}

/// The settings in words, for an error that names what the account has.
pub fn describe(c: &PublicAccessBlockConfiguration) -> String {
    let on = |v: Option<bool>| if v == Some(true) { "on" } else { "off" };
    format!(
        "BlockPublicAcls {}, IgnorePublicAcls {}, BlockPublicPolicy {}, RestrictPublicBuckets {}",
        on(c.block_public_acls),
        on(c.ignore_public_acls),
        on(c.block_public_policy),
        on(c.restrict_public_buckets)
    )
}

/// Turns on all four settings for the whole account.
pub async fn block_all(cx: &AwsContext, ctx: &Ctx) -> Result<()> {
    ctx.status("turning on S3 Block Public Access for the account")
        .await;
    let account = cx.account().await?.to_string();
    let all = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    cx.s3control()
        .put_public_access_block()
        .account_id(account)
        .public_access_block_configuration(all)
        .send()
        .await
        .map_err(|e| Error::aws("s3control:PutPublicAccessBlock", e))?;
    Ok(())
}

/// Removes the account's settings (none left is not an error).
pub async fn unblock(cx: &AwsContext, ctx: &Ctx) -> Result<()> {
    ctx.status("removing the account's S3 Block Public Access settings")
        .await;
    let account = cx.account().await?.to_string();
    found(
        "s3control:DeletePublicAccessBlock",
        cx.s3control()
            .delete_public_access_block()
            .account_id(account)
            .send()
            .await,
        |e| e.code() == Some("NoSuchPublicAccessBlockConfiguration"),
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "s3control_tests.rs"]
mod tests;
