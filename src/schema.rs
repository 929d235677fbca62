//! Property metadata derived from the Rust types (through `schemars`), and the Pulumi
//! package schema built from it.
//!
//! Doc comments become descriptions; `Option<T>` fields are optional; two markers may be
//! put on a field with `#[schemars(extend(...))]`:
//! - `"secret" = true`: the output is always secret;
//! - `"replaceOnChanges" = true`: a change forces replacement.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::{Map, Value as J, json};

/// What the framework knows of one top-level property.
#[derive(Debug, Clone)]
pub struct PropInfo {
    pub name: String,
    pub schema: J,
    pub required: bool,
    pub secret: bool,
    pub replace: bool,
}

/// The properties of an input or output type, with the definitions they refer to.
#[derive(Debug, Clone, Default)]
pub struct ObjectInfo {
    pub description: String,
    pub props: Vec<PropInfo>,
    pub defs: Map<String, J>,
}

impl ObjectInfo {
    pub fn of<T: JsonSchema>() -> Self {
        let settings = schemars::generate::SchemaSettings::draft2020_12();
        let root = settings
            .into_generator()
            .into_root_schema_for::<T>()
            .to_value();
        let props = object_props(&root);
        ObjectInfo {
            description: root["description"].as_str().unwrap_or_default().to_string(),
            props,
            defs: root["$defs"].as_object().cloned().unwrap_or_default(),
        }
    }

    pub fn prop(&self, name: &str) -> Option<&PropInfo> {
        self.props.iter().find(|p| p.name == name)
    }

    /// Follows a `$ref` into the definitions, looking through an optional's `null` branch.
    pub fn resolve<'a>(&'a self, schema: &'a J) -> &'a J {
        if let Some(alts) = schema["anyOf"].as_array() {
            let non_null: Vec<&J> = alts.iter().filter(|a| a["type"] != "null").collect();
            if let [only] = non_null.as_slice() {
                return self.resolve(only);
            }
        }
        match schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            Some(name) => self.defs.get(name).unwrap_or(schema),
            None => schema,
        }
    }

    /// A stand-in value of the schema's type, used to type-check inputs whose value is
    /// not known yet during preview.
    pub fn zero(&self, schema: &J) -> J {
        let schema = self.resolve(schema);
        if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
            return first.clone();
        }
        if let Some(first) = schema["oneOf"].as_array().and_then(|e| e.first()) {
            return first
                .get("const")
                .cloned()
                .unwrap_or_else(|| self.zero(first));
        }
        match type_name(schema) {
            Some("string") => json!(""),
            Some("integer") | Some("number") => schema.get("minimum").cloned().unwrap_or(json!(0)),
            Some("boolean") => json!(false),
            Some("array") => json!([]),
            Some("object") => json!({}),
            _ => J::Null,
        }
    }
}

