use super::*;

#[test]
fn debug_and_display_never_show_the_value() {
    let s = Secret::new("hunter2-token");
    assert_eq!(format!("{s:?}"), REDACTED);
    assert_eq!(format!("{s}"), REDACTED);
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Holder {
        token: Secret,
    }
    let shown = format!("{:?}", Holder { token: s.clone() });
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(s.expose(), "hunter2-token");
}

#[test]
fn it_travels_as_its_text_and_its_schema_is_a_secret_string() {
    let s = Secret::new("abc");
    assert_eq!(serde_json::to_value(&s).unwrap(), serde_json::json!("abc"));
    let back: Secret = serde_json::from_value(serde_json::json!("abc")).unwrap();
    assert_eq!(back, s);
    let schema = schemars::schema_for!(Secret);
    let schema = serde_json::to_value(schema).unwrap();
    assert_eq!(schema["type"], "string");
    assert_eq!(schema["secret"], true);
}
