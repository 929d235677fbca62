#[test]
fn the_committed_schema_matches_the_registered_types() {
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../schema.json")).expect("provider/schema.json is JSON");
    assert!(
        committed == super::server().schema(),
        "provider/schema.json is stale: run `make schema` and commit it"
    );
}

#[test]
fn getschema_serves_the_registered_types() {
    let served: serde_json::Value =
        serde_json::from_str(super::server().served_schema()).expect("the served schema is JSON");
    assert!(
        served == super::server().schema(),
        "the schema the plugin serves differs from the registered types: run `make schema`"
    );
}

#[test]
fn every_resource_has_a_description_and_every_property_is_documented() {
    let schema = super::server().schema();
    for (token, resource) in schema["resources"].as_object().expect("resources") {
        assert!(
            resource["description"]
                .as_str()
                .is_some_and(|d| d.len() > 40),
            "{token} lacks a description"
        );
        for (name, prop) in resource["properties"].as_object().expect("properties") {
            assert!(
                prop["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{token}.{name} lacks a description"
            );
        }
    }
}
