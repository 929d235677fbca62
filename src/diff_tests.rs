use super::*;
use schemars::JsonSchema;
use serde_json::json;

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Args {
    #[schemars(extend("replaceOnChanges" = true))]
    name: String,
    size: u32,
}

fn obj(v: J) -> Map<String, J> {
    v.as_object().cloned().unwrap()
}

#[test]
fn a_change_to_a_replace_property_replaces_and_others_update() {
    let info = ObjectInfo::of::<Args>();
    let d = diff_inputs(
        &obj(json!({"name": "a", "size": 1})),
        &obj(json!({"name": "b", "size": 2.0})),
        &Default::default(),
        &[],
        &info,
    );
    assert_eq!(d.replaces(), vec!["name".to_string()]);
    assert_eq!(d.changes["size"].kind, ChangeKind::Update);
    assert!(!d.changes["size"].replace);
}

#[test]
fn equal_numbers_of_different_spelling_are_no_change() {
    let info = ObjectInfo::of::<Args>();
    let d = diff_inputs(
        &obj(json!({"size": 3})),
        &obj(json!({"size": 3.0})),
        &Default::default(),
        &[],
        &info,
    );
    assert!(d.changes.is_empty());
}

#[test]
fn an_unknown_input_counts_as_changed_and_ignored_ones_do_not() {
    let info = ObjectInfo::of::<Args>();
    let unknown = ["size".to_string()].into_iter().collect();
    let d = diff_inputs(
        &obj(json!({"name": "a", "size": 1})),
        &obj(json!({"name": "z", "size": 1})),
        &unknown,
        &["name".to_string()],
        &info,
    );
    assert_eq!(d.changes.keys().collect::<Vec<_>>(), vec!["size"]);
}
