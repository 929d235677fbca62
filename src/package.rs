//! The Pulumi package schema, built from the registered types.

use serde_json::{Map, Value as J, json};

use crate::resource::PackageInfo;
use crate::schema::{ObjectInfo, TypeCollector};

/// One resource's contribution to the schema.
pub(crate) struct ResourceSchema<'a> {
    pub token: &'a str,
    pub description: &'a str,
    pub inputs: &'a ObjectInfo,
    pub outputs: &'a ObjectInfo,
    /// A component resource, built by Construct from other resources.
    pub component: bool,
}

pub(crate) fn package_schema(
    package: &PackageInfo,
    config: &ObjectInfo,
    resources: &[ResourceSchema<'_>],
) -> J {
    let mut types = TypeCollector::new(package.name);
    let (config_props, _) = properties(&mut types, config);
    let mut out = Map::new();
    for r in resources {
        let (inputs, required_inputs) = properties(&mut types, r.inputs);
        let (outputs, required) = properties(&mut types, r.outputs);
        let mut spec = json!({
            "description": r.description,
            "inputProperties": inputs,
            "requiredInputs": required_inputs,
            "properties": outputs,
            "required": required,
        });
        if let (true, J::Object(map)) = (r.component, &mut spec) {
            map.insert("isComponent".into(), J::Bool(true));
        }
        out.insert(r.token.to_string(), spec);
    }
    let mut schema = json!({
        "name": package.name,
        "displayName": package.display_name,
        "version": package.version,
        "description": package.description,
        "repository": package.repository,
        "publisher": package.publisher,
        "keywords": package.keywords,
        "license": "Apache-2.0",
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": config_props},
        "provider": {
            "description": format!("The provider type for the {} package.", package.name),
            "inputProperties": config_props,
        },
        "resources": out,
        "types": types.types,
    });
    if let (Some(language), J::Object(map)) = (&package.language, &mut schema) {
        map.insert("language".into(), language.clone());
    }
    schema
}

fn properties(types: &mut TypeCollector, info: &ObjectInfo) -> (Map<String, J>, Vec<String>) {
    let props = info
        .props
        .iter()
        .map(|p| (p.name.clone(), types.property(info, p)))
        .collect();
    let required = info
        .props
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name.clone())
        .collect();
    (props, required)
}
