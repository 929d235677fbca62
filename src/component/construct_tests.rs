//! Construct against a fake resource monitor: what is registered, in what order, with
//! which options, and what the engine is answered.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use super::*;
use crate::component::{Component, Inputs, TypedComponent};
use crate::engine::EngineLog;
use crate::proto::pulumirpc::{self as rpc, resource_monitor_server as server};

/// Records every registration; answers children with their inputs plus an `arn` (absent
/// in a preview), and fails the child named `broken`.
#[derive(Default, Clone)]
struct FakeMonitor {
    registered: Arc<Mutex<Vec<rpc::RegisterResourceRequest>>>,
    outputs: Arc<Mutex<Vec<rpc::RegisterResourceOutputsRequest>>>,
    preview: bool,
    /// A child the engine leaves out (a targeted update): answered unknown, with no outputs.
    elided: Option<String>,
}

fn urn_of(r: &rpc::RegisterResourceRequest) -> String {
    format!("urn:pulumi:dev::proj::{}::{}", r.r#type, r.name)
}

#[async_trait]
impl server::ResourceMonitor for FakeMonitor {
    async fn get_deployment_info(
        &self,
        _: Request<()>,
    ) -> Result<Response<rpc::DeploymentInfo>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn supports_feature(
        &self,
        _: Request<rpc::SupportsFeatureRequest>,
    ) -> Result<Response<rpc::SupportsFeatureResponse>, Status> {
        Ok(Response::new(rpc::SupportsFeatureResponse {
            has_support: true,
        }))
    }
    async fn invoke(
        &self,
        _: Request<rpc::ResourceInvokeRequest>,
    ) -> Result<Response<rpc::ResourceInvokeResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn call(
        &self,
        _: Request<rpc::ResourceCallRequest>,
    ) -> Result<Response<rpc::CallResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn read_resource(
        &self,
        _: Request<rpc::ReadResourceRequest>,
    ) -> Result<Response<rpc::ReadResourceResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn exists_resource(
        &self,
        _: Request<rpc::ExistsResourceRequest>,
    ) -> Result<Response<rpc::ExistsResourceResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn register_resource(
        &self,
        req: Request<rpc::RegisterResourceRequest>,
    ) -> Result<Response<rpc::RegisterResourceResponse>, Status> {
        let req = req.into_inner();
        self.registered.lock().unwrap().push(req.clone());
        if req.name == "broken" {
            return Err(Status::unknown("creating failed: AccessDenied"));
        }
        if self.elided.as_deref() == Some(req.name.as_str()) {
            return Ok(Response::new(rpc::RegisterResourceResponse {
                urn: urn_of(&req),
                unknown: true,
                ..Default::default()
            }));
        }
        let mut object = req
            .object
            .clone()
            .map(|o| from_struct(&o))
            .unwrap_or_default();
        if req.custom && !self.preview {
            object.insert("arn".into(), Value::String(format!("arn:{}", req.name)));
        }
        Ok(Response::new(rpc::RegisterResourceResponse {
            urn: urn_of(&req),
            id: if req.custom {
                req.name.clone()
            } else {
                String::new()
            },
            object: Some(to_struct(&object)),
            ..Default::default()
        }))
    }
    async fn register_resource_outputs(
        &self,
        req: Request<rpc::RegisterResourceOutputsRequest>,
    ) -> Result<Response<()>, Status> {
        self.outputs.lock().unwrap().push(req.into_inner());
        Ok(Response::new(()))
    }
    async fn register_stack_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn register_stack_invoke_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn register_resource_hook(
        &self,
        _: Request<rpc::RegisterResourceHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn register_error_hook(
        &self,
        _: Request<rpc::RegisterErrorHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn register_package(
        &self,
        _: Request<rpc::RegisterPackageRequest>,
    ) -> Result<Response<rpc::RegisterPackageResponse>, Status> {
        Err(Status::unimplemented(""))
    }
    async fn signal_and_wait_for_shutdown(&self, _: Request<()>) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(""))
    }
}

async fn serve(monitor: FakeMonitor) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(server::ResourceMonitorServer::new(monitor))
            .serve_with_incoming(TcpIncoming::from(listener)),
    );
    address
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct PairArgs {
    size: Option<i64>,
    label: Option<String>,
    break_second: Option<bool>,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct PairOutputs {
    first_arn: String,
    second_arn: String,
}

/// Two children: `first` from `size`, `second` from `first`'s ARN.
struct Pair;

#[async_trait]
impl Component for Pair {
    const TOKEN: &'static str = "test:index:Pair";
    type Args = PairArgs;
    type Outputs = PairOutputs;

    fn description() -> &'static str {
        "two resources"
    }

    fn check(&self, inputs: &Inputs<PairArgs>) -> Vec<crate::CheckFailure> {
        match inputs.args().size {
            Some(n) if n < 0 => vec![crate::CheckFailure::new("size", "must not be negative")],
            _ => Vec::new(),
        }
    }

    async fn construct(
        &self,
        scope: &Scope,
        inputs: &Inputs<PairArgs>,
    ) -> Result<BTreeMap<String, Out>> {
        let first = scope
            .child("test:index:Thing", format!("{}-first", scope.name()))
            .from_input("capacity", "size", inputs.get("size"));
        let first = scope.register(first).await?;
        let name = if inputs.args().break_second == Some(true) {
            "broken".to_string()
        } else {
            format!("{}-second", scope.name())
        };
        let second = scope
            .child("test:index:Thing", name)
            .set("source", first.output("arn"))
            .from_input("label", "label", inputs.get("label"));
        let second = scope.register(second).await?;
        Ok(BTreeMap::from([
            ("firstArn".to_string(), first.output("arn")),
            ("secondArn".to_string(), second.output("arn")),
        ]))
    }
}

