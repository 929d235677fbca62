//! The Construct call: check the inputs, register the component, let it register its
//! children, record its outputs, answer the engine.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::component::inputs::RawInputs;
use crate::component::monitor::Monitor;
use crate::component::options::{Inherited, component_registration};
use crate::component::out::Out;
use crate::component::scope::Scope;
use crate::component::{ChildCheck, ComponentHandler};
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::proto::pulumirpc::{ConstructRequest, ConstructResponse, construct_response};
use crate::value::{PropertyMap, Value, from_struct, to_struct};

/// What a component's construction ends with: its scope and outputs.
pub(crate) type Running<'a> =
    Pin<Box<dyn Future<Output = Result<(Scope, BTreeMap<String, Out>)>> + Send + 'a>>;

/// Everything needed to register the component, once its inputs are found good.
pub(crate) struct Start<'a> {
    req: &'a ConstructRequest,
    raw: RawInputs,
    ctx: Ctx,
    version: &'a str,
    checks: Arc<dyn ChildCheck>,
}

impl Start<'_> {
    pub(crate) fn inputs(&self) -> &RawInputs {
        &self.raw
    }

    /// Connects to the monitor and registers the component itself.
    pub(crate) async fn open(self) -> Result<Scope> {
        let monitor = Monitor::connect(&self.req.monitor_endpoint).await?;
        if !monitor.supports("secrets").await {
            return Err(Error::OutOfOrder(
                "the engine's resource monitor does not support secrets; upgrade the Pulumi CLI"
                    .into(),
            ));
        }
        let registered = monitor
            .register(component_registration(self.req))
            .await
            .map_err(|s| {
                Error::Upstream(format!(
                    "the engine did not register {} {}: {}",
                    self.req.r#type,
                    self.req.name,
                    s.message()
                ))
            })?;
        let urn = registered.urn;
        let mut ctx = self.ctx;
        ctx.urn = urn.clone();
        Ok(Scope {
            monitor,
            urn,
            name: self.req.name.clone(),
            token: self.req.r#type.clone(),
            checks: self.checks,
            dry_run: self.req.dry_run,
            inherited: Inherited::from_request(self.req, self.version),
            ctx,
        })
    }
}

/// Runs one Construct request for `handler`; `checks` checks each child before it is
/// registered.
pub(crate) async fn construct(
    handler: &dyn ComponentHandler,
    req: &ConstructRequest,
    ctx: Ctx,
    version: &str,
    checks: Arc<dyn ChildCheck>,
) -> Result<ConstructResponse> {
    let raw = RawInputs {
        values: req.inputs.as_ref().map(from_struct).unwrap_or_default(),
        deps: req
            .input_dependencies
            .iter()
            .map(|(k, d)| (k.clone(), d.urns.iter().cloned().collect()))
            .collect(),
    };
    let start = Start {
        req,
        raw,
        ctx,
        version,
        checks,
    };
    let (scope, outputs) = handler.run(start).await?;
    let secret: BTreeSet<&str> = req
        .additional_secret_outputs
        .iter()
        .map(String::as_str)
        .collect();
    let mut state = PropertyMap::new();
    let mut dependencies = HashMap::new();
    for (key, out) in outputs {
        // Outside a preview an output can still be unknown: a child the engine did not create
        // (a targeted update left it out). The engine takes no unknowns then; it is left out.
        let value = if scope.dry_run() {
            out.value
        } else {
            known_only(out.value)
        };
        let value = if secret.contains(key.as_str()) && !matches!(value, Value::Null) {
            value.into_secret()
        } else {
            value
        };
        if !matches!(value, Value::Null) {
            state.insert(key.clone(), value);
        }
        dependencies.insert(
            key,
            construct_response::PropertyDependencies {
                urns: out.deps.into_iter().collect(),
            },
        );
    }
    scope.monitor.register_outputs(scope.urn(), &state).await?;
    Ok(ConstructResponse {
        urn: scope.urn().to_string(),
        state: Some(to_struct(&state)),
        state_dependencies: dependencies,
    })
}

/// The value with every unknown part made null.
fn known_only(value: Value) -> Value {
    match value {
        Value::Unknown | Value::Output { value: None, .. } => Value::Null,
        Value::Output {
            value: Some(inner),
            secret,
            ..
        } => {
            let inner = known_only(*inner);
            if secret { inner.into_secret() } else { inner }
        }
        Value::Secret(inner) => known_only(*inner).into_secret(),
        Value::Array(items) => Value::Array(items.into_iter().map(known_only).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, known_only(v))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
#[path = "construct_tests.rs"]
mod tests;
