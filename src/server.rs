//! The provider server: registered resources, the configured context, cancellation, and
//! the guard every handler runs under (timeout, cancellation, panics).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use crate::check::{CheckCtx, CheckFailure};
use crate::component::{ChildCheck, Component, ComponentHandler, TypedComponent};
use crate::context::{Ctx, Operation};
use crate::engine::EngineLog;
use crate::error::Error;
use crate::handler::{Answer, Failed, Handler, Typed};
use crate::package::{ResourceSchema, package_schema};
use crate::resource::{Provider, Resource};
use crate::schema::ObjectInfo;
use crate::value::PropertyMap;

/// How long a handler has to wind down after cancellation before it is abandoned.
const GRACE: Duration = Duration::from_millis(400);

/// A provider with its resources; serve it with [`crate::serve`].
pub struct ProviderServer<P: Provider> {
    pub(crate) provider: P,
    pub(crate) handlers: HashMap<&'static str, Box<dyn Handler<P::Context>>>,
    pub(crate) components: HashMap<&'static str, Box<dyn ComponentHandler>>,
    pub(crate) config_info: ObjectInfo,
    pub(crate) context: RwLock<Option<Arc<P::Context>>>,
    pub(crate) cancel: CancellationToken,
    pub(crate) log: EngineLog,
    /// Tells the serving loop that the engine attached (attach mode).
    pub(crate) attached: tokio::sync::Notify,
    /// The schema as sent to the engine, serialised on first request.
    schema_text: OnceLock<String>,
    /// The URNs a Diff answered with a replacement: their next Create makes the new
    /// resource while the engine still holds the old one under the same URN.
    pub(crate) replacing: Mutex<HashSet<String>>,
}

impl<P: Provider> ProviderServer<P> {
    pub fn new(provider: P) -> Self {
        ProviderServer {
            provider,
            handlers: HashMap::new(),
            components: HashMap::new(),
            config_info: ObjectInfo::of::<P::Config>(),
            context: RwLock::new(None),
            cancel: CancellationToken::new(),
            log: EngineLog::default(),
            attached: tokio::sync::Notify::new(),
            schema_text: OnceLock::new(),
            replacing: Mutex::new(HashSet::new()),
        }
    }

    /// Registers one resource type.
    pub fn resource<R: Resource<P::Context>>(mut self, resource: R) -> Self {
        self.handlers
            .insert(R::TOKEN, Box::new(Typed::new::<P::Context>(resource)));
        self
    }

    /// Registers one component resource type (built by Construct).
    pub fn component<T: Component>(mut self, component: T) -> Self {
        self.components
            .insert(T::TOKEN, Box::new(TypedComponent::new(component)));
        self
    }

    /// Serves `text` as the schema instead of serialising [`ProviderServer::schema`] on the
    /// first GetSchema: a schema fixed at build time (kept equal to the registered types by
    /// the provider's own test) then costs nothing when a preview asks for it.
    pub fn with_schema_text(self, text: &str) -> Self {
        let _ = self.schema_text.set(text.to_owned());
        self
    }

    /// The schema GetSchema answers, as JSON text.
    pub fn served_schema(&self) -> &str {
        self.schema_text()
    }

    /// The package schema as JSON.
    pub fn schema(&self) -> serde_json::Value {
        let custom = self.handlers.values().map(|h| ResourceSchema {
            token: h.token(),
            description: h.description(),
            inputs: h.inputs(),
            outputs: h.outputs(),
            component: false,
        });
        let components = self.components.values().map(|c| ResourceSchema {
            token: c.token(),
            description: c.description(),
            inputs: c.inputs(),
            outputs: c.outputs(),
            component: true,
        });
        let mut resources: Vec<ResourceSchema<'_>> = custom.chain(components).collect();
        resources.sort_by_key(|r| r.token);
        package_schema(&self.provider.package(), &self.config_info, &resources)
    }

    /// The schema as JSON text, built once: resources are all registered before serving.
    pub(crate) fn schema_text(&self) -> &str {
        self.schema_text.get_or_init(|| self.schema().to_string())
    }

