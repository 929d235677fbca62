//! [`Scope`]: where a component registers its children, and what it gets back.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::check::CheckFailure;
use crate::component::ChildCheck;
use crate::component::inputs::{refused, settle};
use crate::component::monitor::Monitor;
use crate::component::options::{Inherited, child_paths, input_path};
use crate::component::out::Out;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::proto::pulumirpc::{RegisterResourceRequest, register_resource_request};
use crate::value::{PropertyMap, Value, from_struct, to_struct};

/// The component being constructed: its URN, whether this is a preview, and the engine's
/// resource monitor its children are registered with.
pub struct Scope {
    pub(crate) monitor: Monitor,
    pub(crate) urn: String,
    pub(crate) name: String,
    /// The component's type.
    pub(crate) token: String,
    /// Checks a child as the engine will, before it is registered.
    pub(crate) checks: Arc<dyn ChildCheck>,
    pub(crate) dry_run: bool,
    pub(crate) inherited: Inherited,
    pub(crate) ctx: Ctx,
}

/// A child about to be registered: its type, name and inputs, each input with the
/// resources it depends on.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    token: String,
    name: String,
    inputs: PropertyMap,
    deps: BTreeMap<String, BTreeSet<String>>,
    /// (child property, component input) for the inputs passed through from the component.
    sources: Vec<(String, String)>,
}

impl ChildSpec {
    /// Sets input `key` to `value`, depending on what `value` depends on. A null value
    /// leaves the input unset.
    pub fn set(mut self, key: &str, value: Out) -> Self {
        if !value.deps.is_empty() {
            self.deps.insert(key.to_string(), value.deps);
        }
        if !matches!(value.value, Value::Null) {
            self.inputs.insert(key.to_string(), value.value);
        }
        self
    }

    /// Sets input `key` from component input `input` (made from it by the component),
    /// so that `ignoreChanges` and `replaceOnChanges` on `input` reach this property.
    pub fn from_input(mut self, key: &str, input: &str, value: Out) -> Self {
        self.sources.push((key.to_string(), input.to_string()));
        self.set(key, value)
    }

    /// The child's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The inputs set so far.
    pub fn inputs(&self) -> &PropertyMap {
        &self.inputs
    }
}

/// A registered child: its URN and outputs (unknown in a preview where the engine cannot
/// know them yet).
#[derive(Debug, Clone)]
pub struct Child {
    pub urn: String,
    pub name: String,
    pub token: String,
    outputs: PropertyMap,
    /// True when the outputs are not known: a preview, or a child the engine did not make
    /// (a targeted update that left it out).
    unknown: bool,
}

impl Child {
    /// Output `key`, depending on this child.
    pub fn output(&self, key: &str) -> Out {
        let value = match self.outputs.get(key) {
            Some(v) => v.clone(),
            None if self.unknown => Value::Unknown,
            None => Value::Null,
        };
        Out {
            value,
            deps: BTreeSet::from([self.urn.clone()]),
        }
    }
}

impl Scope {
    /// The component's URN.
    pub fn urn(&self) -> &str {
        &self.urn
    }

    /// The component's name, which its children's names start with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True in a preview: children are previewed, and outputs not yet known are unknown.
    pub fn dry_run(&self) -> bool {
        self.dry_run
    }

    /// The context of the Construct call: its log and cancellation.
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// A child of type `token` named `name`, with no inputs yet.
    pub fn child(&self, token: &str, name: impl Into<String>) -> ChildSpec {
        ChildSpec {
            token: token.to_string(),
            name: name.into(),
            inputs: PropertyMap::new(),
            deps: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    /// Registers a child with the engine and waits until the engine has it (created,
    /// updated or unchanged; previewed in a preview). A failure names the child.
    ///
    /// The child is first checked as the engine will check it: inputs it refuses are
    /// reported under the component input that fed them (`cacheNodeType`, not the cache's
    /// `nodeType`), and nothing is registered.
    pub async fn register(&self, spec: ChildSpec) -> Result<Child> {
        self.check(&spec)?;
        let request = self.request(&spec);
        let status = format!("{} ({})", spec.name, spec.token);
        let registered = tokio::select! {
            r = self.monitor.register(request) => r,
            _ = self.ctx.cancellation().cancelled() => return Err(Error::Cancelled),
        };
        let answer = registered.map_err(|s| {
            Error::Upstream(format!("child {status} did not complete: {}", s.message()))
        })?;
        Ok(Child {
            urn: answer.urn,
            name: spec.name,
            token: spec.token,
            outputs: answer.object.as_ref().map(from_struct).unwrap_or_default(),
            unknown: self.dry_run || answer.unknown,
        })
    }

    fn check(&self, spec: &ChildSpec) -> Result<()> {
        let inputs = spec
            .inputs
            .iter()
            .map(|(k, v)| (k.clone(), settle(v.clone(), &mut BTreeSet::new())))
            .collect();
        let failures = self
            .checks
            .check_child(&spec.token, &spec.name, inputs)
            .unwrap_or_default();
        if failures.is_empty() {
            return Ok(());
        }
        let named: Vec<CheckFailure> = failures
            .into_iter()
            .map(|f| {
                let property = input_path(&f.property, &spec.sources).unwrap_or_else(|| {
                    format!("{} of child {} ({})", f.property, spec.name, spec.token)
                });
                CheckFailure { property, ..f }
            })
            .collect();
        Err(refused(&self.token, &named))
    }

    fn request(&self, spec: &ChildSpec) -> RegisterResourceRequest {
        let inherited = &self.inherited;
        let mut dependencies: BTreeSet<String> = spec.deps.values().flatten().cloned().collect();
        dependencies.extend(inherited.dependencies.iter().cloned());
        let property_dependencies: HashMap<
            String,
            register_resource_request::PropertyDependencies,
        > = spec
            .deps
            .iter()
            .map(|(k, urns)| {
                (
                    k.clone(),
                    register_resource_request::PropertyDependencies {
                        urns: urns.iter().cloned().collect(),
                    },
                )
            })
            .collect();
        RegisterResourceRequest {
            r#type: spec.token.clone(),
            name: spec.name.clone(),
            parent: self.urn.clone(),
            custom: true,
            object: Some(to_struct(&spec.inputs)),
            protect: inherited.protect,
            dependencies: dependencies.into_iter().collect(),
            provider: inherited.provider_for(&spec.token),
            property_dependencies,
            delete_before_replace: inherited.delete_before_replace.unwrap_or(false),
            delete_before_replace_defined: inherited.delete_before_replace.is_some(),
            version: inherited.version.clone(),
            ignore_changes: child_paths(&inherited.ignore_changes, &spec.sources),
            replace_on_changes: child_paths(&inherited.replace_on_changes, &spec.sources),
            accept_secrets: true,
            accept_resources: true,
            supports_partial_values: true,
            custom_timeouts: inherited.custom_timeouts.clone(),
            retain_on_delete: inherited.retain_on_delete,
            deleted_with: inherited.deleted_with.clone(),
            alias_specs: true,
            ..Default::default()
        }
    }
}
