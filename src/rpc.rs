//! The gRPC face of the provider: decode, call the handler, encode.

use std::sync::Arc;

use prost::Message;
use prost_types::Struct;
use tonic::{Code, Request, Response, Status};

use crate::check::{Autonaming, CheckCtx};
use crate::config;
use crate::context::Operation;
use crate::error::Error;
use crate::handler::{Change, Failed};
use crate::proto::google_rpc;
use crate::proto::pulumirpc::{self as rpc, resource_provider_server::ResourceProvider};
use crate::resource::{Provider, Timeouts};
use crate::server::{ProviderServer, guarded};
use crate::value::{PropertyMap, from_struct, to_struct};

type Reply<T> = Result<Response<T>, Status>;

/// How long a check waits for a resource's read-only looks before a create; past it, the
/// check passes with a warning and the create decides.
const PREFLIGHT_TIMEOUT: f64 = 60.0;

fn props(s: &Option<Struct>) -> PropertyMap {
    s.as_ref().map(from_struct).unwrap_or_default()
}

fn status(e: Error) -> Status {
    Status::new(e.code(), e.to_string())
}

/// A failure as a gRPC status; a partial failure carries `ErrorResourceInitFailed`.
fn failed(f: Failed, inputs: &Option<Struct>) -> Status {
    match f {
        Failed::Error(e) => status(e),
        Failed::Partial {
            id,
            properties,
            reasons,
        } => {
            // The engine shows this after the resource's name; what there is is in the state.
            let message = format!(
                "{id} exists but is not finished (the next `pulumi up` carries on): {}",
                reasons.join("; ")
            );
            let detail = rpc::ErrorResourceInitFailed {
                id,
                properties: Some(to_struct(&properties)),
                reasons,
                inputs: inputs.clone(),
                refresh_before_update: false,
            };
            let any = prost_types::Any {
                type_url: "type.googleapis.com/pulumirpc.ErrorResourceInitFailed".into(),
                value: detail.encode_to_vec(),
            };
            let details = google_rpc::Status {
                code: Code::Unknown as i32,
                message: message.clone(),
                details: vec![any],
            };
            Status::with_details(Code::Unknown, message, details.encode_to_vec().into())
        }
    }
}

fn unimplemented<T>(what: &str) -> Reply<T> {
    Err(Status::unimplemented(format!(
        "{what} is not supported by this provider"
    )))
}

