use std::sync::atomic::{AtomicU32, Ordering};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Args {
    size: Option<u32>,
    zones: Vec<String>,
}

/// As a later release might write it: `added` is new, `renamed` was `oldName` in version 0.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct State {
    #[serde(flatten)]
    args: Args,
    arn: String,
    added: Vec<String>,
    renamed: String,
}

#[derive(Default)]
struct Thing {
    migrations: AtomicU32,
}

#[async_trait]
impl Resource<()> for Thing {
    const TOKEN: &'static str = "test:index:Thing";
    const STATE_VERSION: u32 = 1;
    type Args = Args;
    type State = State;

    fn description() -> &'static str {
        "a thing"
    }

    fn migrate(
        &self,
        from: u32,
        mut state: serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        assert_eq!(from, 0);
        self.migrations.fetch_add(1, Ordering::SeqCst);
        if let Some(old) = state.remove("oldName") {
            state.insert("renamed".into(), old);
        }
        Ok(state)
    }

    async fn create(&self, _: &(), _: &Ctx, _: Args) -> Result<(String, State), Error> {
        Ok(("id".into(), State::default()))
    }
}

fn map(j: serde_json::Value) -> PropertyMap {
    match Value::from_json(&j) {
        Value::Object(m) => m,
        _ => PropertyMap::new(),
    }
}

fn handler() -> Typed<Thing> {
    Typed::new::<()>(Thing::default())
}

fn diff(
    h: &Typed<Thing>,
    state: serde_json::Value,
    old: serde_json::Value,
    new: serde_json::Value,
) -> Answer<DiffResult> {
    Handler::<()>::diff(h, map(state), map(old), map(new), &[])
}

#[test]
fn a_state_of_an_older_release_is_migrated_and_missing_fields_take_their_defaults() {
    let h = handler();
    let saved = Decoded::new(
        map(json!({"size": 2, "zones": ["a"], "arn": "arn:x", "oldName": "n"})),
        &h.outputs,
    );
    let state: State = typed_state::<(), Thing>(&h.resource, &saved).unwrap();
    assert_eq!(state.arn, "arn:x");
    assert_eq!(state.renamed, "n");
    assert!(state.added.is_empty());
    assert_eq!(h.resource.migrations.load(Ordering::SeqCst), 1);

    // Saved at the current version: no migration.
    let current = Decoded::new(
        map(json!({"arn": "arn:y", "__stateVersion": 1})),
        &h.outputs,
    );
    let state = typed_state::<(), Thing>(&h.resource, &current).unwrap();
    assert_eq!(state.arn, "arn:y");
    assert_eq!(h.resource.migrations.load(Ordering::SeqCst), 1);
}

#[test]
fn a_state_of_a_newer_release_is_refused_with_both_versions() {
    let h = handler();
    let saved = Decoded::new(map(json!({"arn": "a", "__stateVersion": 7})), &h.outputs);
    let err = typed_state::<(), Thing>(&h.resource, &saved)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("newer release") && err.contains("7") && err.contains("up to 1"),
        "{err}"
    );
}

