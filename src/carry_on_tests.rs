//! A create whose auto-name lost track of an earlier attempt carries on with that attempt's
//! name; an update keeps working on the object its id names.

use std::sync::Mutex;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct StreamArgs {
    stream_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct StreamState {
    #[serde(flatten)]
    args: StreamArgs,
}

/// Remembers the name each converge worked on; `left` is what an earlier attempt left.
#[derive(Default)]
struct Stream {
    left: Option<String>,
    asked: Mutex<u32>,
    worked_on: Mutex<Vec<String>>,
}

#[async_trait]
impl Resource<()> for Stream {
    const TOKEN: &'static str = "test:index:Stream";
    const NAME_PROPERTY: Option<&'static str> = Some("streamName");
    const UPDATES_IN_PLACE: bool = true;
    type Args = StreamArgs;
    type State = StreamState;

    fn description() -> &'static str {
        "a stream"
    }

    async fn abandoned(&self, _: &(), _: &Ctx, _: &StreamArgs) -> Result<Option<String>, Error> {
        *self.asked.lock().unwrap() += 1;
        Ok(self.left.clone())
    }

    async fn converge(
        &self,
        _: &(),
        _: &Ctx,
        inputs: &StreamArgs,
        _: Option<&StreamState>,
    ) -> Result<StreamState, Error> {
        let name = inputs.stream_name.clone().unwrap_or_default();
        self.worked_on.lock().unwrap().push(name);
        Ok(StreamState {
            args: inputs.clone(),
        })
    }
}

fn map(j: serde_json::Value) -> PropertyMap {
    match Value::from_json(&j) {
        Value::Object(m) => m,
        _ => PropertyMap::new(),
    }
}

fn auto_named(name: &str) -> PropertyMap {
    map(json!({"streamName": name, DEFAULTS_KEY: ["streamName"]}))
}

fn ctx(replacing: bool) -> Ctx {
    let mut ctx = Ctx::new(
        "urn:pulumi:s::p::test:index:Stream::events",
        tokio_util::sync::CancellationToken::new(),
        crate::engine::EngineLog::default(),
    )
    .for_operation(crate::context::Operation::Create);
    ctx.replacing = replacing;
    ctx
}

/// A create through the handler, as the engine calls it; its id and outputs.
async fn create(h: &Typed<Stream>, replacing: bool, news: PropertyMap) -> (String, PropertyMap) {
    match Handler::<()>::create(h, Some(&()), &ctx(replacing), news, false).await {
        Ok(made) => made,
        Err(_) => panic!("the create failed"),
    }
}

fn handler(left: Option<&str>) -> Typed<Stream> {
    Typed::new::<()>(Stream {
        left: left.map(String::from),
        ..Stream::default()
    })
}

#[tokio::test]
async fn an_auto_named_create_carries_on_with_the_name_an_interrupted_attempt_left() {
    let h = handler(Some("events-aaaaaaa"));
    let (id, state) = create(&h, false, auto_named("events-bbbbbbb")).await;
    assert_eq!(id, "events-aaaaaaa");
    assert_eq!(
        state.get("streamName"),
        Some(&Value::String("events-aaaaaaa".into()))
    );
    assert_eq!(*h.resource.worked_on.lock().unwrap(), ["events-aaaaaaa"]);
}

#[tokio::test]
async fn a_create_with_nothing_left_behind_keeps_its_own_name() {
    let h = handler(None);
    let (id, _) = create(&h, false, auto_named("events-bbbbbbb")).await;
    assert_eq!(id, "events-bbbbbbb");
    assert_eq!(*h.resource.asked.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_user_given_name_and_a_replacement_never_look_for_what_was_left() {
    let h = handler(Some("events-aaaaaaa"));
    let given = map(json!({"streamName": "mine"}));
    let (id, _) = create(&h, false, given).await;
    assert_eq!(id, "mine");
    let (id, _) = create(&h, true, auto_named("events-ccccccc")).await;
    assert_eq!(id, "events-ccccccc");
    assert_eq!(*h.resource.asked.lock().unwrap(), 0);
}

#[tokio::test]
async fn an_update_works_on_the_object_its_id_names_when_the_auto_name_differs() {
    let h = handler(None);
    let change = Change {
        olds: map(json!({"streamName": "events-aaaaaaa"})),
        news: auto_named("events-bbbbbbb"),
        old_inputs: auto_named("events-bbbbbbb"),
    };
    let Ok(state) =
        Handler::<()>::update(&h, Some(&()), &ctx(false), "events-aaaaaaa", change, false).await
    else {
        panic!("the update failed");
    };
    assert_eq!(*h.resource.worked_on.lock().unwrap(), ["events-aaaaaaa"]);
    assert_eq!(
        state.get("streamName"),
        Some(&Value::String("events-aaaaaaa".into()))
    );
}
