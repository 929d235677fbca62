//! `healthcare:index:Platform`: the whole HIPAA platform as one component resource, its
//! five parts wired together once, here.

mod args;
mod check;
mod compliance;
mod services;

use std::collections::BTreeMap;

use pulumi_provider::component::{Child, ChildSpec};
use pulumi_provider::value::Value;
use pulumi_provider::{CheckFailure, Component, Inputs, Out, Result, Scope, async_trait};

pub use args::{PlatformArgs, PlatformOutputs};

use services::Wiring;

/// The component type.
pub struct Platform;

const VPC: &str = "healthcare:network:SecureVpc";
const STREAM: &str = "healthcare:streaming:KinesisPipeline";
const CACHE: &str = "healthcare:cache:EncryptedRedis";
const DATABASE: &str = "healthcare:database:HipaaPostgres";
const CLUSTER: &str = "healthcare:compute:FargateCluster";
const BASELINE: &str = "healthcare:index:AccountBaseline";
/// The AccountBaseline inputs the component passes through from `accountBaseline`.
const BASELINE_INPUTS: [&str; 10] = [
    "alarmEmails",
    "s3DataEvents",
    "securityHubStandards",
    "objectLockMode",
    "retainLogs",
    "defaultVpc",
    "supportRole",
    "auditRole",
    "adopt",
    "backup",
];

#[async_trait]
impl Component for Platform {
    const TOKEN: &'static str = "healthcare:index:Platform";
    type Args = PlatformArgs;
    type Outputs = PlatformOutputs;

    fn description() -> &'static str {
        "The HIPAA analytics platform as one resource: a SecureVpc, a KinesisPipeline, an \
         EncryptedRedis, a HipaaPostgres and (with services) a FargateCluster, each a child \
         resource of its own, wired once: the database and the cache in the isolated subnets, \
         reachable only from the VPC's application security group, which every service \
         carries; every service in the private subnets, reading the database's and the \
         cache's secrets (and told their endpoints), its task role allowed to assume the \
         stream's producer role. `compliance` gathers every part's controls."
    }

    fn check(&self, inputs: &Inputs<PlatformArgs>) -> Vec<CheckFailure> {
        check::check(inputs)
    }

    async fn construct(
        &self,
        scope: &Scope,
        inputs: &Inputs<PlatformArgs>,
    ) -> Result<BTreeMap<String, Out>> {
        let prefix = match &inputs.args().name_prefix {
            Some(p) if inputs.is_known("namePrefix") => p.clone(),
            _ => scope.name().to_string(),
        };
        let parts = Parts {
            scope,
            inputs,
            prefix: &prefix,
        };
        let data = async {
            let network = scope.register(parts.network()).await?;
            let (cache, database) = tokio::join!(
                scope.register(parts.cache(&network)),
                scope.register(parts.database(&network)),
            );
            Ok::<_, pulumi_provider::Error>((network, cache?, database?))
        };
        let baseline = async {
            match parts.baseline() {
                Some(spec) => scope.register(spec).await.map(Some),
                None => Ok(None),
            }
        };
        let (data, stream, baseline) = tokio::join!(data, scope.register(parts.stream()), baseline);
        let ((network, cache, database), stream, baseline) = (data?, stream?, baseline?);
        let wiring = Wiring {
            network: &network,
            stream: &stream,
            cache: &cache,
            database: &database,
        };
        let cluster = match parts.cluster(&wiring) {
            Some(spec) => Some(scope.register(spec).await?),
            None => None,
        };
        Ok(outputs(&wiring, cluster.as_ref(), baseline.as_ref()))
    }
}

/// The child specs, from the component's inputs.
struct Parts<'a> {
    scope: &'a Scope,
    inputs: &'a Inputs<PlatformArgs>,
    prefix: &'a str,
}

