use super::*;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema, Debug)]
#[serde(rename_all = "camelCase")]
struct Cfg {
    #[allow(dead_code)]
    region: Option<String>,
    max_retries: Option<u32>,
    default_tags: Option<std::collections::BTreeMap<String, String>>,
}

#[test]
fn json_encoded_strings_become_typed_values() {
    let info = ObjectInfo::of::<Cfg>();
    let map = PropertyMap::from([
        ("maxRetries".into(), Value::String("3".into())),
        (
            "defaultTags".into(),
            Value::Secret(Box::new(Value::String(r#"{"a":"b"}"#.into()))),
        ),
        ("version".into(), Value::String("1.0.0".into())),
    ]);
    let (cfg, failures) = decode::<Cfg>(&map, &info);
    assert!(failures.is_empty(), "{failures:?}");
    let cfg = cfg.unwrap();
    assert_eq!(cfg.max_retries, Some(3));
    assert_eq!(cfg.default_tags.unwrap()["a"], "b");
}

#[test]
fn each_bad_key_gets_its_own_failure() {
    let info = ObjectInfo::of::<Cfg>();
    let map = PropertyMap::from([
        ("maxRetries".into(), Value::String("many".into())),
        ("regoin".into(), Value::String("us-east-1".into())),
    ]);
    let (_, failures) = decode::<Cfg>(&map, &info);
    let props: Vec<_> = failures.iter().map(|f| f.property.as_str()).collect();
    assert_eq!(props, vec!["maxRetries", "regoin"]);
}

#[test]
fn a_secret_value_of_the_wrong_type_is_named_but_never_printed() {
    let info = ObjectInfo::of::<Cfg>();
    let secret = |text: &str| Value::Secret(Box::new(Value::String(text.into())));
    let map = PropertyMap::from([
        ("maxRetries".into(), secret("hunter2-not-a-number")),
        (
            "defaultTags".into(),
            secret(r#"{"team": ["hunter2-list"]}"#),
        ),
    ]);
    let (_, failures) = decode::<Cfg>(&map, &info);
    let props: Vec<_> = failures.iter().map(|f| f.property.as_str()).collect();
    assert_eq!(props, ["maxRetries", "defaultTags.team"]);
    for f in &failures {
        assert!(
            !f.reason.contains("hunter2"),
            "{}: {}",
            f.property,
            f.reason
        );
    }
    assert_eq!(
        failures[0].reason,
        "expected a value of type integer, got a string"
    );
}