    pub(crate) fn handler(
        &self,
        urn: &str,
        type_hint: &str,
    ) -> Result<&dyn Handler<P::Context>, Error> {
        let token = if type_hint.is_empty() {
            type_of(urn)
        } else {
            type_hint
        };
        self.handlers
            .get(token)
            .map(|h| h.as_ref())
            .ok_or_else(|| Error::UnknownType(token.to_string()))
    }

    pub(crate) fn component_handler(&self, token: &str) -> Result<&dyn ComponentHandler, Error> {
        self.components
            .get(token)
            .map(|c| c.as_ref())
            .ok_or_else(|| Error::UnknownType(token.to_string()))
    }

    pub(crate) fn configured(&self) -> Result<Arc<P::Context>, Error> {
        self.context
            .read()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| Error::OutOfOrder("the provider was called before Configure".into()))
    }

    pub(crate) fn ctx(&self, urn: &str, operation: Operation) -> Ctx {
        let mut ctx =
            Ctx::new(urn, self.cancel.child_token(), self.log.clone()).for_operation(operation);
        ctx.replacing = operation == Operation::Create
            && self
                .replacing
                .lock()
                .is_ok_and(|replaced| replaced.contains(urn));
        ctx
    }

    /// Remembers that the engine is replacing the resource of `urn`.
    pub(crate) fn note_replacement(&self, urn: &str) {
        if let Ok(mut replaced) = self.replacing.lock() {
            replaced.insert(urn.to_string());
        }
    }
}

/// The resource type of a URN: `urn:pulumi:stack::project::parent$type::name`.
pub(crate) fn type_of(urn: &str) -> &str {
    let qualified = urn.split("::").nth(2).unwrap_or_default();
    qualified.rsplit('$').next().unwrap_or(qualified)
}

/// Runs a handler under the request's timeout and the engine's cancellation; a panic
/// becomes an internal error for this request only.
pub(crate) async fn guarded<T>(
    ctx: &Ctx,
    timeout: f64,
    work: impl Future<Output = Answer<T>>,
) -> Answer<T> {
    let token = ctx.cancellation().clone();
    let timed_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let timer = (timeout > 0.0).then(|| {
        let (token, flag) = (token.clone(), timed_out.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs_f64(timeout)).await;
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            token.cancel();
        })
    });
    let stopped = || {
        if timed_out.load(std::sync::atomic::Ordering::SeqCst) {
            Error::Timeout(timeout)
        } else {
            Error::Cancelled
        }
    };
    let outcome = tokio::select! {
        r = AssertUnwindSafe(work).catch_unwind() => match r {
            Ok(Err(Failed::Error(Error::Cancelled))) => Err(stopped().into()),
            // A half-made resource stopped by the timeout: say so, not just "cancelled".
            Ok(Err(Failed::Partial { id, properties, reasons }))
                if timed_out.load(std::sync::atomic::Ordering::SeqCst) =>
            {
                let mut reasons = reasons;
                reasons.retain(|r| r != &Error::Cancelled.to_string());
                reasons.insert(0, stopped().to_string());
                Err(Failed::Partial { id, properties, reasons })
            }
            Ok(answer) => answer,
            Err(panic) => Err(Error::Internal(panic_message(panic.as_ref())).into()),
        },
        _ = async { token.cancelled().await; tokio::time::sleep(GRACE).await } => Err(stopped().into()),
    };
    if let Some(timer) = timer {
        timer.abort();
    }
    ctx.clear_status().await;
    outcome
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("a handler panicked: {text}")
}