fn request(address: &str, inputs: PropertyMap) -> ConstructRequest {
    ConstructRequest {
        monitor_endpoint: address.to_string(),
        r#type: Pair::TOKEN.into(),
        name: "pair".into(),
        parent: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev".into(),
        inputs: Some(to_struct(&inputs)),
        ..Default::default()
    }
}

/// Checks `test:index:Thing` children as their provider would: a capacity over 100 is
/// refused, a label `secret` is refused without its value shown, and a source `arn:odd...`
/// (no component input feeds `source`) is refused.
struct ThingChecks;

impl crate::component::ChildCheck for ThingChecks {
    fn check_child(
        &self,
        token: &str,
        _name: &str,
        inputs: PropertyMap,
    ) -> Option<Vec<crate::CheckFailure>> {
        if token != "test:index:Thing" {
            return None;
        }
        let mut failures = Vec::new();
        if matches!(inputs.get("capacity"), Some(Value::Number(n)) if *n > 100.0) {
            failures.push(crate::CheckFailure::new("capacity", "must be at most 100"));
        }
        if inputs.get("label") == Some(&Value::String("secret".into())) {
            failures.push(crate::CheckFailure::unechoed("label", "must not be secret"));
        }
        if matches!(inputs.get("source"), Some(Value::String(s)) if s.starts_with("arn:odd")) {
            failures.push(crate::CheckFailure::new("source", "is not an ARN"));
        }
        Some(failures)
    }
}

async fn run(req: &ConstructRequest) -> Result<ConstructResponse> {
    let handler = TypedComponent::new(Pair);
    let ctx = Ctx::new("", CancellationToken::new(), EngineLog::default());
    construct(&handler, req, ctx, "1.2.3", Arc::new(ThingChecks)).await
}

