//! The services of the platform's cluster, wired to the rest of it.

use pulumi_provider::Out;
use pulumi_provider::component::Child;
use pulumi_provider::value::Value;

/// Plain environment variables every service gets.
pub const INJECTED_ENVIRONMENT: [&str; 7] = [
    "DATABASE_HOST",
    "DATABASE_PORT",
    "DATABASE_NAME",
    "REDIS_HOST",
    "REDIS_PORT",
    "KINESIS_STREAM_NAME",
    "KINESIS_PRODUCER_ROLE_ARN",
];

/// Secrets every service reads from Secrets Manager when a task starts.
pub const INJECTED_SECRETS: [&str; 3] =
    ["DATABASE_USERNAME", "DATABASE_PASSWORD", "REDIS_AUTH_TOKEN"];

/// The parts a service is wired to.
pub struct Wiring<'a> {
    pub network: &'a Child,
    pub stream: &'a Child,
    pub cache: &'a Child,
    pub database: &'a Child,
}

impl Wiring<'_> {
    /// The `services` input of the cluster: each service as given, placed in the private
    /// subnets with the application security group, reading the database and cache
    /// secrets, allowed to assume the producer role. Unknown services stay unknown.
    pub fn services(&self, given: Out) -> Out {
        let Some(entries) = given.entries() else {
            return given;
        };
        Out::object(entries.into_iter().map(|(name, s)| (name, self.service(s))))
    }

    fn service(&self, s: Out) -> Out {
        let (net, db, cache, stream) = (self.network, self.database, self.cache, self.stream);
        let reach_given =
            !s.get("allowedCidrBlocks").is_null() || !s.get("allowedSecurityGroupIds").is_null();
        let cidrs = if reach_given || s.get("containerPort").is_null() {
            s.get("allowedCidrBlocks")
        } else {
            Out::list([net.output("cidrBlock")])
        };
        let environment = merge(
            s.get("environment"),
            [
                ("DATABASE_HOST", db.output("endpoint")),
                ("DATABASE_PORT", db.output("port").map(to_text)),
                ("DATABASE_NAME", db.output("databaseName")),
                ("REDIS_HOST", cache.output("primaryEndpoint")),
                ("REDIS_PORT", cache.output("port").map(to_text)),
                ("KINESIS_STREAM_NAME", stream.output("streamName")),
                (
                    "KINESIS_PRODUCER_ROLE_ARN",
                    stream.output("producerRoleArn"),
                ),
            ],
        );
        let db_secret = db.output("masterUserSecretArn");
        let secrets = merge(
            s.get("secrets"),
            [
                ("DATABASE_USERNAME", key_of(&db_secret, "username")),
                ("DATABASE_PASSWORD", key_of(&db_secret, "password")),
                (
                    "REDIS_AUTH_TOKEN",
                    key_of(&cache.output("authSecretArn"), "authToken"),
                ),
            ],
        );
        let assume = Out::object([
            (
                "actions".to_string(),
                Out::list([Out::string("sts:AssumeRole")]),
            ),
            (
                "resources".to_string(),
                Out::list([stream.output("producerRoleArn")]),
            ),
        ]);
        let statements = append(s.get("taskPolicyStatements"), assume);
        s.with("vpcId", net.output("vpcId"))
            .with("subnetIds", net.output("privateSubnetIds"))
            .with(
                "securityGroupIds",
                Out::list([net.output("applicationSecurityGroupId")]),
            )
            .with("allowedCidrBlocks", cidrs)
            .with("environment", environment)
            .with("secrets", secrets)
            .with("taskPolicyStatements", statements)
    }
}

/// `<secret ARN>:<key>::`, one key of a JSON secret as ECS reads it.
fn key_of(secret: &Out, key: &str) -> Out {
    secret.map(|arn| Value::String(format!("{}:{key}::", arn.as_str().unwrap_or_default())))
}

fn to_text(v: serde_json::Value) -> Value {
    Value::String(match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

/// A map given by the user with the platform's entries added.
fn merge<const N: usize>(given: Out, added: [(&str, Out); N]) -> Out {
    added
        .into_iter()
        .fold(given, |map, (key, value)| map.with(key, value))
}

/// A list given by the user (or none) with one item added; unknown stays unknown.
fn append(given: Out, item: Out) -> Out {
    match &given.value {
        Value::Null => Out::list([item]),
        Value::Array(items) => {
            let mut all: Vec<Out> = items.iter().map(|v| Out::known(v.clone())).collect();
            all.push(item);
            let mut list = Out::list(all);
            list.deps.extend(given.deps);
            list
        }
        _ => given,
    }
}
