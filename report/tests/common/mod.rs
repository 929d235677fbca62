//! A small exported stack for the tests: a provider, a SecureVpc whose flow logs are off,
//! an EncryptedRedis with its AUTH token (a secret) and a FargateCluster reading it.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{Value, json};

pub const SIGNATURE_KEY: &str = "4dabf18193072939515e22adb298388d";
pub const SECRET_SIGNATURE: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const PLAINTEXT_TOKEN: &str = "plain-auth-token-7f3a9c";
pub const CIPHERTEXT: &str = "v1:cipher-of-the-token-5d2e";
pub const SECRET_ARN: &str =
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cache-auth-Ab12Cd";

pub fn urn(kind: &str, name: &str) -> String {
    format!("urn:pulumi:dev::clinic::{kind}::{name}")
}

pub fn plaintext(value: &str) -> Value {
    json!({ SIGNATURE_KEY: SECRET_SIGNATURE, "plaintext": serde_json::to_string(value).unwrap() })
}

pub fn ciphertext() -> Value {
    json!({ SIGNATURE_KEY: SECRET_SIGNATURE, "ciphertext": CIPHERTEXT })
}

pub fn control(rule: &str, safeguard: &str, satisfied: bool, detail: &str) -> Value {
    json!({ "rule": rule, "safeguard": safeguard, "satisfied": satisfied, "detail": detail })
}

pub fn compliance(controls: Vec<Value>) -> Value {
    let compliant = controls.iter().all(|c| c["satisfied"] == json!(true));
    json!({ "compliant": compliant, "controls": controls })
}

pub fn provider() -> Value {
    json!({ "urn": urn("pulumi:providers:healthcare", "default"), "custom": true, "id": "p-1",
        "type": "pulumi:providers:healthcare",
        "inputs": { "version": "0.1.0", "region": "eu-west-1", "secretConfig": ciphertext() },
        "outputs": { "version": "0.1.0", "region": "eu-west-1" } })
}

pub fn provider_ref() -> String {
    format!("{}::p-1", urn("pulumi:providers:healthcare", "default"))
}

pub fn vpc() -> Value {
    json!({ "urn": urn("healthcare:network:SecureVpc", "net"), "custom": true, "id": "vpc-1",
        "type": "healthcare:network:SecureVpc", "provider": provider_ref(),
        "created": "2025-01-02T03:00:00Z", "modified": "2025-01-03T04:00:00.5Z",
        "outputs": {
            "vpcId": "vpc-1", "cidrBlock": "10.1.0.0/16", "applicationSecurityGroupId": "sg-app",
            "subnetMap": {
                "private/eu-west-1a": { "id": "subnet-p1", "tier": "private",
                    "availabilityZone": "eu-west-1a", "cidrBlock": "10.1.1.0/24" },
                "isolated/eu-west-1a": { "id": "subnet-i1", "tier": "isolated",
                    "availabilityZone": "eu-west-1a", "cidrBlock": "10.1.2.0/24" },
                "isolated/eu-west-1b": { "id": "subnet-i2", "tier": "isolated",
                    "availabilityZone": "eu-west-1b", "cidrBlock": "10.1.3.0/24" } },
            "drift": ["flow logs are off"],
            "compliance": compliance(vec![
                control("vpc-default-security-group-closed", "164.312(a)(1) access control", true,
                    "the default security group has no rules"),
                control("vpc-flow-logs-enabled", "164.312(b) audit controls", false,
                    "no flow log of ALL traffic on vpc-1"),
                control("cw-loggroup-retention-period-check", "164.312(b) audit controls", true,
                    "flow log group kept 365 days"),
            ]) } })
}

pub fn redis() -> Value {
    json!({ "urn": urn("healthcare:cache:EncryptedRedis", "cache"), "custom": true,
        "id": "cache-1", "type": "healthcare:cache:EncryptedRedis", "provider": provider_ref(),
        "inputs": { "vpcId": "vpc-1", "authToken": plaintext(PLAINTEXT_TOKEN) },
        "outputs": {
            "arn": "arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:cache-1",
            "vpcId": "vpc-1", "subnetIds": ["subnet-i1", "subnet-i2"], "port": 6379,
            "securityGroupId": "sg-cache", "allowedSecurityGroupIds": ["sg-app"],
            "authSecretArn": SECRET_ARN, "authToken": ciphertext(), "drift": [],
            "compliance": compliance(vec![
                control("elasticache-repl-grp-encrypted-in-transit",
                    "164.312(e)(1) transmission security", true, "TLS required"),
                control("elasticache-repl-grp-redis-auth-enabled",
                    "164.312(d) person or entity authentication", true,
                    "AUTH token kept in Secrets Manager"),
            ]) },
        "propertyDependencies": { "vpcId": [urn("healthcare:network:SecureVpc", "net")] } })
}

pub fn fargate() -> Value {
    json!({ "urn": urn("healthcare:compute:FargateCluster", "services"), "custom": true,
        "id": "services-1", "type": "healthcare:compute:FargateCluster",
        "provider": provider_ref(),
        "outputs": {
            "clusterArn": "arn:aws:ecs:eu-west-1:123456789012:cluster/services-1",
            "services": { "app": {
                "vpcId": "vpc-1", "subnetIds": ["subnet-p1"], "securityGroupIds": ["sg-app"],
                "containerPort": 8080, "allowedCidrBlocks": ["10.1.0.0/16"],
                "image": "nginx:1.27",
                "environment": { "LOG_LEVEL": "info", "EXTRA": plaintext(PLAINTEXT_TOKEN) },
                "secrets": { "REDIS_AUTH_TOKEN": format!("{SECRET_ARN}:authToken::") } } },
            "serviceOutputs": { "app": { "securityGroupId": "sg-svc" } },
            "compliance": compliance(vec![
                control("ecs-container-insights-enabled", "164.312(b) audit controls", true,
                    "Container Insights on"),
            ]) },
        "propertyDependencies": { "services": [
            urn("healthcare:network:SecureVpc", "net"),
            urn("healthcare:cache:EncryptedRedis", "cache")] } })
}

pub fn stack_resource() -> Value {
    json!({ "urn": urn("pulumi:pulumi:Stack", "clinic-dev"), "custom": false,
        "type": "pulumi:pulumi:Stack", "outputs": { "token": plaintext(PLAINTEXT_TOKEN) } })
}

/// An export of the given resources, as `pulumi stack export` writes it.
pub fn export(resources: Vec<Value>) -> String {
    json!({ "version": 3, "deployment": {
        "manifest": { "time": "2025-01-03T04:05:06.789+00:00", "magic": "m", "version": "v3.274.1" },
        "secrets_providers": { "type": "passphrase" },
        "resources": resources } })
    .to_string()
}

/// The whole small stack.
pub fn clinic() -> String {
    export(vec![
        stack_resource(),
        provider(),
        vpc(),
        redis(),
        fargate(),
    ])
}

/// A new empty folder for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hc-report-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