fn inputs(pairs: &[(&str, Value)]) -> PropertyMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test]
async fn the_component_is_registered_first_and_its_children_under_it() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let answer = run(&request(&address, inputs(&[("size", Value::Number(3.0))])))
        .await
        .unwrap();

    let registered = monitor.registered.lock().unwrap().clone();
    assert_eq!(registered.len(), 3);
    let component = &registered[0];
    assert!(!component.custom);
    assert_eq!(component.r#type, "test:index:Pair");
    assert!(component.parent.ends_with("proj-dev"));
    let component_urn = answer.urn.clone();
    for child in &registered[1..] {
        assert!(child.custom);
        assert_eq!(
            child.parent, component_urn,
            "{} is parented to the component",
            child.name
        );
        assert_eq!(child.version, "1.2.3");
        assert!(child.accept_secrets && child.supports_partial_values);
    }
    let first = from_struct(registered[1].object.as_ref().unwrap());
    assert_eq!(first.get("capacity"), Some(&Value::Number(3.0)));
    // The second depends on the first through the input it took from it.
    let second = &registered[2];
    let first_urn = "urn:pulumi:dev::proj::test:index:Thing::pair-first";
    assert_eq!(second.dependencies, vec![first_urn.to_string()]);
    assert_eq!(
        second.property_dependencies["source"].urns,
        vec![first_urn.to_string()]
    );

    let state = from_struct(answer.state.as_ref().unwrap());
    assert_eq!(
        state.get("firstArn"),
        Some(&Value::String("arn:pair-first".into()))
    );
    assert_eq!(
        answer.state_dependencies["secondArn"].urns,
        vec!["urn:pulumi:dev::proj::test:index:Thing::pair-second".to_string()]
    );
    let outputs = monitor.outputs.lock().unwrap().clone();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].urn, component_urn);
}

#[tokio::test]
async fn in_a_preview_outputs_not_yet_known_are_unknown() {
    let monitor = FakeMonitor {
        preview: true,
        ..Default::default()
    };
    let address = serve(monitor.clone()).await;
    let mut req = request(&address, inputs(&[("size", Value::Unknown)]));
    req.dry_run = true;
    let answer = run(&req).await.unwrap();
    let registered = monitor.registered.lock().unwrap().clone();
    let first = from_struct(registered[1].object.as_ref().unwrap());
    assert_eq!(
        first.get("capacity"),
        Some(&Value::Unknown),
        "an unknown input is passed on unknown"
    );
    let second = from_struct(registered[2].object.as_ref().unwrap());
    assert_eq!(second.get("source"), Some(&Value::Unknown));
    let state = from_struct(answer.state.as_ref().unwrap());
    assert_eq!(state.get("secondArn"), Some(&Value::Unknown));
}

#[tokio::test]
async fn a_wrong_input_is_refused_by_name_before_anything_is_registered() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let wrong_type = run(&request(
        &address,
        inputs(&[("size", Value::String("big".into()))]),
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(wrong_type, Error::Undecodable { ref path, .. } if path == "size"),
        "{wrong_type}"
    );
    let negative = run(&request(&address, inputs(&[("size", Value::Number(-1.0))])))
        .await
        .unwrap_err();
    assert!(
        negative.to_string().contains("size: must not be negative"),
        "{negative}"
    );
    assert!(monitor.registered.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_child_that_fails_is_named_and_the_children_before_it_stay_registered() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let err = run(&request(
        &address,
        inputs(&[("breakSecond", Value::Bool(true))]),
    ))
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("broken (test:index:Thing)") && text.contains("AccessDenied"),
        "{text}"
    );
    let names: Vec<String> = monitor
        .registered
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(names, vec!["pair", "pair-first", "broken"]);
    assert!(monitor.outputs.lock().unwrap().is_empty());
}

