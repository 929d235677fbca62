//! Component resources: a resource made of other resources, built by `Construct`.
//!
//! The engine calls `Construct` when a program declares a component of this package. The
//! framework registers the component with the engine's resource monitor, hands the
//! [`Component`] a [`Scope`] in which it registers its children (each a resource the
//! engine previews, creates, updates, refreshes and deletes as any other), and records the
//! outputs it returns. See docs/components.md.

mod construct;
mod inputs;
mod monitor;
mod options;
mod out;
mod scope;

use std::collections::BTreeMap;

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};

use crate::check::CheckFailure;
use crate::error::Result;
use crate::schema::ObjectInfo;
use crate::value::PropertyMap;

pub(crate) use construct::construct;
pub use inputs::Inputs;
pub use out::Out;
pub use scope::{Child, ChildSpec, Scope};

/// One component resource type.
#[async_trait]
pub trait Component: Send + Sync + 'static {
    /// The type token, e.g. `pkg:index:Platform`.
    const TOKEN: &'static str;
    /// Inputs. Doc comments become schema descriptions. Where an input is unknown (a
    /// preview), the typed view holds a stand-in and [`Inputs::get`] the unknown.
    type Args: DeserializeOwned + Serialize + JsonSchema + Default + Send + Sync;
    /// Outputs, for the schema; [`Component::construct`] returns them as values.
    type Outputs: Serialize + JsonSchema + Default + Send + Sync;

    /// A description of the component for the schema.
    fn description() -> &'static str;

    /// Checks of the inputs beyond their types, before anything is registered; each
    /// failure names the input.
    fn check(&self, _inputs: &Inputs<Self::Args>) -> Vec<CheckFailure> {
        Vec::new()
    }

    /// Registers the children in `scope` and returns the component's outputs by name.
    async fn construct(
        &self,
        scope: &Scope,
        inputs: &Inputs<Self::Args>,
    ) -> Result<BTreeMap<String, Out>>;
}

/// Checks a child's inputs as the engine's Check of it will, before it is registered, so
/// that a failure can be reported under the component input that fed the property.
pub(crate) trait ChildCheck: Send + Sync {
    /// The failures of `inputs` for a resource of type `token` named `name`; `None` when
    /// the type is not this provider's or its check could not run (the engine's own Check
    /// of the child then reports it).
    fn check_child(
        &self,
        token: &str,
        name: &str,
        inputs: PropertyMap,
    ) -> Option<Vec<CheckFailure>>;
}

/// The type-erased face of a [`Component`].
pub(crate) trait ComponentHandler: Send + Sync {
    fn token(&self) -> &'static str;
    fn description(&self) -> &'static str;
    fn inputs(&self) -> &ObjectInfo;
    fn outputs(&self) -> &ObjectInfo;
    fn run<'a>(&'a self, start: construct::Start<'a>) -> construct::Running<'a>;
}

/// Wraps a typed component.
pub(crate) struct TypedComponent<T> {
    component: T,
    inputs: ObjectInfo,
    outputs: ObjectInfo,
}

impl<T: Component> TypedComponent<T> {
    pub(crate) fn new(component: T) -> Self {
        TypedComponent {
            component,
            inputs: ObjectInfo::of::<T::Args>(),
            outputs: ObjectInfo::of::<T::Outputs>(),
        }
    }
}

impl<T: Component> ComponentHandler for TypedComponent<T> {
    fn token(&self) -> &'static str {
        T::TOKEN
    }

    fn description(&self) -> &'static str {
        T::description()
    }

    fn inputs(&self) -> &ObjectInfo {
        &self.inputs
    }

    fn outputs(&self) -> &ObjectInfo {
        &self.outputs
    }

    fn run<'a>(&'a self, start: construct::Start<'a>) -> construct::Running<'a> {
        Box::pin(async move {
            let inputs = Inputs::<T::Args>::decode(start.inputs(), &self.inputs)?;
            let failures = self.component.check(&inputs);
            if !failures.is_empty() {
                return Err(inputs::refused(T::TOKEN, &failures));
            }
            let scope = start.open().await?;
            let outputs = self.component.construct(&scope, &inputs).await?;
            Ok((scope, outputs))
        })
    }
}
