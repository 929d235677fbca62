//! The type-erased face of a [`Resource`]: wire property maps in, wire property maps out.
//! Secrets, unknowns, preview and defaults are handled here once for every resource.

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::check::{CheckCtx, CheckFailure};
use crate::context::Ctx;
use crate::diff::{ChangeKind, DiffResult, diff_inputs};
use crate::error::Error;
use crate::resource::{Resource, Timeouts};
use crate::schema::ObjectInfo;
use crate::typed::{
    DEFAULTS_KEY, Decoded, STATE_VERSION_KEY, encode, encode_json, restore_unknowns, typed_json,
};
use crate::value::{PropertyMap, Value};

/// A failure as the server must report it.
pub(crate) enum Failed {
    Error(Error),
    /// Something exists and must be recorded by the engine.
    Partial {
        id: String,
        properties: PropertyMap,
        reasons: Vec<String>,
    },
}

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        Failed::Error(e)
    }
}

pub(crate) type Answer<T> = std::result::Result<T, Failed>;

/// What an update is asked to do: from the old state and inputs to the new inputs.
pub(crate) struct Change {
    pub olds: PropertyMap,
    pub news: PropertyMap,
    pub old_inputs: PropertyMap,
}

#[async_trait]
pub(crate) trait Handler<C>: Send + Sync {
    fn token(&self) -> &'static str;
    fn description(&self) -> &'static str;
    fn inputs(&self) -> &ObjectInfo;
    fn outputs(&self) -> &ObjectInfo;
    fn timeouts(&self) -> Timeouts;
    fn replacement_reason(&self, property: &str) -> Option<String>;
    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: PropertyMap,
        olds: PropertyMap,
    ) -> Answer<(PropertyMap, Vec<CheckFailure>)>;
    fn diff(
        &self,
        olds: PropertyMap,
        old_inputs: PropertyMap,
        news: PropertyMap,
        ignore: &[String],
    ) -> Answer<DiffResult>;
    /// Whether the resource looks at the cloud before a create ([`Resource::PREFLIGHT`]).
    fn preflights(&self) -> bool;
    /// Read-only looks before a create (see [`Resource::preflight`]); `checked` are the
    /// inputs Check returns.
    async fn preflight(&self, cx: &C, ctx: &Ctx, checked: PropertyMap)
    -> Answer<Vec<CheckFailure>>;
    async fn create(
        &self,
        cx: Option<&C>,
        ctx: &Ctx,
        news: PropertyMap,
        preview: bool,
    ) -> Answer<(String, PropertyMap)>;
    async fn read(
        &self,
        cx: &C,
        ctx: &Ctx,
        id: &str,
        state: PropertyMap,
        inputs: PropertyMap,
    ) -> Answer<Option<(String, PropertyMap, PropertyMap)>>;
    async fn update(
        &self,
        cx: Option<&C>,
        ctx: &Ctx,
        id: &str,
        change: Change,
        preview: bool,
    ) -> Answer<PropertyMap>;
    async fn delete(&self, cx: &C, ctx: &Ctx, id: &str, state: PropertyMap) -> Answer<()>;
}

/// Wraps a typed resource.
pub(crate) struct Typed<R> {
    resource: R,
    inputs: ObjectInfo,
    outputs: ObjectInfo,
}

impl<R> Typed<R> {
    pub(crate) fn new<C>(resource: R) -> Self
    where
        C: Send + Sync + 'static,
        R: Resource<C>,
    {
        Typed {
            resource,
            inputs: ObjectInfo::of::<R::Args>(),
            outputs: ObjectInfo::of::<R::State>(),
        }
    }

    fn partial(&self, secret: &BTreeSet<String>, version: u32, e: Error) -> Failed {
        match e {
            Error::PartialFailure { id, state, reasons } => Failed::Partial {
                id,
                properties: versioned(encode_json(state.0, secret, &self.outputs), version),
                reasons,
            },
            other => Failed::Error(other),
        }
    }

