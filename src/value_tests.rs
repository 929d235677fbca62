use super::*;
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1.0e12f64..1.0e12).prop_map(Value::Number),
        "[a-z0-9 -]{0,12}".prop_map(Value::String),
        Just(Value::Unknown),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner.clone(), 0..5)
                .prop_map(Value::Object),
            inner.clone().prop_map(|v| Value::Secret(Box::new(v))),
            (
                prop::option::of(inner.clone()),
                any::<bool>(),
                prop::collection::vec("urn:pulumi:[a-z]{1,6}", 0..3)
            )
                .prop_map(|(value, secret, dependencies)| Value::Output {
                    value: value.map(Box::new),
                    secret,
                    dependencies,
                }),
            ("urn:pulumi:[a-z]{1,8}", prop::option::of("[a-z0-9-]{1,8}")).prop_map(|(urn, id)| {
                Value::ResourceRef {
                    urn,
                    id: id.map(|i| Box::new(Value::String(i))),
                    package_version: String::new(),
                }
            }),
        ]
    })
}

proptest! {
    #[test]
    fn every_value_survives_a_trip_through_struct(map in prop::collection::btree_map("[a-z]{1,6}", value(), 0..6)) {
        let back = from_struct(&to_struct(&map));
        prop_assert_eq!(back, map);
    }

    #[test]
    fn a_value_with_an_unknown_inside_reports_it(v in value()) {
        let wrapped = Value::Array(vec![v.clone(), Value::Unknown]);
        prop_assert!(wrapped.contains_unknowns());
        prop_assert_eq!(v.to_plain_json().is_none(), v.contains_unknowns());
    }
}

#[test]
fn all_seven_sentinels_decode_as_unknown() {
    for s in UNKNOWN_SENTINELS {
        let wire = prost_types::Value {
            kind: Some(Kind::StringValue(s.to_string())),
        };
        assert_eq!(from_proto(&wire), Value::Unknown, "sentinel {s}");
    }
}

#[test]
fn a_secret_object_on_the_wire_decodes_as_a_secret() {
    let wire = object([sig(SIG_SECRET), ("value".to_string(), string("hunter2"))]);
    assert_eq!(
        from_proto(&wire),
        Value::Secret(Box::new(Value::String("hunter2".into())))
    );
}

#[test]
fn a_resource_reference_stands_in_for_its_id() {
    let r = Value::ResourceRef {
        urn: "urn:pulumi:s::p::t::n".into(),
        id: Some(Box::new(Value::String("vpc-123".into()))),
        package_version: "1.0.0".into(),
    };
    assert_eq!(r.to_plain_json(), Some(serde_json::json!("vpc-123")));
}

#[test]
fn whole_numbers_become_json_integers() {
    assert_eq!(
        Value::Number(24.0).to_plain_json(),
        Some(serde_json::json!(24))
    );
    assert_eq!(
        Value::Number(1.5).to_plain_json(),
        Some(serde_json::json!(1.5))
    );
}