fn check_response(inputs: PropertyMap, failures: Vec<crate::CheckFailure>) -> rpc::CheckResponse {
    rpc::CheckResponse {
        inputs: Some(to_struct(&inputs)),
        failures: failures
            .into_iter()
            .map(|f| {
                let (property, reason) = f.as_reported();
                rpc::CheckFailure { property, reason }
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl<P: Provider> ResourceProvider for Arc<ProviderServer<P>> {
    async fn handshake(
        &self,
        req: Request<rpc::ProviderHandshakeRequest>,
    ) -> Reply<rpc::ProviderHandshakeResponse> {
        let req = req.into_inner();
        if !req.engine_address.is_empty() {
            self.log.connect(&req.engine_address);
        }
        Ok(Response::new(rpc::ProviderHandshakeResponse {
            accept_secrets: true,
            accept_resources: true,
            accept_outputs: false,
            supports_autonaming_configuration: true,
            ..Default::default()
        }))
    }

    async fn parameterize(
        &self,
        _: Request<rpc::ParameterizeRequest>,
    ) -> Reply<rpc::ParameterizeResponse> {
        unimplemented("Parameterize")
    }

    async fn get_schema(
        &self,
        req: Request<rpc::GetSchemaRequest>,
    ) -> Reply<rpc::GetSchemaResponse> {
        if !req.get_ref().subpackage_name.is_empty() {
            return Err(Status::not_found("this provider has no subpackages"));
        }
        Ok(Response::new(rpc::GetSchemaResponse {
            schema: self.schema_text().to_owned(),
        }))
    }

    async fn check_config(&self, req: Request<rpc::CheckRequest>) -> Reply<rpc::CheckResponse> {
        let req = req.into_inner();
        let news = props(&req.news);
        let (cfg, mut failures) = config::decode::<P::Config>(&news, &self.config_info);
        if let Some(cfg) = cfg {
            failures.extend(self.provider.check_config(&cfg));
        }
        Ok(Response::new(check_response(news, failures)))
    }

    async fn diff_config(&self, req: Request<rpc::DiffRequest>) -> Reply<rpc::DiffResponse> {
        let req = req.into_inner();
        let (old, new) = (props(&req.old_inputs), props(&req.news));
        let changed: Vec<String> = old
            .keys()
            .chain(new.keys())
            .filter(|k| old.get(*k) != new.get(*k))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        Ok(Response::new(rpc::DiffResponse {
            changes: if changed.is_empty() { 1 } else { 2 },
            diffs: changed,
            ..Default::default()
        }))
    }

    async fn configure(
        &self,
        req: Request<rpc::ConfigureRequest>,
    ) -> Reply<rpc::ConfigureResponse> {
        let req = req.into_inner();
        let map = match &req.args {
            Some(args) if !args.fields.is_empty() => from_struct(args),
            _ => config::from_variables(self.provider.package().name, &req.variables),
        };
        let (cfg, mut failures) = config::decode::<P::Config>(&map, &self.config_info);
        if let Some(cfg) = &cfg {
            failures.extend(self.provider.check_config(cfg));
        }
        let cfg = match cfg {
            Some(cfg) if failures.is_empty() => cfg,
            _ => {
                let reasons: Vec<String> = failures
                    .iter()
                    .map(|f| format!("{}: {}", f.property, f.reason))
                    .collect();
                return Err(Status::invalid_argument(format!(
                    "invalid provider configuration: {}",
                    reasons.join("; ")
                )));
            }
        };
        let ctx = self.ctx(req.urn.as_deref().unwrap_or_default(), Operation::Other);
        let context = self.provider.configure(cfg, &ctx).await.map_err(status)?;
        if let Ok(mut slot) = self.context.write() {
            *slot = Some(Arc::new(context));
        }
        Ok(Response::new(rpc::ConfigureResponse {
            accept_secrets: true,
            supports_preview: true,
            accept_resources: true,
            accept_outputs: false,
            supports_autonaming_configuration: true,
        }))
    }

    async fn invoke(&self, req: Request<rpc::InvokeRequest>) -> Reply<rpc::InvokeResponse> {
        Err(Status::unimplemented(format!(
            "this provider has no function {}",
            req.get_ref().tok
        )))
    }

    async fn call(&self, _: Request<rpc::CallRequest>) -> Reply<rpc::CallResponse> {
        unimplemented("Call")
    }

    async fn check(&self, req: Request<rpc::CheckRequest>) -> Reply<rpc::CheckResponse> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let mut ctx = CheckCtx {
            urn: req.urn.clone(),
            name: if req.name.is_empty() {
                req.urn.rsplit("::").next().unwrap_or_default().to_string()
            } else {
                req.name.clone()
            },
            seed: req.random_seed.clone(),
            autonaming: autonaming(req.autonaming.as_ref()),
            ..CheckCtx::default()
        };
        let olds = props(&req.olds);
        let (inputs, mut failures) = handler
            .check(&mut ctx, props(&req.news), olds.clone())
            .map_err(|f| failed(f, &req.news))?;
        for warning in &ctx.warnings {
            self.log
                .log(crate::engine::Severity::Warning, &req.urn, warning, false)
                .await;
        }
        // A resource the engine does not hold yet: what its create would meet in the cloud.
        if handler.preflights()
            && failures.is_empty()
            && olds.is_empty()
            && let Ok(cx) = self.configured()
        {
            let ctx = self.ctx(&req.urn, Operation::Other);
            let looked = guarded(
                &ctx,
                PREFLIGHT_TIMEOUT,
                handler.preflight(cx.as_ref(), &ctx, inputs.clone()),
            )
            .await;
            match looked {
                Ok(found) => failures.extend(found),
                Err(f) => {
                    let why = match f {
                        Failed::Error(e) => e.to_string(),
                        Failed::Partial { reasons, .. } => reasons.join("; "),
                    };
                    ctx.warn(format!(
                        "could not look at what already exists before this create ({why}); the \
                         create looks again before it makes anything"
                    ))
                    .await;
                }
            }
        }
        Ok(Response::new(check_response(inputs, failures)))
    }

    async fn diff(&self, req: Request<rpc::DiffRequest>) -> Reply<rpc::DiffResponse> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let d = handler
            .diff(
                props(&req.olds),
                props(&req.old_inputs),
                props(&req.news),
                &req.ignore_changes,
            )
            .map_err(|f| failed(f, &req.news))?;
        if !d.replaces().is_empty() {
            self.note_replacement(&req.urn);
        }
        for property in d.replaces() {
            let warning =
                replacement_warning(&property, handler.replacement_reason(&property).as_deref());
            self.log
                .log(crate::engine::Severity::Warning, &req.urn, &warning, false)
                .await;
        }
        Ok(Response::new(diff_response(d)))
    }

    async fn create(&self, req: Request<rpc::CreateRequest>) -> Reply<rpc::CreateResponse> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let ctx = self.ctx(&req.urn, Operation::Create);
        let work = async {
            let cx = if req.preview {
                None
            } else {
                Some(self.configured()?)
            };
            handler
                .create(cx.as_deref(), &ctx, props(&req.properties), req.preview)
                .await
        };
        let (id, properties) = guarded(
            &ctx,
            Timeouts::or_default(req.timeout, handler.timeouts().create),
            work,
        )
        .await
        .map_err(|f| failed(f, &req.properties))?;
        Ok(Response::new(rpc::CreateResponse {
            id,
            properties: Some(to_struct(&properties)),
            refresh_before_update: false,
        }))
    }

    async fn read(&self, req: Request<rpc::ReadRequest>) -> Reply<rpc::ReadResponse> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let ctx = self
            .ctx(&req.urn, Operation::Read)
            .holding(&props(&req.properties));
        let work = async {
            let cx = self.configured()?;
            handler
                .read(
                    &cx,
                    &ctx,
                    &req.id,
                    props(&req.properties),
                    props(&req.inputs),
                )
                .await
        };
        let found = guarded(&ctx, req.timeout, work)
            .await
            .map_err(|f| failed(f, &req.inputs))?;
        Ok(Response::new(match found {
            Some((id, state, inputs)) => rpc::ReadResponse {
                id,
                properties: Some(to_struct(&state)),
                inputs: Some(to_struct(&inputs)),
                refresh_before_update: false,
            },
            None => rpc::ReadResponse::default(),
        }))
    }

    type ListStream = futures::stream::Empty<Result<rpc::ListResponse, Status>>;

    async fn list(&self, _: Request<rpc::ListRequest>) -> Reply<Self::ListStream> {
        unimplemented("List")
    }

    async fn update(&self, req: Request<rpc::UpdateRequest>) -> Reply<rpc::UpdateResponse> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let ctx = self
            .ctx(&req.urn, Operation::Update)
            .holding(&props(&req.olds));
        let work = async {
            let change = Change {
                olds: props(&req.olds),
                news: props(&req.news),
                old_inputs: props(&req.old_inputs),
            };
            let cx = if req.preview {
                None
            } else {
                Some(self.configured()?)
            };
            handler
                .update(cx.as_deref(), &ctx, &req.id, change, req.preview)
                .await
        };
        let properties = guarded(
            &ctx,
            Timeouts::or_default(req.timeout, handler.timeouts().update),
            work,
        )
        .await
        .map_err(|f| failed(f, &req.news))?;
        Ok(Response::new(rpc::UpdateResponse {
            properties: Some(to_struct(&properties)),
            refresh_before_update: false,
        }))
    }

    async fn delete(&self, req: Request<rpc::DeleteRequest>) -> Reply<()> {
        let req = req.into_inner();
        let handler = self.handler(&req.urn, &req.r#type).map_err(status)?;
        let ctx = self
            .ctx(&req.urn, Operation::Delete)
            .holding(&props(&req.properties));
        let work = async {
            let cx = self.configured()?;
            handler
                .delete(&cx, &ctx, &req.id, props(&req.properties))
                .await
        };
        guarded(
            &ctx,
            Timeouts::or_default(req.timeout, handler.timeouts().delete),
            work,
        )
        .await
        .map_err(|f| failed(f, &req.old_inputs))?;
        Ok(Response::new(()))
    }

    async fn construct(
        &self,
        req: Request<rpc::ConstructRequest>,
    ) -> Reply<rpc::ConstructResponse> {
        let req = req.into_inner();
        let handler = self.component_handler(&req.r#type).map_err(status)?;
        // The component's URN is known once it is registered; until then, messages are
        // attached to its parent.
        let ctx = self.ctx(&req.parent, Operation::Other);
        let version = self.provider.package().version;
        let work = async {
            crate::component::construct(handler, &req, ctx.clone(), version, self.clone())
                .await
                .map_err(Failed::from)
        };
        let answer = guarded(&ctx, 0.0, work)
            .await
            .map_err(|f| failed(f, &req.inputs))?;
        Ok(Response::new(answer))
    }

    async fn cancel(&self, _: Request<()>) -> Reply<()> {
        tracing::info!("the engine cancelled all operations");
        self.cancel.cancel();
        Ok(Response::new(()))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> Reply<rpc::PluginInfo> {
        Ok(Response::new(rpc::PluginInfo {
            version: self.provider.package().version.to_string(),
        }))
    }

    async fn attach(&self, req: Request<rpc::PluginAttach>) -> Reply<()> {
        self.log.connect(&req.get_ref().address);
        self.attached.notify_one();
        Ok(Response::new(()))
    }

    async fn get_mapping(
        &self,
        _: Request<rpc::GetMappingRequest>,
    ) -> Reply<rpc::GetMappingResponse> {
        unimplemented("GetMapping")
    }

    async fn get_mappings(
        &self,
        _: Request<rpc::GetMappingsRequest>,
    ) -> Reply<rpc::GetMappingsResponse> {
        unimplemented("GetMappings")
    }
}

fn autonaming(opts: Option<&rpc::check_request::AutonamingOptions>) -> Autonaming {
    use rpc::check_request::autonaming_options::Mode;
    match opts {
        None => Autonaming::Default,
        Some(o) => match Mode::try_from(o.mode) {
            Ok(Mode::Disable) => Autonaming::Disable,
            Ok(Mode::Enforce) => Autonaming::Enforce(o.proposed_name.clone()),
            _ if o.proposed_name.is_empty() => Autonaming::Default,
            _ => Autonaming::Propose(o.proposed_name.clone()),
        },
    }
}

/// What a preview says of a property whose change replaces the resource.
fn replacement_warning(property: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!(
            "`{property}` cannot change in place, so this change replaces the resource: {reason}"
        ),
        None => {
            format!("`{property}` cannot change in place, so this change replaces the resource")
        }
    }
}

fn diff_response(d: crate::DiffResult) -> rpc::DiffResponse {
    use crate::diff::ChangeKind;
    use rpc::property_diff::Kind;
    let detailed = d
        .changes
        .iter()
        .map(|(path, c)| {
            let kind = match (c.kind, c.replace) {
                (ChangeKind::Add, false) => Kind::Add,
                (ChangeKind::Add, true) => Kind::AddReplace,
                (ChangeKind::Update, false) => Kind::Update,
                (ChangeKind::Update, true) => Kind::UpdateReplace,
                (ChangeKind::Delete, false) => Kind::Delete,
                (ChangeKind::Delete, true) => Kind::DeleteReplace,
            };
            (
                path.clone(),
                rpc::PropertyDiff {
                    kind: kind as i32,
                    input_diff: c.input,
                },
            )
        })
        .collect();
    rpc::DiffResponse {
        replaces: d.replaces(),
        stables: Vec::new(),
        delete_before_replace: d.delete_before_replace,
        changes: if d.changes.is_empty() { 1 } else { 2 },
        diffs: d.changes.keys().cloned().collect(),
        detailed_diff: detailed,
        has_detailed_diff: true,
    }
}

#[cfg(test)]
#[path = "preflight_tests.rs"]
mod preflight_tests;