impl Parts<'_> {
    fn spec(&self, token: &str, part: &str) -> ChildSpec {
        self.scope
            .child(token, format!("{}-{part}", self.prefix))
            .from_input("tags", "tags", self.inputs.get("tags"))
    }

    /// A child input fed by the component input of another name.
    fn pass(&self, spec: ChildSpec, key: &str, input: &str) -> ChildSpec {
        spec.from_input(key, input, self.inputs.get(input))
    }

    fn network(&self) -> ChildSpec {
        let spec = self.spec(VPC, "network");
        let spec = self.pass(spec, "cidrBlock", "cidrBlock");
        let spec = self.pass(spec, "availabilityZoneCount", "availabilityZoneCount");
        let spec = self.pass(spec, "natGateways", "natGateways");
        self.pass(spec, "endpoints", "endpoints")
    }

    fn stream(&self) -> ChildSpec {
        let spec = self.spec(STREAM, "events");
        let spec = self.pass(spec, "shardCount", "streamShardCount");
        self.pass(spec, "retentionHours", "streamRetentionHours")
    }

    /// The isolated subnets, and only the application security group let in.
    fn data_store(&self, spec: ChildSpec, network: &Child) -> ChildSpec {
        let spec = self.pass(spec, "skipFinalSnapshot", "skipFinalSnapshot");
        spec.set("vpcId", network.output("vpcId"))
            .set("subnetIds", network.output("isolatedSubnetIds"))
            .set(
                "allowedSecurityGroupIds",
                Out::list([network.output("applicationSecurityGroupId")]),
            )
    }

    fn cache(&self, network: &Child) -> ChildSpec {
        let spec = self.data_store(self.spec(CACHE, "cache"), network);
        let spec = self.pass(spec, "nodeType", "cacheNodeType");
        self.pass(spec, "replicas", "cacheReplicas")
    }

    fn database(&self, network: &Child) -> ChildSpec {
        let spec = self.data_store(self.spec(DATABASE, "db"), network);
        let spec = self.pass(spec, "engine", "databaseEngine");
        let spec = self.pass(spec, "instanceClass", "databaseInstanceClass");
        let spec = self.pass(spec, "minCapacity", "databaseMinCapacity");
        let spec = self.pass(spec, "maxCapacity", "databaseMaxCapacity");
        let spec = self.pass(spec, "databaseName", "databaseName");
        self.pass(spec, "deletionProtection", "deletionProtection")
    }

    /// The account baseline, when asked for.
    fn baseline(&self) -> Option<ChildSpec> {
        let settings = self.inputs.get("accountBaseline");
        if settings.is_null() {
            return None;
        }
        let spec = self.spec(BASELINE, "baseline");
        Some(BASELINE_INPUTS.iter().fold(spec, |spec, key| {
            spec.from_input(key, "accountBaseline", settings.get(key))
        }))
    }

    /// The cluster, when there are services (or, in a preview, may be).
    fn cluster(&self, wiring: &Wiring<'_>) -> Option<ChildSpec> {
        let services = self.inputs.get("services");
        let none = services.entries().is_some_and(|e| e.is_empty());
        if none {
            return None;
        }
        let spec = self.spec(CLUSTER, "services");
        Some(spec.from_input("services", "services", wiring.services(services)))
    }
}

/// The component's outputs, from its children's.
fn outputs(
    w: &Wiring<'_>,
    cluster: Option<&Child>,
    baseline: Option<&Child>,
) -> BTreeMap<String, Out> {
    let (net, stream, cache, db) = (w.network, w.stream, w.cache, w.database);
    let mut parts = vec![
        ("network", net.output("compliance")),
        ("events", stream.output("compliance")),
        ("cache", cache.output("compliance")),
        ("database", db.output("compliance")),
    ];
    let mut out = BTreeMap::from([
        ("vpcId".to_string(), net.output("vpcId")),
        ("publicSubnetIds".to_string(), net.output("publicSubnetIds")),
        (
            "privateSubnetIds".to_string(),
            net.output("privateSubnetIds"),
        ),
        (
            "isolatedSubnetIds".to_string(),
            net.output("isolatedSubnetIds"),
        ),
        (
            "applicationSecurityGroupId".to_string(),
            net.output("applicationSecurityGroupId"),
        ),
        ("streamName".to_string(), stream.output("streamName")),
        ("streamArn".to_string(), stream.output("streamArn")),
        (
            "producerRoleArn".to_string(),
            stream.output("producerRoleArn"),
        ),
        (
            "consumerRoleArn".to_string(),
            stream.output("consumerRoleArn"),
        ),
        ("databaseEndpoint".to_string(), db.output("endpoint")),
        (
            "databaseReaderEndpoint".to_string(),
            db.output("readerEndpoint"),
        ),
        ("databasePort".to_string(), db.output("port")),
        (
            "databaseSecretArn".to_string(),
            db.output("masterUserSecretArn"),
        ),
        ("cacheEndpoint".to_string(), cache.output("primaryEndpoint")),
        (
            "cacheReaderEndpoint".to_string(),
            cache.output("readerEndpoint"),
        ),
        ("cachePort".to_string(), cache.output("port")),
        ("cacheSecretArn".to_string(), cache.output("authSecretArn")),
    ]);
    let mut service_arns = Out::object([]);
    if let Some(cluster) = cluster {
        out.insert("clusterName".into(), cluster.output("clusterName"));
        parts.push(("services", cluster.output("compliance")));
        let services = cluster.output("serviceOutputs");
        service_arns = match services.entries() {
            Some(entries) => Out::object(
                entries
                    .into_iter()
                    .map(|(name, service)| (name, service.get("serviceArn"))),
            ),
            None => Out {
                value: Value::Unknown,
                deps: services.deps,
            },
        };
    }
    out.insert("serviceArns".into(), service_arns);
    if let Some(baseline) = baseline {
        out.insert(
            "accountBaselineTrailArn".into(),
            baseline.output("trailArn"),
        );
        parts.push(("baseline", baseline.output("compliance")));
    }
    out.insert("compliance".into(), compliance::aggregate(parts));
    out
}