#[test]
fn an_undecodable_state_fails_the_diff_naming_the_type_and_field_never_the_value() {
    let h = handler();
    let Err(Failed::Error(e)) = diff(
        &h,
        json!({"arn": {"nested": "s3cr3t-value"}}),
        json!({"size": 1}),
        json!({"size": 2}),
    ) else {
        panic!("the diff of an undecodable state must fail");
    };
    let text = e.to_string();
    assert!(
        text.contains("test:index:Thing") && text.contains("arn"),
        "{text}"
    );
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[test]
fn undecodable_saved_inputs_fail_the_diff_too() {
    let h = handler();
    let r = diff(
        &h,
        json!({}),
        json!({"zones": "not-a-list"}),
        json!({"size": 2}),
    );
    let Err(Failed::Error(e)) = r else {
        panic!("the diff of undecodable saved inputs must fail");
    };
    assert!(e.to_string().contains("zones"), "{e}");
}

#[test]
fn without_update_every_change_replaces() {
    let h = handler();
    let d = match diff(
        &h,
        json!({}),
        json!({"size": 1, "zones": []}),
        json!({"size": 2, "zones": []}),
    ) {
        Ok(d) => d,
        Err(Failed::Error(e)) => panic!("diff failed: {e}"),
        Err(_) => panic!("diff failed"),
    };
    assert_eq!(d.replaces(), vec!["size".to_string()]);
}

#[test]
fn saved_states_carry_their_version() {
    let m = versioned(PropertyMap::new(), 3);
    assert_eq!(m.get(STATE_VERSION_KEY), Some(&Value::Number(3.0)));
}

#[test]
fn the_partial_state_debug_shows_field_names_only() {
    let e = Error::partial("id-1", &json!({"authToken": "s3cr3t"}), "boom");
    let shown = format!("{e:?}");
    assert!(
        shown.contains("authToken") && !shown.contains("s3cr3t"),
        "{shown}"
    );
}

#[test]
fn a_failure_about_a_secret_input_names_it_in_the_reason_so_the_engine_prints_no_value() {
    let secret = BTreeSet::from(["token".to_string()]);
    let f = unechoed(CheckFailure::new("token[0]", "expected a string"), &secret);
    assert_eq!(
        f.as_reported(),
        (String::new(), "token[0]: expected a string".to_string())
    );
    let plain = unechoed(CheckFailure::new("size", "too big"), &secret);
    assert_eq!(plain.as_reported(), ("size".into(), "too big".into()));
}

/// A resource written the converging way: no create or update of its own.
struct Named;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct NamedArgs {
    bucket_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct NamedState {
    #[serde(flatten)]
    args: NamedArgs,
    drift: Vec<String>,
    previous: Option<String>,
}

#[async_trait]
impl Resource<()> for Named {
    const TOKEN: &'static str = "test:index:Named";
    const NAME_PROPERTY: Option<&'static str> = Some("bucketName");
    const UPDATES_IN_PLACE: bool = true;
    const DRIFT_PROPERTY: Option<&'static str> = Some("drift");
    type Args = NamedArgs;
    type State = NamedState;

    fn description() -> &'static str {
        "a named thing"
    }

    async fn converge(
        &self,
        _: &(),
        _: &Ctx,
        inputs: &NamedArgs,
        previous: Option<&NamedState>,
    ) -> Result<NamedState, Error> {
        Ok(NamedState {
            args: inputs.clone(),
            drift: Vec::new(),
            previous: previous.and_then(|p| p.args.bucket_name.clone()),
        })
    }
}

fn ctx() -> Ctx {
    Ctx::new(
        "urn:pulumi:s::p::test:index:Named::n",
        tokio_util::sync::CancellationToken::new(),
        crate::engine::EngineLog::default(),
    )
}

#[tokio::test]
async fn converge_serves_create_with_the_name_property_as_id_and_update_from_the_old_state() {
    let args = NamedArgs {
        bucket_name: Some("b-1".into()),
    };
    let (id, state) = Named.create(&(), &ctx(), args.clone()).await.unwrap();
    assert_eq!(id, "b-1");
    assert_eq!(state.previous, None);
    let renamed = NamedArgs {
        bucket_name: Some("b-2".into()),
    };
    let updated = Named
        .update(&(), &ctx(), &id, state, renamed, Some(args))
        .await
        .unwrap();
    assert_eq!(updated.args.bucket_name.as_deref(), Some("b-2"));
    assert_eq!(updated.previous.as_deref(), Some("b-1"));

    let unnamed = Named.create(&(), &ctx(), NamedArgs::default()).await;
    assert!(unnamed.unwrap_err().to_string().contains("id_of"));
}

#[test]
fn drift_in_the_old_state_plans_an_update_on_the_drift_output_alone() {
    let h = Typed::new::<()>(Named);
    let inputs = json!({"bucketName": "b"});
    let drifted = json!({"bucketName": "b", "drift": ["a rule was added"]});
    let Ok(d) = Handler::<()>::diff(
        &h,
        map(drifted),
        map(inputs.clone()),
        map(inputs.clone()),
        &[],
    ) else {
        panic!("the diff failed");
    };
    assert_eq!(d.changes.keys().collect::<Vec<_>>(), ["drift"]);
    let change = &d.changes["drift"];
    assert!(!change.input && !change.replace);
    assert_eq!(change.kind, crate::diff::ChangeKind::Delete);

    let clean = json!({"bucketName": "b", "drift": []});
    let Ok(d) = Handler::<()>::diff(&h, map(clean), map(inputs.clone()), map(inputs), &[]) else {
        panic!("the diff failed");
    };
    assert!(d.changes.is_empty());
}
