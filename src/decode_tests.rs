use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Args {
    shard_count: Option<i64>,
    subnet_ids: Option<Vec<String>>,
    tags: Option<BTreeMap<String, String>>,
    mode: Option<Mode>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Mode {
    Provisioned,
    OnDemand,
}

fn fails(json: serde_json::Value) -> Undecodable {
    decode::<Args>(json).expect_err("the value does not decode")
}

#[test]
fn a_wrong_type_names_the_property_and_not_the_value() {
    let f = fails(json!({"shardCount": "hunter2-secret"}));
    assert_eq!(f.path, "shardCount");
    assert_eq!(f.reason, "expected an integer, got a string");
    assert!(!f.reason.contains("hunter2"));
}

#[test]
fn a_nested_failure_names_its_full_path() {
    let f = fails(json!({"subnetIds": ["subnet-1", 42]}));
    assert_eq!(f.path, "subnetIds[1]");
    assert_eq!(f.reason, "expected a string, got an integer");
    let f = fails(json!({"tags": {"team": ["x"]}}));
    assert_eq!(f.path, "tags.team");
    assert!(
        f.reason.starts_with("expected a string, got a list"),
        "{}",
        f.reason
    );
}

#[test]
fn an_unknown_enum_value_lists_the_allowed_ones_but_not_itself() {
    let f = fails(json!({"mode": "s3cr3t-mode"}));
    assert_eq!(f.path, "mode");
    assert!(!f.reason.contains("s3cr3t"), "{}", f.reason);
    assert!(f.reason.contains("PROVISIONED"), "{}", f.reason);
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Required {
    name: String,
}

#[test]
fn a_missing_required_property_is_named_at_the_top() {
    let f = decode::<Required>(json!({})).expect_err("name is required");
    assert_eq!(f.path, "");
    assert_eq!(f.reason, "missing field `name`");
}
