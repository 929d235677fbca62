//! Reading `pulumi stack export` (a version 3 deployment) into plain values, with every
//! secret already taken out (see [`crate::secrets`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::secrets;

/// The parts of an exported stack the report uses.
#[derive(Debug, Clone, Default)]
pub struct Export {
    /// When the checkpoint was written: the end of the last `pulumi up`, `refresh`,
    /// `import` or `destroy` that changed it (the manifest's `time`).
    pub time: Option<String>,
    /// The version of the Pulumi CLI that wrote it.
    pub cli_version: Option<String>,
    /// Every resource, in state order.
    pub resources: Vec<StateResource>,
    /// Operations that were under way when the checkpoint was written: `(kind, urn)`.
    pub pending_operations: Vec<(String, String)>,
}

/// One resource of the state. Inputs and outputs have had their secrets replaced by `null`.
#[derive(Debug, Clone, Default)]
pub struct StateResource {
    pub urn: String,
    pub kind: String,
    pub id: Option<String>,
    pub custom: bool,
    /// True for an old copy waiting to be deleted after a replacement.
    pub delete: bool,
    pub inputs: Map<String, Value>,
    pub outputs: Map<String, Value>,
    /// Paths of the secret inputs and outputs (`outputs.authToken`), never their values.
    pub secrets: Vec<String>,
    pub dependencies: Vec<String>,
    /// Input property name to the URNs it depends on.
    pub property_dependencies: BTreeMap<String, Vec<String>>,
    /// The provider reference: `<provider urn>::<provider id>`.
    pub provider: Option<String>,
    /// The URN of the resource it is a child of (a component such as a Platform), if any.
    pub parent: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
}

impl StateResource {
    /// The resource's name: the URN's last part.
    pub fn name(&self) -> &str {
        self.urn.rsplit("::").next().unwrap_or(&self.urn)
    }

    /// A string output, if present and not secret.
    pub fn output_str(&self, key: &str) -> Option<&str> {
        self.outputs.get(key).and_then(Value::as_str)
    }
}

/// The stack and project named by a URN `urn:pulumi:<stack>::<project>::<type>::<name>`.
pub fn stack_and_project(urn: &str) -> Option<(String, String)> {
    let rest = urn.strip_prefix("urn:pulumi:")?;
    let mut parts = rest.split("::");
    let stack = parts.next()?.to_string();
    let project = parts.next()?.to_string();
    Some((stack, project))
}

