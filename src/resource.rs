//! What a provider author implements: a [`Provider`] (its config and the context every
//! handler shares) and one [`Resource`] per resource type.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Serialize, de::DeserializeOwned};

use crate::check::{CheckCtx, CheckFailure};
use crate::context::Ctx;
use crate::diff::DiffResult;
use crate::error::Result;

/// Facts about the package that go into the schema and plugin info.
#[derive(Debug, Clone, Default)]
pub struct PackageInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub display_name: &'static str,
    pub description: &'static str,
    pub repository: &'static str,
    pub publisher: &'static str,
    pub keywords: &'static [&'static str],
    /// Extra schema `language` section (per-language package names), as JSON.
    pub language: Option<serde_json::Value>,
}

/// The provider: how its configuration is checked and turned into a shared context.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's configuration, as the program sets it (`<package>:<key>`).
    type Config: DeserializeOwned + Serialize + JsonSchema + Default + Send + Sync;
    /// What every handler receives by reference once `Configure` succeeded.
    type Context: Send + Sync + 'static;

    fn package(&self) -> PackageInfo;

    /// Semantic checks of the configuration beyond its types; one failure per bad key.
    fn check_config(&self, _config: &Self::Config) -> Vec<CheckFailure> {
        Vec::new()
    }

    /// Builds the shared context (clients and the like) from a checked configuration.
    async fn configure(&self, config: Self::Config, ctx: &Ctx) -> Result<Self::Context>;
}

/// The answer of a successful read: the resource as the cloud reports it.
#[derive(Debug, Clone)]
pub struct ReadOutcome<A, S> {
    pub id: String,
    pub state: S,
    /// Inputs that would produce this state, so import and refresh need no program.
    pub inputs: A,
}

/// One resource type. `C` is the provider's context.
///
/// A resource implements `converge` (or `create` and `update`); the other methods have
/// defaults that suit a resource whose every input forces replacement and which cannot be
/// read back.
#[async_trait]
pub trait Resource<C: Send + Sync + 'static>: Send + Sync + 'static {
    /// The type token, e.g. `pkg:module:Type`.
    const TOKEN: &'static str;
    /// The input property whose value is the physical name, if the resource is auto-named.
    /// A user-given name forces delete-before-replace.
    const NAME_PROPERTY: Option<&'static str> = None;
    /// Timeouts used when the program sets no `customTimeouts` for the operation.
    const DEFAULT_TIMEOUTS: Timeouts = Timeouts::NONE;
    /// Whether [`Resource::update`] is implemented. When it is not, every change to an input
    /// plans a replacement, never an in-place update that could only fail.
    const UPDATES_IN_PLACE: bool = false;
    /// The shape of the state this release writes, saved with it. A field added with a
    /// default needs no new version; a field renamed, removed or given a new meaning does,
    /// with a step in [`Resource::migrate`] (docs/state.md).
    const STATE_VERSION: u32 = 0;
    /// Whether [`Resource::preflight`] is implemented: a check of a new resource then looks
    /// at the cloud before the create, in a preview too.
    const PREFLIGHT: bool = false;
    /// An output listing how the cloud differs from what the inputs ask for, in ways no
    /// input can show (a rule added outside Pulumi, a setting turned off). When a refresh
    /// left it non-empty, diff plans an update, shown as this output going away, and no
    /// input the user did not touch is marked changed.
    const DRIFT_PROPERTY: Option<&'static str> = None;

    /// Inputs. Doc comments become schema descriptions; see [`crate::schema`] for markers.
    /// `Default` gives every field a value when saved inputs of an older release lack it.
    type Args: DeserializeOwned + Serialize + JsonSchema + Clone + Default + Send + Sync;
    /// Outputs: a superset of the inputs. `Default` gives every field a value when a state
    /// saved by an older release lacks it.
    type State: DeserializeOwned + Serialize + JsonSchema + Clone + Default + Send + Sync;

    /// A description of the resource for the schema.
    fn description() -> &'static str;

    /// Validates inputs and fills defaults. Failures name the offending property.
    fn check(
        &self,
        _ctx: &mut CheckCtx,
        news: Self::Args,
        _olds: Option<&Self::Args>,
    ) -> (Self::Args, Vec<CheckFailure>) {
        (news, Vec::new())
    }

    /// Refines the framework's input diff (which already honours `replaceOnChanges`).
    fn diff(
        &self,
        _olds: &Self::State,
        _old_inputs: &Self::Args,
        _news: &Self::Args,
        base: DiffResult,
    ) -> DiffResult {
        base
    }

    /// Why a change of `property` cannot be made in place, said in a warning on the resource
    /// whenever a diff plans a replacement for it, so that a preview names what forces the
    /// replacement and what it costs. `None` says only that it cannot change in place.
    fn replacement_reason(_property: &str) -> Option<String> {
        None
    }

