//! The resource options of a Construct request: how the component itself is registered,
//! and what its children take from them.
//!
//! As Pulumi's SDKs do for a component written in a program: the component is registered
//! with every option the request carries; children inherit `protect` and the provider the
//! request names for their package; the engine itself derives children's aliases from the
//! component's. Options that mean nothing for a component without cloud objects of its own
//! (`retainOnDelete`, `deleteBeforeReplace`, `customTimeouts`, `deletedWith`) and its
//! `dependsOn` apply to every child, and `ignoreChanges` / `replaceOnChanges` on a component
//! input apply to the child properties that input feeds (docs/components.md).

use std::collections::HashMap;

use crate::proto::pulumirpc::{
    ConstructRequest, RegisterResourceRequest, construct_request, register_resource_request,
};
use crate::value::PropertyMap;

/// What every child of one component inherits.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inherited {
    pub providers: HashMap<String, String>,
    pub protect: Option<bool>,
    pub dependencies: Vec<String>,
    pub retain_on_delete: Option<bool>,
    pub delete_before_replace: Option<bool>,
    pub custom_timeouts: Option<register_resource_request::CustomTimeouts>,
    pub deleted_with: String,
    /// Component input paths whose changes are ignored.
    pub ignore_changes: Vec<String>,
    /// Component input paths whose changes replace the children they feed.
    pub replace_on_changes: Vec<String>,
    /// The version of the package's plugin, for children served by a default provider.
    pub version: String,
}

impl Inherited {
    pub(crate) fn from_request(req: &ConstructRequest, version: &str) -> Inherited {
        Inherited {
            providers: req.providers.clone(),
            protect: req.protect,
            dependencies: req.dependencies.clone(),
            retain_on_delete: req.retain_on_delete,
            delete_before_replace: req.delete_before_replace,
            custom_timeouts: req.custom_timeouts.as_ref().map(timeouts),
            deleted_with: req.deleted_with.clone(),
            ignore_changes: req.ignore_changes.clone(),
            replace_on_changes: req.replace_on_changes.clone(),
            version: version.to_string(),
        }
    }

    /// The provider reference (`urn::id`) for a child of type `token`, if the request named
    /// one for its package.
    pub(crate) fn provider_for(&self, token: &str) -> String {
        let package = token.split(':').next().unwrap_or_default();
        self.providers.get(package).cloned().unwrap_or_default()
    }
}

fn timeouts(t: &construct_request::CustomTimeouts) -> register_resource_request::CustomTimeouts {
    register_resource_request::CustomTimeouts {
        create: t.create.clone(),
        update: t.update.clone(),
        delete: t.delete.clone(),
        read: t.read.clone(),
    }
}

/// The registration of the component itself, with every option of the request. A
/// component has no inputs of its own in the state (its children have them), so a change
/// of its inputs shows as changes of the children it touches, not of the component.
pub(crate) fn component_registration(req: &ConstructRequest) -> RegisterResourceRequest {
    let hooks =
        req.resource_hooks
            .as_ref()
            .map(|h| register_resource_request::ResourceHooksBinding {
                before_create: h.before_create.clone(),
                after_create: h.after_create.clone(),
                before_update: h.before_update.clone(),
                after_update: h.after_update.clone(),
                before_delete: h.before_delete.clone(),
                after_delete: h.after_delete.clone(),
                on_error: h.on_error.clone(),
            });
    RegisterResourceRequest {
        r#type: req.r#type.clone(),
        name: req.name.clone(),
        parent: req.parent.clone(),
        custom: false,
        object: Some(crate::value::to_struct(&PropertyMap::new())),
        protect: req.protect,
        dependencies: req.dependencies.clone(),
        providers: req.providers.clone(),
        aliases: req.aliases.clone(),
        alias_specs: true,
        accept_secrets: true,
        accept_resources: true,
        supports_partial_values: true,
        additional_secret_outputs: req.additional_secret_outputs.clone(),
        custom_timeouts: req.custom_timeouts.as_ref().map(timeouts),
        delete_before_replace: req.delete_before_replace.unwrap_or(false),
        delete_before_replace_defined: req.delete_before_replace.is_some(),
        ignore_changes: req.ignore_changes.clone(),
        replace_on_changes: req.replace_on_changes.clone(),
        retain_on_delete: req.retain_on_delete,
        deleted_with: req.deleted_with.clone(),
        replace_with: req.replace_with.clone(),
        replacement_trigger: req.replacement_trigger.clone(),
        hooks,
        parent_stack_trace_handle: req.stack_trace_handle.clone(),
        ..Default::default()
    }
}

