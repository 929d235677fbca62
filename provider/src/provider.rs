//! The healthcare provider: its package facts, configuration and resources.

use pulumi_provider::{
    CheckFailure, Ctx, PackageInfo, Provider, ProviderServer, Result, async_trait,
};

use crate::aws::AwsContext;
use crate::config::Config;
use crate::resources::baseline::AccountBaseline;
use crate::resources::fargate::FargateCluster;
use crate::resources::kinesis::KinesisPipeline;
use crate::resources::platform::Platform;
use crate::resources::postgres::HipaaPostgres;
use crate::resources::redis::EncryptedRedis;
use crate::resources::vpc::SecureVpc;

pub struct Healthcare;

/// The server with every resource registered.
pub fn server() -> ProviderServer<Healthcare> {
    ProviderServer::new(Healthcare)
        .resource(KinesisPipeline)
        .resource(SecureVpc)
        .resource(EncryptedRedis)
        .resource(HipaaPostgres)
        .resource(FargateCluster)
        .resource(AccountBaseline)
        .component(Platform)
        .with_schema_text(SCHEMA)
}

/// provider/schema.json, compact (build.rs).
const SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/schema.json"));

#[async_trait]
impl Provider for Healthcare {
    type Config = Config;
    type Context = AwsContext;

    fn package(&self) -> PackageInfo {
        PackageInfo {
            name: "healthcare",
            version: env!("CARGO_PKG_VERSION"),
            display_name: "Healthcare",
            description: "HIPAA-ready AWS building blocks for healthcare analytics: a secure VPC, encrypted Redis, \
                          HIPAA-grade PostgreSQL, encrypted Kinesis streams and a locked-down Fargate cluster, \
                          each one resource with safe defaults.",
            repository: "https://github.com/pulumi-healthcare/pulumi-healthcare",
            publisher: "pulumi-healthcare",
            keywords: &[
                "pulumi",
                "aws",
                "healthcare",
                "hipaa",
                "category/cloud",
                "kind/component",
            ],
            language: Some(serde_json::json!({
                "python": {"packageName": "pulumi_healthcare", "respectSchemaVersion": true},
                "nodejs": {"packageName": "@pulumi-healthcare/healthcare", "respectSchemaVersion": true},
                "go": {
                    "importBasePath": "github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare",
                    "respectSchemaVersion": true
                },
                "csharp": {"rootNamespace": "PulumiHealthcare"}
            })),
        }
    }

    fn check_config(&self, config: &Config) -> Vec<CheckFailure> {
        config.check()
    }

    async fn configure(&self, config: Config, _ctx: &Ctx) -> Result<AwsContext> {
        Ok(AwsContext::new(&config).await?)
    }
}

#[cfg(test)]
#[path = "provider_tests.rs"]
mod tests;