/// Parses the text of `pulumi stack export` (with or without `--show-secrets`).
pub fn parse(text: &str) -> Result<Export> {
    let root: Value = serde_json::from_str(text)?;
    let deployment = root
        .get("deployment")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::NotAnExport("it has no `deployment` object".into()))?;
    match root.get("version").and_then(Value::as_u64) {
        Some(3) => {}
        Some(other) => {
            return Err(Error::NotAnExport(format!(
                "deployment version {other} (this report reads version 3, written by Pulumi 3)"
            )));
        }
        None => return Err(Error::NotAnExport("it has no numeric `version`".into())),
    }
    let manifest = deployment.get("manifest");
    let text_of = |key: &str| {
        manifest
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let resources = match deployment.get("resources") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| resource(index, item))
            .collect::<Result<_>>()?,
        Some(_) => return Err(Error::NotAnExport("`resources` is not a list".into())),
    };
    let pending_operations = deployment
        .get("pending_operations")
        .and_then(Value::as_array)
        .map(|ops| {
            ops.iter()
                .map(|op| {
                    let kind = op.get("type").and_then(Value::as_str).unwrap_or("unknown");
                    let urn = op
                        .pointer("/resource/urn")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown");
                    (kind.to_string(), urn.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Export {
        time: text_of("time"),
        cli_version: text_of("version"),
        resources,
        pending_operations,
    })
}

fn resource(index: usize, item: &Value) -> Result<StateResource> {
    let invalid = |what: &str| Error::NotAnExport(format!("resource {index} {what}"));
    let object = item
        .as_object()
        .ok_or_else(|| invalid("is not an object"))?;
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    let urn = text("urn").ok_or_else(|| invalid("has no `urn`"))?;
    let kind = text("type").ok_or_else(|| invalid("has no `type`"))?;
    let mut inputs = Value::Object(map_of(object.get("inputs")));
    let mut outputs = Value::Object(map_of(object.get("outputs")));
    let mut found = secrets::redact(&mut inputs, "inputs");
    found.extend(secrets::redact(&mut outputs, "outputs"));
    let property_dependencies = object
        .get("propertyDependencies")
        .and_then(Value::as_object)
        .map(|deps| {
            deps.iter()
                .map(|(key, list)| (key.clone(), strings(Some(list))))
                .collect()
        })
        .unwrap_or_default();
    Ok(StateResource {
        urn,
        kind,
        id: text("id").filter(|id| !id.is_empty()),
        custom: object.get("custom").and_then(Value::as_bool) == Some(true),
        delete: object.get("delete").and_then(Value::as_bool) == Some(true),
        inputs: into_map(inputs),
        outputs: into_map(outputs),
        secrets: found,
        dependencies: strings(object.get("dependencies")),
        property_dependencies,
        provider: text("provider"),
        parent: text("parent"),
        created: text("created"),
        modified: text("modified"),
    })
}

/// The strings of a JSON list (anything else in it, or a value that is no list, is passed over).
pub fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn map_of(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn export(resources: Value) -> String {
        json!({ "version": 3, "deployment": {
            "manifest": { "time": "2025-01-02T03:04:05.6Z", "version": "v3.274.1" },
            "resources": resources } })
        .to_string()
    }

    #[test]
    fn a_urn_names_its_stack_and_project() {
        let urn = "urn:pulumi:demo::healthcare-platform::healthcare:network:SecureVpc::network";
        assert_eq!(
            stack_and_project(urn),
            Some(("demo".to_string(), "healthcare-platform".to_string()))
        );
        assert_eq!(stack_and_project("not-a-urn"), None);
    }

    #[test]
    fn the_manifest_time_and_resources_are_read() {
        let text = export(json!([{ "urn": "urn:pulumi:s::p::healthcare:x:Y::name",
            "type": "healthcare:x:Y", "custom": true, "id": "abc",
            "modified": "2025-01-02T03:00:00Z",
            "propertyDependencies": { "vpcId": ["urn:pulumi:s::p::t::net"] } }]));
        let state = parse(&text).unwrap();
        assert_eq!(state.time.as_deref(), Some("2025-01-02T03:04:05.6Z"));
        assert_eq!(state.cli_version.as_deref(), Some("v3.274.1"));
        let [resource] = state.resources.as_slice() else {
            panic!("one resource expected")
        };
        assert_eq!(resource.name(), "name");
        assert_eq!(resource.id.as_deref(), Some("abc"));
        assert!(resource.custom);
        assert_eq!(
            resource.property_dependencies["vpcId"],
            vec!["urn:pulumi:s::p::t::net".to_string()]
        );
    }

    #[test]
    fn secrets_are_gone_from_inputs_and_outputs_once_parsed() {
        let secret = json!({ secrets::SIGNATURE_KEY: secrets::SECRET_SIGNATURE,
            "plaintext": "\"plain-token\"" });
        let text = export(json!([{ "urn": "urn:pulumi:s::p::healthcare:x:Y::n",
            "type": "healthcare:x:Y", "inputs": { "password": secret.clone() },
            "outputs": { "authToken": secret } }]));
        let state = parse(&text).unwrap();
        let resource = &state.resources[0];
        assert_eq!(
            resource.secrets,
            vec![
                "inputs.password".to_string(),
                "outputs.authToken".to_string()
            ]
        );
        assert!(!format!("{resource:?}").contains("plain-token"));
    }

    #[test]
    fn text_that_is_not_an_export_is_refused_without_echoing_it() {
        let err = parse("{\"version\": 3}").unwrap_err();
        assert!(matches!(err, Error::NotAnExport(_)), "{err}");
        let err = parse("password=hunter2").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = parse("{\"version\": 2, \"deployment\": {}}").unwrap_err();
        assert!(err.to_string().contains("version 2"), "{err}");
    }

    #[test]
    fn pending_operations_are_kept() {
        let text = json!({ "version": 3, "deployment": { "resources": [],
            "pending_operations": [{ "type": "creating",
                "resource": { "urn": "urn:pulumi:s::p::healthcare:x:Y::n" } }] } })
        .to_string();
        let state = parse(&text).unwrap();
        assert_eq!(
            state.pending_operations,
            vec![(
                "creating".to_string(),
                "urn:pulumi:s::p::healthcare:x:Y::n".to_string()
            )]
        );
    }
}