#[tokio::test]
async fn request_options_reach_the_component_and_its_children() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let mut req = request(
        &address,
        inputs(&[
            ("size", Value::Number(1.0)),
            ("label", Value::String("x".into())),
        ]),
    );
    req.protect = Some(true);
    req.retain_on_delete = Some(true);
    req.dependencies = vec!["urn:pulumi:dev::proj::other:index:Db::db".into()];
    req.providers = std::collections::HashMap::from([(
        "test".to_string(),
        "urn:pulumi:dev::proj::pulumi:providers:test::p::abc".to_string(),
    )]);
    req.ignore_changes = vec!["size".into()];
    req.additional_secret_outputs = vec!["firstArn".into()];
    let answer = run(&req).await.unwrap();
    let registered = monitor.registered.lock().unwrap().clone();
    assert_eq!(registered[0].protect, Some(true));
    assert_eq!(
        registered[0].providers["test"],
        "urn:pulumi:dev::proj::pulumi:providers:test::p::abc"
    );
    let (first, second) = (&registered[1], &registered[2]);
    for child in [first, second] {
        assert_eq!(child.protect, Some(true));
        assert_eq!(child.retain_on_delete, Some(true));
        assert_eq!(
            child.provider,
            "urn:pulumi:dev::proj::pulumi:providers:test::p::abc"
        );
        assert!(
            child
                .dependencies
                .contains(&"urn:pulumi:dev::proj::other:index:Db::db".to_string())
        );
    }
    assert_eq!(
        first.ignore_changes,
        vec!["capacity".to_string()],
        "size feeds capacity"
    );
    assert!(second.ignore_changes.is_empty());
    let state = from_struct(answer.state.as_ref().unwrap());
    assert!(matches!(state.get("firstArn"), Some(Value::Secret(_))));
}

#[tokio::test]
async fn a_child_the_engine_leaves_out_of_an_update_leaves_its_outputs_out() {
    let monitor = FakeMonitor {
        elided: Some("pair-first".into()),
        ..Default::default()
    };
    let address = serve(monitor.clone()).await;
    let answer = run(&request(&address, inputs(&[("size", Value::Number(2.0))])))
        .await
        .unwrap();
    let state = from_struct(answer.state.as_ref().unwrap());
    assert_eq!(
        state.get("firstArn"),
        None,
        "an unknown output is left out of an update"
    );
    assert_eq!(
        state.get("secondArn"),
        Some(&Value::String("arn:pair-second".into()))
    );
    let outputs = monitor.outputs.lock().unwrap().clone();
    assert!(
        !from_struct(outputs[0].outputs.as_ref().unwrap())
            .values()
            .any(Value::contains_unknowns)
    );
}

#[tokio::test]
async fn a_child_input_its_own_check_refuses_is_named_by_the_component_input_that_fed_it() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let req = request(&address, inputs(&[("size", Value::Number(500.0))]));
    let err = run(&req).await.unwrap_err().to_string();
    assert!(
        err.contains("invalid test:index:Pair inputs: size: must be at most 100"),
        "{err}"
    );
    let registered = monitor.registered.lock().unwrap();
    let names: Vec<&str> = registered.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["pair"], "the refused child must not be registered");
}

#[tokio::test]
async fn a_refused_child_property_no_input_feeds_is_named_with_the_child() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    // The second child's source is the first's ARN: `arn:odd-first`.
    let mut req = request(&address, inputs(&[]));
    req.name = "odd".into();
    let err = run(&req).await.unwrap_err().to_string();
    assert!(
        err.contains("source of child odd-second (test:index:Thing): is not an ARN"),
        "{err}"
    );
    let registered = monitor.registered.lock().unwrap();
    let names: Vec<&str> = registered.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["odd", "odd-first"]);
}

#[tokio::test]
async fn a_refused_unechoed_child_input_is_named_but_its_value_is_not_shown() {
    let monitor = FakeMonitor::default();
    let address = serve(monitor.clone()).await;
    let req = request(
        &address,
        inputs(&[("label", Value::String("secret".into()))]),
    );
    let err = run(&req).await.unwrap_err().to_string();
    assert!(err.contains("label: must not be secret"), "{err}");
    assert!(!err.contains("\"secret\""), "{err}");
}
