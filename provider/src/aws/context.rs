//! One `AwsContext` per configured provider: every SDK client, built once.

use std::collections::BTreeMap;

use aws_config::{BehaviorVersion, Region, retry::RetryConfig, sts::AssumeRoleProvider};

/// A service client from the shared config, with its endpoint override if any.
macro_rules! client {
    ($sdk:ident, $config:expr, $endpoint:expr) => {{
        let mut builder = $sdk::config::Builder::from($config);
        if let Some(url) = $endpoint {
            builder = builder.endpoint_url(url);
        }
        $sdk::Client::from_conf(builder.build())
    }};
}

use crate::config::{Config, DEFAULT_MAX_RETRIES};
use crate::error::{Error, Result};

/// The clients and facts every handler needs.
#[derive(Debug, Clone)]
pub struct AwsContext {
    pub ec2: aws_sdk_ec2::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub kinesis: aws_sdk_kinesis::Client,
    pub kms: aws_sdk_kms::Client,
    pub iam: aws_sdk_iam::Client,
    pub rds: aws_sdk_rds::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    sts: aws_sdk_sts::Client,
    /// The account the credentials belong to, asked of STS once, on first need; never
    /// during preview, so a preview makes no AWS call at all.
    identity: tokio::sync::OnceCell<String>,
    validate: bool,
    pub region: String,
    pub partition: String,
    pub default_tags: BTreeMap<String, String>,
}

impl AwsContext {
    pub async fn new(config: &Config) -> Result<Self> {
        let retries = config.max_retries.unwrap_or(DEFAULT_MAX_RETRIES);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(retries + 1));
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &config.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &config.endpoint {
            loader = loader.endpoint_url(endpoint);
        }
        let mut sdk = loader.load().await;
        let region = sdk.region().map(|r| r.to_string()).ok_or_else(|| {
            Error::Config("no AWS region: set healthcare:region or AWS_REGION".into())
        })?;
        if let Some(role) = &config.assume_role_arn {
            let provider = AssumeRoleProvider::builder(role)
                .session_name("pulumi-healthcare")
                .configure(&sdk)
                .build()
                .await;
            sdk = sdk
                .into_builder()
                .credentials_provider(aws_types::sdk_config::SharedCredentialsProvider::new(
                    provider,
                ))
                .build();
        }
        let endpoint = |service: &str| {
            config
                .endpoints
                .as_ref()
                .and_then(|e| e.get(service))
                .or(config.endpoint.as_ref())
                .cloned()
        };
        let ec2 = client!(aws_sdk_ec2, &sdk, endpoint("ec2"));
        let elasticache = client!(aws_sdk_elasticache, &sdk, endpoint("elasticache"));
        let logs = client!(aws_sdk_cloudwatchlogs, &sdk, endpoint("logs"));
        let kinesis = client!(aws_sdk_kinesis, &sdk, endpoint("kinesis"));
        let kms = client!(aws_sdk_kms, &sdk, endpoint("kms"));
        let iam = client!(aws_sdk_iam, &sdk, endpoint("iam"));
        let rds = client!(aws_sdk_rds, &sdk, endpoint("rds"));
        let secrets = client!(aws_sdk_secretsmanager, &sdk, endpoint("secretsmanager"));
        let sts = client!(aws_sdk_sts, &sdk, endpoint("sts"));
        let partition = partition_of(&region).to_string();
        Ok(AwsContext {
            ec2,
            elasticache,
            logs,
            kinesis,
            kms,
            iam,
            rds,
            secrets,
            sts,
            identity: tokio::sync::OnceCell::new(),
            validate: !config.skip_credentials_validation.unwrap_or(false),
            region,
            partition,
            default_tags: config.default_tags.clone().unwrap_or_default(),
        })
    }

    /// Checks the credentials (once) before the first real operation, unless configured not to.
    pub async fn validate(&self) -> Result<()> {
        if self.validate {
            self.account().await?;
        }
        Ok(())
    }

    /// The account id, which some defaults need.
    pub async fn account(&self) -> Result<&str> {
        let id = self
            .identity
            .get_or_try_init(|| async {
                let me = self.sts.get_caller_identity().send().await.map_err(|e| {
                    Error::Config(format!(
                        "the AWS credentials could not be validated (STS GetCallerIdentity): {}; \
                         check AWS_PROFILE / AWS_ACCESS_KEY_ID, or set healthcare:skipCredentialsValidation \
                         and give every account-dependent input explicitly",
                        aws_sdk_sts::error::DisplayErrorContext(&e)
                    ))
                })?;
                me.account().map(String::from).ok_or_else(|| Error::Unexpected("STS named no account".into()))
            })
            .await?;
        Ok(id)
    }
}

fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
