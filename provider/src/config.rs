//! The provider's configuration (`healthcare:<key>`), checked key by key.

use std::collections::BTreeMap;

use pulumi_provider::CheckFailure;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Services whose endpoint can be overridden one by one.
pub const SERVICES: [&str; 22] = [
    "application-autoscaling",
    "backup",
    "cloudtrail",
    "cloudwatch",
    "config",
    "ec2",
    "ecs",
    "elasticache",
    "guardduty",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "rds",
    "s3",
    "s3control",
    "secretsmanager",
    "securityhub",
    "sns",
    "sts",
    "sso",
];

/// How the provider reaches AWS. Every key is optional: without them the standard AWS
/// environment variables, shared config files and profiles apply.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// The AWS region, e.g. `us-east-1`. Defaults to `AWS_REGION` / `AWS_DEFAULT_REGION` or the profile's region.
    pub region: Option<String>,
    /// The named profile from the shared AWS config and credentials files.
    pub profile: Option<String>,
    /// An IAM role ARN to assume for every call.
    pub assume_role_arn: Option<String>,
    /// One endpoint URL for every service, e.g. `https://aws-proxy.internal` or, for a local emulator, `http://127.0.0.1:5000`: https://, or plain http:// only to this machine (localhost, 127.0.0.1, ::1).
    pub endpoint: Option<String>,
    /// Endpoint URLs per service, each https:// or http:// to this machine (`kinesis`, `kms`, `iam`, `sts`, `ec2`, `rds`, `elasticache`, `ecs`, `application-autoscaling`, `logs`, `secretsmanager`); these win over `endpoint`.
    pub endpoints: Option<BTreeMap<String, String>>,
    /// Tags put on every AWS object the provider creates; a resource's own tags win.
    pub default_tags: Option<BTreeMap<String, String>>,
    /// Skip the STS GetCallerIdentity call that checks credentials at start-up.
    pub skip_credentials_validation: Option<bool>,
    /// How many times a failed AWS call is retried (with backoff) before giving up. Defaults to 5.
    pub max_retries: Option<u32>,
}

pub const DEFAULT_MAX_RETRIES: u32 = 5;

impl Config {
    pub fn check(&self) -> Vec<CheckFailure> {
        let mut failures = Vec::new();
        if let Some(region) = &self.region
            && !valid_region(region)
        {
            failures.push(CheckFailure::new(
                "region",
                format!("{region:?} is not an AWS region name such as us-east-1"),
            ));
        }
        if let Some(arn) = &self.assume_role_arn
            && !(arn.starts_with("arn:aws") && arn.contains(":role/"))
        {
            failures.push(CheckFailure::new(
                "assumeRoleArn",
                format!("{arn:?} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
            ));
        }
        if let Some(url) = &self.endpoint
            && let Err(why) = valid_url(url)
        {
            failures.push(CheckFailure::new("endpoint", why));
        }
        for (service, url) in self.endpoints.iter().flatten() {
            if !SERVICES.contains(&service.as_str()) {
                failures.push(CheckFailure::new(
                    format!("endpoints.{service}"),
                    format!(
                        "unknown service {service:?}; known: {}",
                        SERVICES.join(", ")
                    ),
                ));
            } else if let Err(why) = valid_url(url) {
                failures.push(CheckFailure::new(format!("endpoints.{service}"), why));
            }
        }
        for (key, value) in self.default_tags.iter().flatten() {
            if key.is_empty() || key.len() > 128 || key.to_ascii_lowercase().starts_with("aws:") {
                failures.push(CheckFailure::new(
                    format!("defaultTags.{key}"),
                    "tag keys are 1 to 128 characters and may not start with aws:",
                ));
            } else if value.len() > 256 {
                failures.push(CheckFailure::new(
                    format!("defaultTags.{key}"),
                    "tag values are at most 256 characters",
                ));
            }
        }
        if let Some(n) = self.max_retries
            && n > 25
        {
            failures.push(CheckFailure::new(
                "maxRetries",
                format!("{n} is more than 25 retries"),
            ));
        }
        failures
    }
}

fn valid_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn valid_url(url: &str) -> Result<(), String> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("https"), Some(_)) => Ok(()),
        (Some("http"), Some(host)) if loopback(host) => Ok(()),
        (Some("http"), Some(host)) => Err(format!(
            "{url:?} is plain http:// to {host}: requests and answers (credentials' signatures, \
             secrets, data) would cross the network in clear. Use https://; plain http:// is \
             only for an emulator on this machine (localhost, 127.0.0.1, ::1)"
        )),
        _ => Err(format!(
            "{url:?} must be an https:// URL with a host (or http:// to this machine)"
        )),
    }
}

/// `localhost`, `*.localhost`, 127.0.0.0/8 or ::1.
fn loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_key_is_named() {
        let cfg = Config {
            region: Some("mars".into()),
            endpoint: Some("ftp://x".into()),
            endpoints: Some(BTreeMap::from([("kinesiss".into(), "http://x".into())])),
            max_retries: Some(99),
            ..Config::default()
        };
        let props: Vec<String> = cfg.check().into_iter().map(|f| f.property).collect();
        assert_eq!(
            props,
            vec!["region", "endpoint", "endpoints.kinesiss", "maxRetries"]
        );
    }

    #[test]
    fn a_sound_config_passes() {
        let cfg = Config {
            region: Some("eu-central-1".into()),
            endpoint: Some("http://127.0.0.1:5000".into()),
            assume_role_arn: Some("arn:aws:iam::123456789012:role/deploy".into()),
            ..Config::default()
        };
        assert!(cfg.check().is_empty());
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for ok in [
            "http://127.0.0.1:5000",
            "http://127.8.9.10:80",
            "http://localhost:4566",
            "http://moto.localhost:5000",
            "http://[::1]:5000",
            "https://kms.eu-central-1.amazonaws.com",
            "https://vpce-1.kms.eu-central-1.vpce.amazonaws.com",
        ] {
            assert!(valid_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://kms.eu-central-1.amazonaws.com",
            "http://10.0.0.5:4566",
            "http://localhost.example.com",
            "http://169.254.169.254",
            "ftp://127.0.0.1",
        ] {
            assert!(valid_url(bad).is_err(), "{bad}");
        }
        let why = valid_url("http://10.0.0.5:4566").err().unwrap_or_default();
        assert!(
            why.contains("https://") && why.contains("10.0.0.5"),
            "{why}"
        );
    }
}