    /// The name property and the name of an earlier attempt of this create that the engine
    /// lost track of, when the name was auto-named and the resource finds one.
    async fn earlier_attempt<C: Send + Sync + 'static>(
        &self,
        cx: &C,
        ctx: &Ctx,
        news: &Decoded,
        args: &R::Args,
    ) -> Result<Option<(&'static str, String)>, Error>
    where
        R: Resource<C>,
    {
        let Some(property) = R::NAME_PROPERTY else {
            return Ok(None);
        };
        if !news.defaults.iter().any(|d| d == property) {
            return Ok(None);
        }
        Ok(self
            .resource
            .abandoned(cx, ctx, args)
            .await?
            .map(|name| (property, name)))
    }

    /// A create whose name was auto-named carries on with the name of an earlier attempt
    /// the engine lost track of, if the resource finds one.
    async fn carry_on<C: Send + Sync + 'static>(
        &self,
        cx: &C,
        ctx: &Ctx,
        news: &Decoded,
        args: R::Args,
    ) -> Result<R::Args, Error>
    where
        R: Resource<C>,
    {
        if ctx.is_replacing() {
            return Ok(args);
        }
        let Some((property, name)) = self.earlier_attempt(cx, ctx, news, &args).await? else {
            return Ok(args);
        };
        ctx.info(format!(
            "carrying on with {name}, left by an earlier attempt of this create that was \
             interrupted; its {property} stays {name}"
        ))
        .await;
        auto_named_as(args, news, Some(property), &name)
    }

    /// The inputs a create would start from: those of an earlier, interrupted attempt's
    /// name when the resource finds one (as [`Typed::carry_on`], without saying so).
    async fn as_carried_on<C: Send + Sync + 'static>(
        &self,
        cx: &C,
        ctx: &Ctx,
        news: &Decoded,
        args: R::Args,
    ) -> Result<R::Args, Error>
    where
        R: Resource<C>,
    {
        match self.earlier_attempt(cx, ctx, news, &args).await? {
            Some((property, name)) => auto_named_as(args, news, Some(property), &name),
            None => Ok(args),
        }
    }

    /// Preview outputs: the inputs as given (unknowns and secrets kept) over `base`, and
    /// every output-only property not in `base` unknown.
    fn preview_outputs(&self, news: &Decoded, mut base: PropertyMap) -> PropertyMap {
        for prop in &self.outputs.props {
            if let Some(v) = news.original.get(&prop.name) {
                base.insert(prop.name.clone(), v.clone());
            } else if self.inputs.prop(&prop.name).is_none() && !base.contains_key(&prop.name) {
                base.insert(prop.name.clone(), Value::Unknown);
            }
        }
        base.remove(DEFAULTS_KEY);
        base
    }
}

/// A state as this release writes it: with its shape's version.
fn versioned(mut map: PropertyMap, version: u32) -> PropertyMap {
    map.insert(
        STATE_VERSION_KEY.to_string(),
        Value::Number(f64::from(version)),
    );
    map
}

/// The typed state of a saved property map: migrated from the version it was saved in,
/// then decoded. A failure names the resource type and the field, never a value.
fn typed_state<C, R>(resource: &R, saved: &Decoded) -> Result<R::State, Error>
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    let what = format!("the saved state of this {}", R::TOKEN);
    let from = saved.version.unwrap_or(0);
    if from > u64::from(R::STATE_VERSION) {
        return Err(Error::InvalidInput(format!(
            "{what} was written by a newer release of the provider (state version {from}; this \
             release reads up to {}): use that release or a later one",
            R::STATE_VERSION
        )));
    }
    let mut json = saved.json.clone();
    for step in from..u64::from(R::STATE_VERSION) {
        json = resource.migrate(step as u32, json)?;
    }
    typed_json(over_defaults::<R::State>(json), &what)
}

/// `saved` over the JSON of `T::default()`: a field added since it was saved takes its
/// default instead of failing the decode.
fn over_defaults<T: Default + serde::Serialize>(
    saved: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    let mut base = match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    base.extend(saved);
    serde_json::Value::Object(base)
}

/// Typed old inputs, or `None` when there are none; a failure names the resource type.
fn typed_old_inputs<C, R>(old: &Decoded) -> Result<Option<R::Args>, Error>
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    if old.json.is_empty() {
        return Ok(None);
    }
    let what = format!("the saved inputs of this {}", R::TOKEN);
    typed_json(over_defaults::<R::Args>(old.json.clone()), &what).map(Some)
}

/// A failure about a secret input is hidden: the engine, which prints the value of the
/// property a failure names, is told the property in the reason only.
fn unechoed(failure: CheckFailure, secret: &BTreeSet<String>) -> CheckFailure {
    let top = failure
        .property
        .split(['.', '['])
        .next()
        .unwrap_or_default();
    if failure.property.is_empty() || !secret.contains(top) {
        return failure;
    }
    CheckFailure::unechoed(failure.property, failure.reason)
}

fn not_configured() -> Error {
    Error::OutOfOrder("the provider was called before Configure".into())
}