impl<P: Provider> ChildCheck for ProviderServer<P> {
    fn check_child(
        &self,
        token: &str,
        name: &str,
        inputs: PropertyMap,
    ) -> Option<Vec<CheckFailure>> {
        let handler = self.handlers.get(token)?;
        let mut ctx = CheckCtx {
            name: name.to_string(),
            ..CheckCtx::default()
        };
        // No previous inputs: a check only refuses more with them (a downgrade, say), and
        // the engine's own Check of the child, which has them, still runs.
        handler
            .check(&mut ctx, inputs, PropertyMap::new())
            .ok()
            .map(|(_, failures)| failures)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_last_part_of_a_qualified_type() {
        assert_eq!(
            type_of("urn:pulumi:dev::proj::healthcare:streaming:KinesisPipeline::events"),
            "healthcare:streaming:KinesisPipeline"
        );
        assert_eq!(
            type_of("urn:pulumi:dev::proj::my:Comp$healthcare:network:SecureVpc::vpc"),
            "healthcare:network:SecureVpc"
        );
    }

    fn ctx() -> Ctx {
        Ctx::new("urn", CancellationToken::new(), EngineLog::default())
    }

    pub(crate) struct Nothing;

    #[async_trait::async_trait]
    impl Provider for Nothing {
        type Config = ();
        type Context = ();

        fn package(&self) -> crate::PackageInfo {
            crate::PackageInfo {
                name: "nothing",
                version: "0.0.1",
                display_name: "Nothing",
                description: "nothing",
                repository: "",
                publisher: "",
                keywords: &[],
                language: None,
            }
        }

        async fn configure(&self, _: (), _: &Ctx) -> crate::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_diff_that_replaces_marks_the_next_create_of_that_urn_as_a_replacement() {
        let server = ProviderServer::new(Nothing);
        let urn = "urn:pulumi:s::p::test:index:Stream::events";
        assert!(!server.ctx(urn, Operation::Create).is_replacing());
        server.note_replacement(urn);
        assert!(server.ctx(urn, Operation::Create).is_replacing());
        assert!(!server.ctx(urn, Operation::Update).is_replacing());
        assert!(!server.ctx("urn:other", Operation::Create).is_replacing());
    }

    #[tokio::test]
    async fn a_panicking_handler_becomes_an_internal_error() {
        let r: Answer<()> = guarded(&ctx(), 0.0, async { panic!("boom") }).await;
        assert!(matches!(r, Err(Failed::Error(Error::Internal(m))) if m.contains("boom")));
    }

    #[tokio::test]
    async fn a_timeout_stops_a_handler_that_never_ends() {
        let start = std::time::Instant::now();
        let r: Answer<()> = guarded(&ctx(), 0.2, futures::future::pending()).await;
        assert!(matches!(r, Err(Failed::Error(Error::Timeout(_)))));
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn a_partial_failure_stopped_by_the_timeout_says_it_timed_out() {
        let c = ctx();
        let token = c.cancellation().clone();
        let r: Answer<()> = guarded(&c, 0.2, async move {
            token.cancelled().await;
            Err(Failed::Partial {
                id: "db-1".into(),
                properties: Default::default(),
                reasons: vec![Error::Cancelled.to_string()],
            })
        })
        .await;
        match r {
            Err(Failed::Partial { id, reasons, .. }) => {
                assert_eq!(id, "db-1");
                assert_eq!(reasons.len(), 1, "{reasons:?}");
                assert!(reasons[0].contains("timed out"), "{reasons:?}");
            }
            _ => panic!("expected a partial failure"),
        }
    }

    #[test]
    fn a_resource_default_timeout_applies_only_when_the_program_sets_none() {
        use crate::resource::Timeouts;
        assert_eq!(Timeouts::or_default(0.0, 3600.0), 3600.0);
        assert_eq!(Timeouts::or_default(30.0, 3600.0), 30.0);
        assert_eq!(Timeouts::or_default(0.0, Timeouts::NONE.create), 0.0);
    }

    #[tokio::test]
    async fn cancellation_stops_a_handler_promptly() {
        let c = ctx();
        let token = c.cancellation().clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            token.cancel();
        });
        let start = std::time::Instant::now();
        let r: Answer<()> = guarded(&c, 0.0, futures::future::pending()).await;
        assert!(matches!(r, Err(Failed::Error(Error::Cancelled))));
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