/// The child property paths that component input paths map to. `sources` pairs a child
/// property with the component input it was made from; `paths` are component input paths
/// (`cacheNodeType`, `services.api.image`, or `*` for all).
pub(crate) fn child_paths(paths: &[String], sources: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        if path == "*" {
            out.extend(sources.iter().map(|(child, _)| child.clone()));
            continue;
        }
        let (root, rest) = root_and_rest(path);
        let root = root.trim_matches('"');
        for (child, input) in sources {
            if input == root {
                out.push(format!("{child}{rest}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The component input path that child property `path` comes from, when a component input
/// feeds the property at its root (`nodeType` from `cacheNodeType`, `services.api.cpu` from
/// `services`).
pub(crate) fn input_path(path: &str, sources: &[(String, String)]) -> Option<String> {
    let (root, rest) = root_and_rest(path);
    sources
        .iter()
        .find(|(child, _)| child == root)
        .map(|(_, input)| format!("{input}{rest}"))
}

/// A property path split at its first `.` or `[`: `services` and `.api.cpu`.
fn root_and_rest(path: &str) -> (&str, &str) {
    path.split_at(path.find(['.', '[']).unwrap_or(path.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Vec<(String, String)> {
        vec![
            ("nodeType".into(), "cacheNodeType".into()),
            ("services".into(), "services".into()),
            ("replicas".into(), "cacheReplicas".into()),
        ]
    }

    #[test]
    fn an_ignored_component_input_maps_to_the_child_property_it_feeds() {
        let paths = child_paths(&["cacheNodeType".into(), "streamShards".into()], &sources());
        assert_eq!(paths, vec!["nodeType".to_string()]);
    }

    #[test]
    fn a_child_property_maps_back_to_the_input_that_feeds_it() {
        assert_eq!(
            input_path("nodeType", &sources()).as_deref(),
            Some("cacheNodeType")
        );
        assert_eq!(
            input_path("services.api.cpu", &sources()).as_deref(),
            Some("services.api.cpu")
        );
        assert_eq!(input_path("vpcId", &sources()), None);
    }

    #[test]
    fn a_nested_path_keeps_its_tail() {
        let paths = child_paths(&["services.api.image".into()], &sources());
        assert_eq!(paths, vec!["services.api.image".to_string()]);
        let paths = child_paths(&["services[\"api\"]".into()], &sources());
        assert_eq!(paths, vec!["services[\"api\"]".to_string()]);
    }

    #[test]
    fn a_star_ignores_every_property_fed_by_an_input() {
        let paths = child_paths(&["*".into()], &sources());
        assert_eq!(paths, vec!["nodeType", "replicas", "services"]);
    }

    #[test]
    fn the_component_registration_carries_the_request_options_and_no_inputs() {
        let req = ConstructRequest {
            r#type: "pkg:index:Thing".into(),
            name: "t".into(),
            parent: "urn:parent".into(),
            protect: Some(true),
            dependencies: vec!["urn:dep".into()],
            retain_on_delete: Some(true),
            delete_before_replace: Some(false),
            ignore_changes: vec!["size".into()],
            ..Default::default()
        };
        let r = component_registration(&req);
        assert!(!r.custom);
        assert_eq!(r.parent, "urn:parent");
        assert_eq!(r.protect, Some(true));
        assert_eq!(r.dependencies, vec!["urn:dep".to_string()]);
        assert_eq!(r.retain_on_delete, Some(true));
        assert!(r.delete_before_replace_defined && !r.delete_before_replace);
        assert!(r.object.is_some_and(|o| o.fields.is_empty()));
    }

    #[test]
    fn children_use_the_provider_the_request_names_for_their_package() {
        let req = ConstructRequest {
            providers: HashMap::from([("pkg".to_string(), "urn:p::id".to_string())]),
            ..Default::default()
        };
        let inherited = Inherited::from_request(&req, "1.0.0");
        assert_eq!(inherited.provider_for("pkg:mod:Res"), "urn:p::id");
        assert_eq!(inherited.provider_for("other:mod:Res"), "");
    }
}