/// `args` with the auto-named `property` set to `name`. A user-given name is left alone.
fn auto_named_as<A: serde::Serialize + serde::de::DeserializeOwned>(
    args: A,
    decoded: &Decoded,
    property: Option<&str>,
    name: &str,
) -> Result<A, Error> {
    let Some(property) = property.filter(|p| decoded.defaults.iter().any(|d| d == *p)) else {
        return Ok(args);
    };
    let mut json = serde_json::to_value(&args).map_err(|e| Error::Internal(e.to_string()))?;
    match json.get_mut(property) {
        Some(value) if value.as_str() != Some(name) => {
            *value = serde_json::Value::String(name.to_string())
        }
        _ => return Ok(args),
    }
    serde_json::from_value(json).map_err(|e| Error::Internal(e.to_string()))
}

fn with_defaults(mut map: PropertyMap, defaults: &[String]) -> PropertyMap {
    if !defaults.is_empty() {
        let list = defaults.iter().map(|d| Value::String(d.clone())).collect();
        map.insert(DEFAULTS_KEY.to_string(), Value::Array(list));
    }
    map
}

#[async_trait]
impl<C, R> Handler<C> for Typed<R>
where
    C: Send + Sync + 'static,
    R: Resource<C>,
{
    fn token(&self) -> &'static str {
        R::TOKEN
    }

    fn description(&self) -> &'static str {
        R::description()
    }

    fn inputs(&self) -> &ObjectInfo {
        &self.inputs
    }

    fn outputs(&self) -> &ObjectInfo {
        &self.outputs
    }

    fn timeouts(&self) -> Timeouts {
        R::DEFAULT_TIMEOUTS
    }

    fn replacement_reason(&self, property: &str) -> Option<String> {
        R::replacement_reason(property)
    }

    fn check(
        &self,
        ctx: &mut CheckCtx,
        news: PropertyMap,
        olds: PropertyMap,
    ) -> Answer<(PropertyMap, Vec<CheckFailure>)> {
        let news = Decoded::new(news, &self.inputs);
        let olds = Decoded::new(olds, &self.inputs);
        let args: R::Args = match news.typed("inputs") {
            Ok(args) => args,
            Err(Error::Undecodable { path, reason, .. }) => {
                let failure = unechoed(CheckFailure::new(path, reason), &news.secret);
                return Ok((news.original.clone(), vec![failure]));
            }
            Err(e) => return Err(e.into()),
        };
        let old_args = typed_old_inputs::<C, R>(&olds)?;
        ctx.old_defaults = olds.defaults.clone();
        ctx.secret_paths = news.secret_paths.clone();
        let (checked, failures) = self.resource.check(ctx, args, old_args.as_ref());
        // A failure about a value not known yet is premature: it is checked again at update.
        let failures = failures
            .into_iter()
            .filter(|f| !news.is_unknown_at(&f.property))
            .map(|f| unechoed(f, &news.secret))
            .collect();
        let mut out = encode(&checked, &news.secret, &self.inputs)?;
        restore_unknowns(&mut out, &news);
        Ok((with_defaults(out, &ctx.defaults), failures))
    }

    fn diff(
        &self,
        olds: PropertyMap,
        old_inputs: PropertyMap,
        news: PropertyMap,
        ignore: &[String],
    ) -> Answer<DiffResult> {
        let news = Decoded::new(news, &self.inputs);
        let old_inputs = Decoded::new(old_inputs, &self.inputs);
        let mut base = diff_inputs(
            &old_inputs.json,
            &news.json,
            &news.unknown,
            ignore,
            &self.inputs,
        );
        if !R::UPDATES_IN_PLACE {
            for change in base.changes.values_mut() {
                change.replace = true;
            }
        }
        if let Some(name) = R::NAME_PROPERTY {
            let auto_named = news.defaults.iter().any(|d| d == name);
            base.delete_before_replace = !base.replaces().is_empty() && !auto_named;
        }
        // The saved state and inputs must decode whatever the new inputs are: a state this
        // release cannot read is an error now, not a diff that skips the resource's rules.
        let olds = Decoded::new(olds, &self.outputs);
        if let Some(drift) = R::DRIFT_PROPERTY
            && olds
                .json
                .get(drift)
                .and_then(serde_json::Value::as_array)
                .is_some_and(|found| !found.is_empty())
        {
            base.set_output(drift, ChangeKind::Delete);
        }
        let state = typed_state::<C, R>(&self.resource, &olds)?;
        let Some(old_args) = typed_old_inputs::<C, R>(&old_inputs)? else {
            return Ok(base);
        };
        if news.has_unknowns() {
            return Ok(base);
        }
        let args = news.typed("inputs")?;
        Ok(self.resource.diff(&state, &old_args, &args, base))
    }

    fn preflights(&self) -> bool {
        R::PREFLIGHT
    }

    async fn preflight(
        &self,
        cx: &C,
        ctx: &Ctx,
        checked: PropertyMap,
    ) -> Answer<Vec<CheckFailure>> {
        if !R::PREFLIGHT {
            return Ok(Vec::new());
        }
        let news = Decoded::new(checked, &self.inputs);
        // Inputs not known yet are looked at when they are, in the check before the create.
        if news.has_unknowns() {
            return Ok(Vec::new());
        }
        let args = news.typed("inputs")?;
        let args = self.as_carried_on(cx, ctx, &news, args).await?;
        let failures = self.resource.preflight(cx, ctx, &args).await?;
        Ok(failures
            .into_iter()
            .map(|f| unechoed(f, &news.secret))
            .collect())
    }

    async fn create(
        &self,
        cx: Option<&C>,
        ctx: &Ctx,
        news: PropertyMap,
        preview: bool,
    ) -> Answer<(String, PropertyMap)> {
        let news = Decoded::new(news, &self.inputs);
        if preview {
            return Ok((
                String::new(),
                self.preview_outputs(&news, PropertyMap::new()),
            ));
        }
        let args = news.typed("inputs")?;
        let cx = cx.ok_or_else(not_configured)?;
        let args = self.carry_on(cx, ctx, &news, args).await?;
        match self.resource.create(cx, ctx, args).await {
            Ok((id, state)) => Ok((
                id,
                versioned(
                    encode(&state, &news.secret, &self.outputs)?,
                    R::STATE_VERSION,
                ),
            )),
            Err(e) => Err(self.partial(&news.secret, R::STATE_VERSION, e)),
        }
    }

    async fn read(
        &self,
        cx: &C,
        ctx: &Ctx,
        id: &str,
        state: PropertyMap,
        inputs: PropertyMap,
    ) -> Answer<Option<(String, PropertyMap, PropertyMap)>> {
        let state = Decoded::new(state, &self.outputs);
        let inputs = Decoded::new(inputs, &self.inputs);
        let old_state = if state.json.is_empty() {
            None
        } else {
            Some(typed_state::<C, R>(&self.resource, &state)?)
        };
        let old_inputs = typed_old_inputs::<C, R>(&inputs)?;
        let Some(found) = self
            .resource
            .read(cx, ctx, id, old_state, old_inputs)
            .await?
        else {
            return Ok(None);
        };
        let secret: BTreeSet<String> = state.secret.union(&inputs.secret).cloned().collect();
        let new_state = versioned(
            encode(&found.state, &secret, &self.outputs)?,
            R::STATE_VERSION,
        );
        let new_inputs = with_defaults(
            encode(&found.inputs, &secret, &self.inputs)?,
            &inputs.defaults,
        );
        Ok(Some((found.id, new_state, new_inputs)))
    }

    async fn update(
        &self,
        cx: Option<&C>,
        ctx: &Ctx,
        id: &str,
        change: Change,
        preview: bool,
    ) -> Answer<PropertyMap> {
        let olds = Decoded::new(change.olds, &self.outputs);
        let news = Decoded::new(change.news, &self.inputs);
        if preview {
            return Ok(self.preview_outputs(&news, olds.original.clone()));
        }
        let cx = cx.ok_or_else(not_configured)?;
        if olds.original.is_empty() {
            // Every resource the engine holds has a state; none means it was never created.
            return Err(Error::OutOfOrder(format!(
                "update of {id} without its state: the engine holds no record of creating it \
                 (run `pulumi refresh`, or `pulumi import` it)"
            ))
            .into());
        }
        let old_inputs = Decoded::new(change.old_inputs, &self.inputs);
        let old_args = typed_old_inputs::<C, R>(&old_inputs)?;
        let state = typed_state::<C, R>(&self.resource, &olds)?;
        let args = auto_named_as(news.typed("inputs")?, &news, R::NAME_PROPERTY, id)?;
        let secret: BTreeSet<String> = news.secret.union(&olds.secret).cloned().collect();
        match self
            .resource
            .update(cx, ctx, id, state, args, old_args)
            .await
        {
            Ok(state) => Ok(versioned(
                encode(&state, &secret, &self.outputs)?,
                R::STATE_VERSION,
            )),
            Err(e) => Err(self.partial(&secret, R::STATE_VERSION, e)),
        }
    }

    async fn delete(&self, cx: &C, ctx: &Ctx, id: &str, state: PropertyMap) -> Answer<()> {
        let state = typed_state::<C, R>(&self.resource, &Decoded::new(state, &self.outputs))?;
        Ok(self.resource.delete(cx, ctx, id, state).await?)
    }
}

#[cfg(test)]
#[path = "handler_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "carry_on_tests.rs"]
mod carry_on_tests;