    /// Brings a state saved under an older [`Resource::STATE_VERSION`] (`from`) to the
    /// current shape, as JSON, before it is decoded. The default keeps it as it is.
    fn migrate(
        &self,
        _from: u32,
        state: serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        Ok(state)
    }

    /// Create and update as one operation: brings the cloud to `inputs`, from nothing
    /// (`previous` is `None`) or from the saved state. The default [`Resource::create`] and
    /// [`Resource::update`] call it, so a resource implements either this or those two.
    /// A half-made resource is reported with [`crate::Error::PartialFailure`] so the engine
    /// keeps track of it.
    async fn converge(
        &self,
        _cx: &C,
        _ctx: &Ctx,
        _inputs: &Self::Args,
        _previous: Option<&Self::State>,
    ) -> Result<Self::State> {
        Err(crate::Error::Internal(format!(
            "{} implements neither create nor converge",
            Self::TOKEN
        )))
    }

    /// The id of a resource just made from `inputs`. The default is the value of
    /// [`Resource::NAME_PROPERTY`] in the inputs (after check filled in any auto-name).
    fn id_of(&self, inputs: &Self::Args, _state: &Self::State) -> Result<String> {
        let named = Self::NAME_PROPERTY.and_then(|property| {
            let json = serde_json::to_value(inputs).ok()?;
            json.get(property)?.as_str().map(String::from)
        });
        named.ok_or_else(|| {
            crate::Error::Internal(format!(
                "{} has no name property to use as its id; it must implement id_of",
                Self::TOKEN
            ))
        })
    }

    /// The auto-name of an earlier attempt of this create whose end the engine never heard
    /// (the plugin or the CLI was killed while it ran), found in the cloud by the resource's
    /// URN, so that this create carries on with what that attempt made instead of leaving it
    /// behind under a name nothing knows. Asked only when [`Resource::NAME_PROPERTY`] was
    /// auto-named and the create does not replace a resource the engine still holds. The
    /// default finds none.
    async fn abandoned(&self, _cx: &C, _ctx: &Ctx, _inputs: &Self::Args) -> Result<Option<String>> {
        Ok(None)
    }

    /// Read-only looks at the cloud before a create the engine plans, in a preview as in an
    /// up: what the create would meet there that the inputs alone cannot show, such as an
    /// account-wide setting someone else made. Called by Check for a resource the engine
    /// does not hold yet, once the inputs passed [`Resource::check`] and are all known, with
    /// them as the create would start from them (an interrupted attempt's name carried on),
    /// when [`Resource::PREFLIGHT`] says so.
    /// Failures refuse the inputs as a check failure does; warnings go through `ctx`. It must
    /// change nothing: `preview=true` creates and updates still make no call. When it cannot
    /// look (no credentials, the cloud does not answer), the check passes with a warning and
    /// the create decides. The default looks at nothing.
    async fn preflight(
        &self,
        _cx: &C,
        _ctx: &Ctx,
        _inputs: &Self::Args,
    ) -> Result<Vec<CheckFailure>> {
        Ok(Vec::new())
    }

    /// Creates the resource; returns its id and state. The default converges from nothing.
    async fn create(&self, cx: &C, ctx: &Ctx, inputs: Self::Args) -> Result<(String, Self::State)> {
        let state = self.converge(cx, ctx, &inputs, None).await?;
        Ok((self.id_of(&inputs, &state)?, state))
    }

    /// Reads the resource by id. `None` means it no longer exists.
    async fn read(
        &self,
        _cx: &C,
        _ctx: &Ctx,
        id: &str,
        _state: Option<Self::State>,
        _inputs: Option<Self::Args>,
    ) -> Result<Option<ReadOutcome<Self::Args, Self::State>>> {
        Err(crate::Error::InvalidInput(format!(
            "{} cannot be read or imported (id {id})",
            Self::TOKEN
        )))
    }

    /// Updates in place (called only when [`Resource::UPDATES_IN_PLACE`]). The default
    /// converges from the saved state.
    async fn update(
        &self,
        cx: &C,
        ctx: &Ctx,
        _id: &str,
        olds: Self::State,
        news: Self::Args,
        _old_inputs: Option<Self::Args>,
    ) -> Result<Self::State> {
        self.converge(cx, ctx, &news, Some(&olds)).await
    }

    /// Deletes the resource. Deleting something already gone is success.
    async fn delete(&self, _cx: &C, _ctx: &Ctx, _id: &str, _state: Self::State) -> Result<()> {
        Ok(())
    }
}

/// Default timeouts of one resource type, in seconds; 0 means none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeouts {
    pub create: f64,
    pub update: f64,
    pub delete: f64,
}

impl Timeouts {
    /// No default: an operation runs until it ends or the engine cancels it.
    pub const NONE: Timeouts = Timeouts {
        create: 0.0,
        update: 0.0,
        delete: 0.0,
    };

    /// The program's timeout when it set one, else this default.
    pub fn or_default(requested: f64, default: f64) -> f64 {
        if requested > 0.0 { requested } else { default }
    }
}