pub(crate) fn type_name(schema: &J) -> Option<&str> {
    match &schema["type"] {
        J::String(t) => Some(t),
        J::Array(ts) => ts.iter().filter_map(J::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// Builds Pulumi schema type specs, collecting named types as they are met.
pub(crate) struct TypeCollector {
    package: String,
    pub(crate) types: BTreeMap<String, J>,
}

impl TypeCollector {
    pub(crate) fn new(package: &str) -> Self {
        TypeCollector {
            package: package.to_string(),
            types: BTreeMap::new(),
        }
    }

    /// The Pulumi property spec of one property.
    pub(crate) fn property(&mut self, info: &ObjectInfo, prop: &PropInfo) -> J {
        let mut spec = self.type_spec(info, &prop.schema);
        let mut description = prop.schema["description"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(default) = prop.schema.get("default").filter(|d| !d.is_null()) {
            description.push_str(&format!("\n\nDefaults to `{default}`."));
        }
        if let J::Object(map) = &mut spec {
            if !description.is_empty() {
                map.insert(
                    "description".into(),
                    J::String(description.trim().to_string()),
                );
            }
            if prop.secret {
                map.insert("secret".into(), J::Bool(true));
            }
            if prop.replace {
                map.insert("replaceOnChanges".into(), J::Bool(true));
            }
        }
        spec
    }

    fn type_spec(&mut self, info: &ObjectInfo, schema: &J) -> J {
        if let Some(name) = schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            return self.named(info, name);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = schema[key].as_array() {
                let non_null: Vec<&J> = alts.iter().filter(|a| a["type"] != "null").collect();
                if let [only] = non_null.as_slice() {
                    return self.type_spec(info, only);
                }
                if alts
                    .iter()
                    .all(|a| a.get("const").is_some_and(J::is_string))
                {
                    return json!({"type": "string"});
                }
            }
        }
        if schema.get("enum").is_some() {
            return json!({"type": "string"});
        }
        match type_name(schema) {
            Some(t @ ("string" | "boolean" | "integer" | "number")) => json!({ "type": t }),
            Some("array") => {
                json!({"type": "array", "items": self.type_spec(info, &schema["items"])})
            }
            Some("object") if schema.get("additionalProperties").is_some_and(J::is_object) => {
                json!({"type": "object", "additionalProperties": self.type_spec(info, &schema["additionalProperties"])})
            }
            _ => json!({"$ref": "pulumi.json#/Any"}),
        }
    }

    fn named(&mut self, info: &ObjectInfo, name: &str) -> J {
        let token = format!("{}:index:{name}", self.package);
        let reference = json!({"$ref": format!("#/types/{token}")});
        if self.types.contains_key(&token) {
            return reference;
        }
        let Some(def) = info.defs.get(name).cloned() else {
            return json!({"$ref": "pulumi.json#/Any"});
        };
        self.types.insert(token.clone(), J::Null);
        let description = def["description"].as_str().unwrap_or_default();
        let spec = if let Some(values) = enum_values(&def) {
            json!({"type": "string", "description": description, "enum": values})
        } else {
            let sub = ObjectInfo {
                description: description.to_string(),
                props: object_props(&def),
                defs: info.defs.clone(),
            };
            let properties: Map<String, J> = sub
                .props
                .iter()
                .map(|p| (p.name.clone(), self.property(&sub, p)))
                .collect();
            let required: Vec<&str> = sub
                .props
                .iter()
                .filter(|p| p.required)
                .map(|p| p.name.as_str())
                .collect();
            json!({"type": "object", "description": description, "properties": properties, "required": required})
        };
        self.types.insert(token, spec);
        reference
    }
}

fn enum_values(def: &J) -> Option<Vec<J>> {
    if let Some(values) = def["enum"].as_array() {
        return Some(
            values
                .iter()
                .map(|v| json!({"value": v, "name": enum_name(v)}))
                .collect(),
        );
    }
    let alts = def["oneOf"].as_array()?;
    alts.iter()
        .map(|a| {
            let value = a.get("const")?;
            Some(json!({"value": value, "name": enum_name(value), "description": a["description"]}))
        })
        .collect()
}

/// The name a generated SDK gives an enum value: its words in PascalCase, so that
/// `aurora-postgresql`, `perAz` and `FARGATE_SPOT` read `AuroraPostgresql`, `PerAz` and
/// `FargateSpot` rather than the generators' escaped forms.
fn enum_name(value: &J) -> J {
    let Some(text) = value.as_str() else {
        return J::Null;
    };
    let shouting = text.chars().all(|c| !c.is_ascii_lowercase());
    let mut name = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            let rest: String = chars.collect();
            name.push_str(&if shouting {
                rest.to_ascii_lowercase()
            } else {
                rest
            });
        }
    }
    if name.is_empty() {
        J::Null
    } else {
        J::String(name)
    }
}

/// The properties of an object schema; `replaceOnChanges` counts at the top level only.
fn object_props(def: &J) -> Vec<PropInfo> {
    let required: Vec<&str> = def["required"]
        .as_array()
        .map(|r| r.iter().filter_map(J::as_str).collect())
        .unwrap_or_default();
    def["properties"]
        .as_object()
        .map(|p| {
            p.iter()
                .map(|(name, schema)| PropInfo {
                    name: name.clone(),
                    required: required.contains(&name.as_str()),
                    secret: schema["secret"] == J::Bool(true),
                    replace: schema["replaceOnChanges"] == J::Bool(true),
                    schema: schema.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_get_pascal_case_names_for_the_sdks() {
        let name = |v: &str| enum_name(&json!(v));
        assert_eq!(name("aurora-postgresql"), json!("AuroraPostgresql"));
        assert_eq!(name("perAz"), json!("PerAz"));
        assert_eq!(name("FARGATE_SPOT"), json!("FargateSpot"));
        assert_eq!(name("KMS"), json!("Kms"));
        assert_eq!(name("none"), json!("None"));
        assert_eq!(name("--"), J::Null);
    }
}
