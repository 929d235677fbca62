//! The LanguageRuntime service: what a plugin run from source needs, and a clear refusal
//! of the rest (running a Rust *program* is out of scope).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use crate::cargo::Cargo;
use crate::error::{Error, Result};
use crate::options::PluginOptions;
use crate::process::{self, Ended, Output, Sink};
use crate::proto::pulumirpc::language_runtime_server::LanguageRuntime;
use crate::proto::pulumirpc::{
    GetRequiredPackagesRequest, GetRequiredPackagesResponse, GetRequiredPluginsRequest,
    GetRequiredPluginsResponse, InstallDependenciesRequest, InstallDependenciesResponse,
    LanguageHandshakeRequest, LanguageHandshakeResponse, PluginInfo, ProgramInfo, RunPluginRequest,
    RunPluginResponse, RunRequest, RunResponse, run_plugin_response,
};

/// Why `Run` and program installs are refused.
pub const PROGRAMS_UNSUPPORTED: &str = "pulumi-language-rust builds and runs Pulumi plugins from \
     their source (PulumiPlugin.yaml with `runtime: rust`); it does not run Pulumi programs \
     written in Rust (Pulumi.yaml with `runtime: rust`)";

/// Answers queued per call before cargo or the plugin waits for the engine to read them.
const QUEUE: usize = 64;

/// The language host: builds plugins with cargo and runs them for the engine.
pub struct LanguageHost {
    cargo: Cargo,
    grace: Duration,
    /// Fires when the host shuts down: every build and plugin is stopped.
    shutdown: CancellationToken,
    /// The builds' token; the `Cancel` RPC fires it (and starts a new one for later builds).
    builds: Mutex<CancellationToken>,
    engine: Mutex<Option<String>>,
}

impl LanguageHost {
    pub fn new(cargo: Cargo, shutdown: CancellationToken) -> LanguageHost {
        LanguageHost {
            cargo,
            grace: process::GRACE,
            builds: Mutex::new(shutdown.child_token()),
            shutdown,
            engine: Mutex::new(None),
        }
    }

    /// How long a plugin has to exit after SIGINT before it is killed.
    pub fn with_grace(mut self, grace: Duration) -> LanguageHost {
        self.grace = grace;
        self
    }

    /// The engine's address, once a Handshake gave it.
    pub fn engine_address(&self) -> Option<String> {
        self.engine.lock().ok().and_then(|e| e.clone())
    }

    fn build_token(&self) -> CancellationToken {
        match self.builds.lock() {
            Ok(token) => token.clone(),
            Err(_) => self.shutdown.child_token(),
        }
    }
}

impl Output for RunPluginResponse {
    fn stdout(bytes: Vec<u8>) -> Self {
        RunPluginResponse {
            output: Some(run_plugin_response::Output::Stdout(bytes)),
        }
    }
    fn stderr(bytes: Vec<u8>) -> Self {
        RunPluginResponse {
            output: Some(run_plugin_response::Output::Stderr(bytes)),
        }
    }
}

impl Output for InstallDependenciesResponse {
    fn stdout(bytes: Vec<u8>) -> Self {
        InstallDependenciesResponse {
            stdout: bytes,
            stderr: Vec::new(),
        }
    }
    fn stderr(bytes: Vec<u8>) -> Self {
        InstallDependenciesResponse {
            stdout: Vec::new(),
            stderr: bytes,
        }
    }
}

/// The plugin's source directory: where PulumiPlugin.yaml and Cargo.toml are.
fn plugin_dir(info: Option<&ProgramInfo>) -> Result<PathBuf> {
    let info = info.ok_or(Error::NoDirectory)?;
    [&info.program_directory, &info.root_directory]
        .into_iter()
        .find(|d| !d.is_empty())
        .map(PathBuf::from)
        .ok_or(Error::NoDirectory)
}

