//! One `AwsContext` per configured provider: the shared SDK config, and each service's
//! client built on its first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aws_config::{BehaviorVersion, Region, SdkConfig, retry::RetryConfig, sts::AssumeRoleProvider};

use crate::config::{Config, DEFAULT_MAX_RETRIES};
use crate::error::{Error, Result};

/// Declares the context's service clients: a lazily built client per service, and an
/// accessor that builds it from the shared config (with the service's endpoint override)
/// the first time it is asked for. Configure and preview build none, so they stay cheap in
/// time and in memory (a client's construction touches megabytes of code).
macro_rules! clients {
    ($($name:ident: $sdk:ident = $service:literal;)*) => {
        /// Each service's client, built on first use.
        #[derive(Debug, Clone, Default)]
        struct Clients {
            $($name: OnceLock<$sdk::Client>,)*
            s3: OnceLock<aws_sdk_s3::Client>,
            s3control: OnceLock<aws_sdk_s3control::Client>,
        }

        impl AwsContext {
            $(
                #[doc = concat!("The ", $service, " client.")]
                pub fn $name(&self) -> &$sdk::Client {
                    self.clients.$name.get_or_init(|| {
                        let mut builder = $sdk::config::Builder::from(&self.sdk);
                        if let Some(url) = self.endpoint($service) {
                            builder = builder.endpoint_url(url);
                        }
                        $sdk::Client::from_conf(builder.build())
                    })
                }
            )*
        }
    };
}

clients! {
    autoscaling: aws_sdk_applicationautoscaling = "application-autoscaling";
    backup: aws_sdk_backup = "backup";
    cloudtrail: aws_sdk_cloudtrail = "cloudtrail";
    cloudwatch: aws_sdk_cloudwatch = "cloudwatch";
    config_service: aws_sdk_config = "config";
    guardduty: aws_sdk_guardduty = "guardduty";
    securityhub: aws_sdk_securityhub = "securityhub";
    sns: aws_sdk_sns = "sns";
    ec2: aws_sdk_ec2 = "ec2";
    ecs: aws_sdk_ecs = "ecs";
    elasticache: aws_sdk_elasticache = "elasticache";
    logs: aws_sdk_cloudwatchlogs = "logs";
    kinesis: aws_sdk_kinesis = "kinesis";
    kms: aws_sdk_kms = "kms";
    lambda: aws_sdk_lambda = "lambda";
    iam: aws_sdk_iam = "iam";
    rds: aws_sdk_rds = "rds";
    secrets: aws_sdk_secretsmanager = "secretsmanager";
    sts: aws_sdk_sts = "sts";
}

/// The clients and facts every handler needs.
#[derive(Debug, Clone)]
pub struct AwsContext {
    sdk: SdkConfig,
    /// Endpoint overrides: per service, else one for all.
    endpoints: BTreeMap<String, String>,
    endpoint: Option<String>,
    clients: Clients,
    /// The account the credentials belong to and their ARN, asked of STS once, on first
    /// need; never during preview, so a preview makes no AWS call at all.
    identity: tokio::sync::OnceCell<(String, String)>,
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
        let partition = partition_of(&region).to_string();
        Ok(AwsContext {
            sdk,
            endpoints: config.endpoints.clone().unwrap_or_default(),
            endpoint: config.endpoint.clone(),
            clients: Clients::default(),
            identity: tokio::sync::OnceCell::new(),
            validate: !config.skip_credentials_validation.unwrap_or(false),
            region,
            partition,
            default_tags: config.default_tags.clone().unwrap_or_default(),
        })
    }

    /// The S3 client. With an endpoint override, buckets are addressed by path
    /// (`https://host/bucket`), since a bucket name cannot be prefixed to an IP address.
    pub fn s3(&self) -> &aws_sdk_s3::Client {
        self.clients.s3.get_or_init(|| {
            let mut builder = aws_sdk_s3::config::Builder::from(&self.sdk);
            if let Some(url) = self.endpoint("s3") {
                builder = builder.endpoint_url(url).force_path_style(true);
            }
            aws_sdk_s3::Client::from_conf(builder.build())
        })
    }

    /// The S3 Control client. With an endpoint override whose host is an IP address, calls go
    /// to that address as it is, not to `<account>.<address>` (`s3control::AtAddress`).
    pub fn s3control(&self) -> &aws_sdk_s3control::Client {
        self.clients.s3control.get_or_init(|| {
            let mut builder = aws_sdk_s3control::config::Builder::from(&self.sdk);
            if let Some(url) = self.endpoint("s3control") {
                builder = builder.endpoint_url(url);
                if let Some(at) = super::s3control::AtAddress::for_endpoint(url) {
                    builder = builder.endpoint_resolver(at);
                }
            }
            aws_sdk_s3control::Client::from_conf(builder.build())
        })
    }

    fn endpoint(&self, service: &str) -> Option<&String> {
        self.endpoints.get(service).or(self.endpoint.as_ref())
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
        Ok(&self.identity().await?.0)
    }

    /// The ARN STS gives for the credentials (for a role session, the session's
    /// `assumed-role` ARN).
    pub async fn caller_arn(&self) -> Result<&str> {
        Ok(&self.identity().await?.1)
    }

    async fn identity(&self) -> Result<&(String, String)> {
        self.identity
            .get_or_try_init(|| async {
                let me = self.sts().get_caller_identity().send().await.map_err(|e| {
                    Error::Credentials(format!(
                        "the AWS credentials could not be validated (STS GetCallerIdentity): {}; \
                         check AWS_PROFILE / AWS_ACCESS_KEY_ID, or set healthcare:skipCredentialsValidation \
                         and give every account-dependent input explicitly",
                        aws_sdk_sts::error::DisplayErrorContext(&e)
                    ))
                })?;
                let missing = |what| Error::Incomplete {
                    operation: "sts:GetCallerIdentity",
                    missing: what,
                };
                let account = me.account().ok_or(missing("the account"))?;
                let arn = me.arn().ok_or(missing("the caller's ARN"))?;
                Ok::<_, Error>((account.to_string(), arn.to_string()))
            })
            .await
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
