use super::*;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Args {
    subnet_ids: Vec<String>,
    shard_count: Option<u32>,
    #[schemars(extend("secret" = true))]
    token: Option<String>,
}

#[test]
fn unknown_inputs_stand_in_with_values_of_their_type() {
    let info = ObjectInfo::of::<Args>();
    let map = PropertyMap::from([
        ("subnetIds".into(), Value::Array(vec![Value::Unknown])),
        ("shardCount".into(), Value::Unknown),
    ]);
    let decoded = Decoded::new(map, &info);
    let args: Args = decoded.typed("inputs").unwrap();
    assert_eq!(args.subnet_ids, vec![String::new()]);
    assert_eq!(args.shard_count, Some(0));
    assert_eq!(decoded.unknown.len(), 2);
}

#[test]
fn secret_inputs_and_schema_secrets_come_out_secret() {
    let info = ObjectInfo::of::<Args>();
    let map = PropertyMap::from([(
        "subnetIds".into(),
        Value::Secret(Box::new(Value::Array(vec![Value::String("a".into())]))),
    )]);
    let decoded = Decoded::new(map, &info);
    let args: Args = decoded.typed("inputs").unwrap();
    let out = encode(
        &Args {
            token: Some("t".into()),
            ..args
        },
        &decoded.secret,
        &info,
    )
    .unwrap();
    assert!(matches!(out["subnetIds"], Value::Secret(_)));
    assert!(matches!(out["token"], Value::Secret(_)));
    assert!(!out.contains_key("shardCount"), "nulls are left out");
}

#[test]
fn a_value_is_unknown_at_an_unknown_path_inside_it_and_around_it_but_not_beside_it() {
    let info = ObjectInfo::of::<Args>();
    let map = PropertyMap::from([
        (
            "subnetIds".into(),
            Value::Array(vec![Value::String("subnet-1".into()), Value::Unknown]),
        ),
        ("shardCount".into(), Value::Number(2.0)),
    ]);
    let decoded = Decoded::new(map, &info);
    assert_eq!(decoded.unknown_paths, ["subnetIds[1]"]);
    assert!(decoded.is_unknown_at("subnetIds[1]"));
    assert!(
        decoded.is_unknown_at("subnetIds"),
        "a failure about the whole list"
    );
    assert!(!decoded.is_unknown_at("subnetIds[0]"));
    assert!(!decoded.is_unknown_at("subnet"));
    assert!(!decoded.is_unknown_at("shardCount"));
    assert!(
        !decoded.is_unknown_at(""),
        "a failure that names no property stays"
    );
}

#[test]
fn the_path_of_a_secret_inside_an_input_is_known_and_covers_what_it_holds() {
    let info = ObjectInfo::of::<Args>();
    let map = PropertyMap::from([(
        "subnetIds".into(),
        Value::Array(vec![
            Value::String("subnet-1".into()),
            Value::Secret(Box::new(Value::String("subnet-2".into()))),
        ]),
    )]);
    let decoded = Decoded::new(map, &info);
    assert_eq!(decoded.secret_paths, ["subnetIds[1]"]);
    let mut ctx = crate::CheckCtx::default();
    for path in &decoded.secret_paths {
        ctx.mark_secret(path.clone());
    }
    assert!(ctx.is_secret("subnetIds[1]"));
    assert!(
        ctx.is_secret("subnetIds[1].inner"),
        "what a secret holds is secret"
    );
    assert!(!ctx.is_secret("subnetIds[0]"));
    assert!(
        !ctx.is_secret("subnetIds[10]"),
        "a sibling whose path starts alike"
    );
    assert!(!ctx.is_secret("subnetIds"));
}