/// `KEY=value` entries as pairs; an entry with no `=` is not a variable and is dropped.
pub fn environment(entries: &[String]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .filter_map(|e| e.split_once('='))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Sends a failure as the stream's last answer (lost if the engine already ended the call).
async fn fail<R>(sink: &Sink<R>, error: Error) {
    let _ = sink.send(Err(error.into())).await;
}

/// The plugin's process: its binary, with the engine's arguments, environment and
/// working directory.
fn plugin_command(binary: &Path, request: &RunPluginRequest, dir: &Path) -> Command {
    let mut command = Command::new(binary);
    command.args(&request.args);
    command.current_dir(if request.pwd.is_empty() {
        dir
    } else {
        Path::new(&request.pwd)
    });
    if !request.env.is_empty() {
        command.env_clear();
        command.envs(environment(&request.env));
    }
    command
}

#[tonic::async_trait]
impl LanguageRuntime for LanguageHost {
    async fn handshake(
        &self,
        request: Request<LanguageHandshakeRequest>,
    ) -> Result<Response<LanguageHandshakeResponse>, Status> {
        if let Ok(mut engine) = self.engine.lock() {
            *engine = Some(request.into_inner().engine_address);
        }
        Ok(Response::new(LanguageHandshakeResponse {}))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> Result<Response<PluginInfo>, Status> {
        Ok(Response::new(PluginInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
        }))
    }

    /// A Rust plugin's dependencies are crates, which cargo fetches; it needs no plugin.
    async fn get_required_plugins(
        &self,
        _: Request<GetRequiredPluginsRequest>,
    ) -> Result<Response<GetRequiredPluginsResponse>, Status> {
        Ok(Response::new(GetRequiredPluginsResponse::default()))
    }

    async fn get_required_packages(
        &self,
        _: Request<GetRequiredPackagesRequest>,
    ) -> Result<Response<GetRequiredPackagesResponse>, Status> {
        Ok(Response::new(GetRequiredPackagesResponse::default()))
    }

    async fn run(&self, _: Request<RunRequest>) -> Result<Response<RunResponse>, Status> {
        Err(Status::unimplemented(PROGRAMS_UNSUPPORTED))
    }

    /// Builds the plugin (`cargo build`, release profile by default), streaming cargo's
    /// progress.
    async fn install_dependencies(
        &self,
        request: Request<InstallDependenciesRequest>,
    ) -> Result<Response<BoxStream<InstallDependenciesResponse>>, Status> {
        let request = request.into_inner();
        if !request.is_plugin {
            return Err(Status::unimplemented(PROGRAMS_UNSUPPORTED));
        }
        let dir = plugin_dir(request.info.as_ref())?;
        let options = PluginOptions::from_struct(request.info.and_then(|i| i.options).as_ref())?;
        let (sink, stream) = mpsc::channel(QUEUE);
        let cargo = self.cargo.clone();
        let cancel = self.build_token();
        tokio::spawn(async move {
            let built = cargo
                .build(&dir, &options, request.is_terminal, &sink, &cancel)
                .await;
            if let Err(error) = built {
                fail(&sink, error).await;
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(stream))))
    }

    /// Builds the plugin if its sources changed, then runs it: its stdout (the port line
    /// first) and stderr as they come, its exit code last. Ending the call stops it.
    async fn run_plugin(
        &self,
        request: Request<RunPluginRequest>,
    ) -> Result<Response<BoxStream<RunPluginResponse>>, Status> {
        let request = request.into_inner();
        let dir = plugin_dir(request.info.as_ref())?;
        let options =
            PluginOptions::from_struct(request.info.as_ref().and_then(|i| i.options.as_ref()))?;
        let (sink, stream) = mpsc::channel(QUEUE);
        let cargo = self.cargo.clone();
        let builds = self.build_token();
        let shutdown = self.shutdown.clone();
        let grace = self.grace;
        tokio::spawn(async move {
            let build = match cargo.build(&dir, &options, false, &sink, &builds).await {
                Ok(build) => build,
                Err(error) => return fail(&sink, error).await,
            };
            let program = build.executable.display().to_string();
            let mut command = plugin_command(&build.executable, &request, &dir);
            let ended = match process::spawn(&mut command, &program) {
                Ok(child) => process::run(child, &sink, &shutdown, grace).await,
                Err(error) => Err(error),
            };
            match ended {
                Ok(Ended::Exited(code)) => {
                    let last = run_plugin_response::Output::Exitcode(code);
                    let _ = sink
                        .send(Ok(RunPluginResponse { output: Some(last) }))
                        .await;
                }
                Ok(Ended::Stopped) => {}
                Err(error) => fail(&sink, error).await,
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(stream))))
    }

    /// Stops the builds in progress. A running plugin is the engine's to stop: it ends that
    /// plugin's RunPlugin call once the plugin has finished its own cancellation.
    async fn cancel(&self, _: Request<()>) -> Result<Response<()>, Status> {
        if let Ok(mut token) = self.builds.lock() {
            token.cancel();
            *token = self.shutdown.child_token();
        }
        Ok(Response::new(()))
    }
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
