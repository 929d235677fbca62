//! A check of a resource the engine does not hold yet runs the resource's read-only looks
//! (preflight) once the provider is configured; their failures refuse the inputs, and a look
//! that cannot be made lets the check pass.

use std::sync::{Arc, Mutex};

use prost_types::Struct;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;
use crate::context::Ctx;
use crate::resource::Resource;
use crate::server::tests::Nothing;
use crate::value::Value;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct GateArgs {
    setting: String,
}

/// Refuses `setting: taken`, cannot look for `setting: unreachable`; records each look.
/// Without `PREFLIGHT` (`LOOKS` false), its check must never call it.
struct Gate<const LOOKS: bool> {
    looks: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl<const LOOKS: bool> Resource<()> for Gate<LOOKS> {
    const TOKEN: &'static str = if LOOKS {
        "test:index:Gate"
    } else {
        "test:index:Plain"
    };
    const PREFLIGHT: bool = LOOKS;
    type Args = GateArgs;
    type State = GateArgs;

    fn description() -> &'static str {
        "a gate"
    }

    async fn preflight(
        &self,
        _: &(),
        _: &Ctx,
        inputs: &GateArgs,
    ) -> crate::Result<Vec<crate::CheckFailure>> {
        self.looks.lock().unwrap().push(inputs.setting.clone());
        match inputs.setting.as_str() {
            "taken" => Ok(vec![crate::CheckFailure::new(
                "setting",
                "the account already has one",
            )]),
            "unreachable" => Err(Error::Internal("no route to the cloud".into())),
            _ => Ok(Vec::new()),
        }
    }
}

type Looking = Gate<true>;
type Plain = Gate<false>;

type Server = Arc<ProviderServer<Nothing>>;

fn server(configured: bool) -> (Server, Arc<Mutex<Vec<String>>>) {
    let looks = Arc::new(Mutex::new(Vec::new()));
    let server = ProviderServer::new(Nothing)
        .resource(Looking {
            looks: looks.clone(),
        })
        .resource(Plain {
            looks: looks.clone(),
        });
    if configured {
        *server.context.write().unwrap() = Some(Arc::new(()));
    }
    (Arc::new(server), looks)
}

fn inputs(setting: Value) -> Option<Struct> {
    let mut map = PropertyMap::new();
    map.insert("setting".into(), setting);
    Some(to_struct(&map))
}

fn setting(s: &str) -> Option<Struct> {
    inputs(Value::from_json(&json!(s)))
}

async fn check(
    server: &Server,
    token: &str,
    news: Option<Struct>,
    olds: Option<Struct>,
) -> Vec<(String, String)> {
    let request = rpc::CheckRequest {
        urn: format!("urn:pulumi:s::p::{token}::gate"),
        r#type: token.to_string(),
        name: "gate".into(),
        news,
        olds,
        ..Default::default()
    };
    let answer = ResourceProvider::check(server, Request::new(request))
        .await
        .unwrap()
        .into_inner();
    answer
        .failures
        .into_iter()
        .map(|f| (f.property, f.reason))
        .collect()
}

#[tokio::test]
async fn a_new_resource_is_refused_when_its_look_at_the_cloud_finds_a_conflict() {
    let (server, looks) = server(true);
    assert_eq!(
        check(&server, Looking::TOKEN, setting("taken"), None).await,
        vec![("setting".into(), "the account already has one".into())]
    );
    assert!(
        check(&server, Looking::TOKEN, setting("free"), None)
            .await
            .is_empty()
    );
    assert_eq!(*looks.lock().unwrap(), ["taken", "free"]);
}

#[tokio::test]
async fn a_resource_the_engine_holds_is_not_looked_at_again() {
    let (server, looks) = server(true);
    let failures = check(&server, Looking::TOKEN, setting("taken"), setting("free")).await;
    assert!(failures.is_empty(), "{failures:?}");
    assert!(looks.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_look_that_cannot_be_made_lets_the_check_pass() {
    let (server, looks) = server(true);
    let failures = check(&server, Looking::TOKEN, setting("unreachable"), None).await;
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(*looks.lock().unwrap(), ["unreachable"]);
}

#[tokio::test]
async fn nothing_is_looked_at_before_configure_or_with_inputs_not_known_yet() {
    let (unconfigured, looks) = server(false);
    assert!(
        check(&unconfigured, Looking::TOKEN, setting("taken"), None)
            .await
            .is_empty()
    );
    let (server, more) = server(true);
    let unknown = inputs(Value::Unknown);
    assert!(
        check(&server, Looking::TOKEN, unknown, None)
            .await
            .is_empty()
    );
    assert!(looks.lock().unwrap().is_empty() && more.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_resource_without_preflight_never_looks() {
    let (server, looks) = server(true);
    assert!(
        check(&server, Plain::TOKEN, setting("taken"), None)
            .await
            .is_empty()
    );
    assert!(looks.lock().unwrap().is_empty());
}
