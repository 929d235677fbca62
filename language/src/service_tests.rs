//! The service through a real gRPC connection, with a stand-in cargo and plugin scripts.

use std::time::Duration;

use prost_types::value::Kind;
use prost_types::{Struct, Value};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;

use super::*;
use crate::proto::pulumirpc::language_runtime_client::LanguageRuntimeClient;
use crate::proto::pulumirpc::language_runtime_server::LanguageRuntimeServer;
use crate::test_support::{Scratch, gone_within};

type Client = LanguageRuntimeClient<Channel>;

/// A plugin directory, a stand-in cargo that reports `plugin` as the built binary (after
/// `build` lines of its own), and a host serving on loopback.
struct Fixture {
    scratch: Scratch,
    client: Client,
}

impl Fixture {
    async fn new(name: &str, build: &str, plugin: &str) -> Fixture {
        Fixture::with_host_env(name, build, plugin, std::env::vars_os()).await
    }

    /// As `new`, with the host's environment (which a build's is taken from) set to `host`.
    async fn with_host_env(
        name: &str,
        build: &str,
        plugin: &str,
        host: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    ) -> Fixture {
        let scratch = Scratch::new(name);
        scratch.file("plugin/Cargo.toml", "[package]\nname = \"demo\"\n");
        let binary = scratch.script("demo", plugin);
        let cargo = scratch.script(
            "cargo",
            &format!(
                "echo \"$@\" > {args}\n{build}\n\
                 echo '{{\"reason\":\"compiler-artifact\",\"target\":{{\"name\":\"demo\",\"kind\":[\"bin\"]}},\"executable\":\"{exe}\",\"fresh\":false}}'",
                args = scratch.path().join("cargo-args").display(),
                exe = binary.display(),
            ),
        );
        let cargo = Cargo::at(cargo).with_host_env(host);
        let host =
            LanguageHost::new(cargo, CancellationToken::new()).with_grace(Duration::from_secs(2));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(LanguageRuntimeServer::new(host))
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        let client = Client::connect(format!("http://{address}")).await.unwrap();
        Fixture { scratch, client }
    }

    fn info(&self, options: &[(&str, &str)]) -> ProgramInfo {
        let dir = self.scratch.path().join("plugin").display().to_string();
        let fields = options
            .iter()
            .map(|(k, v)| {
                let value = Value {
                    kind: Some(Kind::StringValue(v.to_string())),
                };
                (k.to_string(), value)
            })
            .collect();
        ProgramInfo {
            root_directory: dir.clone(),
            program_directory: dir,
            entry_point: ".".into(),
            options: Some(Struct { fields }),
        }
    }

    fn run_request(&self, args: &[&str], env: &[&str]) -> RunPluginRequest {
        RunPluginRequest {
            pwd: self.scratch.path().display().to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
            env: env.iter().map(|e| e.to_string()).collect(),
            info: Some(self.info(&[("package", "demo-pkg"), ("binary", "demo")])),
            kind: "resource".into(),
            ..Default::default()
        }
    }

    /// InstallDependencies of the demo plugin, as the engine asks for a plugin.
    async fn install(&mut self) -> tonic::Streaming<InstallDependenciesResponse> {
        let request = InstallDependenciesRequest {
            info: Some(self.info(&[("package", "demo-pkg"), ("binary", "demo")])),
            is_plugin: true,
            ..Default::default()
        };
        let response = self.client.install_dependencies(request).await;
        response.unwrap().into_inner()
    }

    fn cargo_args(&self) -> String {
        std::fs::read_to_string(self.scratch.path().join("cargo-args")).unwrap_or_default()
    }
}

/// A RunPlugin stream read to its end: stdout, stderr, the exit code, the final error.
#[derive(Debug, Default)]
struct Ran {
    stdout: String,
    stderr: String,
    exit: Option<i32>,
    error: Option<Status>,
    /// Whether anything came after the exit code (it must be last).
    after_exit: bool,
}

async fn read_run(mut stream: tonic::Streaming<RunPluginResponse>) -> Ran {
    let mut ran = Ran::default();
    loop {
        match stream.message().await {
            Ok(Some(message)) => {
                ran.after_exit |= ran.exit.is_some();
                match message.output {
                    Some(run_plugin_response::Output::Stdout(b)) => {
                        ran.stdout.push_str(&String::from_utf8_lossy(&b))
                    }
                    Some(run_plugin_response::Output::Stderr(b)) => {
                        ran.stderr.push_str(&String::from_utf8_lossy(&b))
                    }
                    Some(run_plugin_response::Output::Exitcode(c)) => ran.exit = Some(c),
                    None => {}
                }
            }
            Ok(None) => return ran,
            Err(status) => {
                ran.error = Some(status);
                return ran;
            }
        }
    }
}

#[tokio::test]
async fn get_plugin_info_reports_the_crate_version() {
    let mut f = Fixture::new("info", "", "").await;
    let info = f.client.get_plugin_info(()).await.unwrap().into_inner();
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn running_a_rust_program_is_refused_as_unimplemented_with_the_reason() {
    let mut f = Fixture::new("run", "", "").await;
    let status = f.client.run(RunRequest::default()).await.unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
    assert!(
        status
            .message()
            .contains("does not run Pulumi programs written in Rust")
    );
    let request = InstallDependenciesRequest {
        info: Some(f.info(&[])),
        is_plugin: false,
        ..Default::default()
    };
    let status = f.client.install_dependencies(request).await.unwrap_err();
    assert_eq!(status.code(), Code::Unimplemented);
}

#[tokio::test]
#[allow(deprecated)] // GetRequiredPlugins is deprecated, and still called by the engine
async fn a_plugin_needs_no_plugins_and_no_packages() {
    let mut f = Fixture::new("needs", "", "").await;
    let info = Some(f.info(&[]));
    let plugins = f
        .client
        .get_required_plugins(GetRequiredPluginsRequest {
            info: info.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(plugins.plugins.is_empty());
    let packages = f
        .client
        .get_required_packages(GetRequiredPackagesRequest { info })
        .await
        .unwrap()
        .into_inner();
    assert!(packages.packages.is_empty() && packages.specs.is_empty());
}

#[tokio::test]
async fn run_plugin_builds_then_streams_the_port_line_first_and_the_exit_code_last() {
    let plugin =
        "echo 12345\necho \"started with $1, GREETING=$GREETING, HOME=${HOME:-unset}\" >&2";
    let mut f = Fixture::new("runs", "echo '   Compiling demo' >&2", plugin).await;
    let request = f.run_request(&["127.0.0.1:9"], &["GREETING=hi", "PATH=/usr/bin:/bin"]);
    let stream = f.client.run_plugin(request).await.unwrap().into_inner();
    let ran = read_run(stream).await;
    assert!(ran.error.is_none(), "{:?}", ran.error);
    // Nothing of the build reaches stdout, where the engine reads the port.
    assert_eq!(ran.stdout, "12345\n");
    assert!(ran.stderr.contains("   Compiling demo\n"), "{}", ran.stderr);
    // The engine's arguments and only the engine's environment.
    assert!(
        ran.stderr
            .contains("started with 127.0.0.1:9, GREETING=hi, HOME=unset"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.exit, Some(0));
    assert!(!ran.after_exit);
    let args = f.cargo_args();
    assert!(
        args.contains("--package=demo-pkg --bin=demo --profile=release"),
        "{args}"
    );
}

#[tokio::test]
async fn the_build_gets_no_credential_and_the_plugin_gets_the_engines_environment_in_full() {
    let cargo_env = "env > \"$(dirname \"$0\")/cargo-env\"";
    let plugin = "echo 1\necho \"key=$AWS_SECRET_ACCESS_KEY token=$PULUMI_ACCESS_TOKEN\" >&2";
    let host = std::env::vars_os().filter(|(k, _)| k == "PATH").chain([
        ("AWS_SECRET_ACCESS_KEY".into(), "host-aws-secret".into()),
        ("PULUMI_ACCESS_TOKEN".into(), "host-pulumi-token".into()),
    ]);
    let mut f = Fixture::with_host_env("credentials", cargo_env, plugin, host).await;
    let engine = [
        "PATH=/usr/bin:/bin",
        "AWS_SECRET_ACCESS_KEY=engine-aws-secret",
        "PULUMI_ACCESS_TOKEN=engine-pulumi-token",
    ];
    let stream = f.client.run_plugin(f.run_request(&[], &engine)).await;
    let ran = read_run(stream.unwrap().into_inner()).await;
    assert!(ran.error.is_none(), "{:?}", ran.error);
    let seen = std::fs::read_to_string(f.scratch.path().join("cargo-env")).unwrap();
    assert!(
        !seen.contains("secret") && !seen.contains("token"),
        "{seen}"
    );
    assert!(
        ran.stderr
            .contains("key=engine-aws-secret token=engine-pulumi-token"),
        "{}",
        ran.stderr
    );
}

#[tokio::test]
async fn a_plugin_exiting_with_an_error_reports_its_exit_code() {
    let mut f = Fixture::new("exit", "", "echo 'no engine to talk to' >&2; exit 4").await;
    let stream = f.client.run_plugin(f.run_request(&[], &[])).await.unwrap();
    let ran = read_run(stream.into_inner()).await;
    assert_eq!(ran.exit, Some(4));
    assert!(ran.stderr.contains("no engine to talk to"));
}

#[tokio::test]
async fn run_plugin_with_a_failing_build_ends_with_cargos_error() {
    let build = "echo 'error: expected one of `;` or `}`' >&2; exit 101";
    let mut f = Fixture::new("buildfail", build, "echo 1").await;
    let stream = f.client.run_plugin(f.run_request(&[], &[])).await.unwrap();
    let ran = read_run(stream.into_inner()).await;
    let status = ran.error.expect("the stream ends with an error");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert!(
        status
            .message()
            .contains("error: expected one of `;` or `}`")
    );
    assert_eq!(
        ran.stdout, "",
        "the plugin must not run after a failed build"
    );
    assert_eq!(ran.exit, None);
}

#[tokio::test]
async fn ending_the_run_plugin_call_stops_the_plugin() {
    let plugin = "echo $$; trap 'exit 0' INT; while :; do sleep 0.05; done";
    let mut f = Fixture::new("drop", "", plugin).await;
    let mut stream = f
        .client
        .run_plugin(f.run_request(&[], &[]))
        .await
        .unwrap()
        .into_inner();
    let pid: u32 = loop {
        let message = stream
            .message()
            .await
            .unwrap()
            .expect("the plugin printed its pid");
        if let Some(run_plugin_response::Output::Stdout(b)) = message.output {
            break String::from_utf8_lossy(&b).trim().parse().unwrap();
        }
    };
    assert!(crate::test_support::alive(pid));
    drop(stream);
    assert!(
        gone_within(pid, Duration::from_secs(5)).await,
        "the plugin {pid} outlived its call"
    );
}

#[tokio::test]
async fn install_dependencies_streams_cargos_progress_and_ends_cleanly() {
    let mut f = Fixture::new("install", "echo '   Compiling demo' >&2", "").await;
    let mut stream = f.install().await;
    let mut stderr = String::new();
    while let Some(message) = stream.message().await.unwrap() {
        stderr.push_str(&String::from_utf8_lossy(&message.stderr));
    }
    assert!(stderr.contains("   Compiling demo\n"), "{stderr}");
    assert!(stderr.contains("demo is compiled"), "{stderr}");
}

#[tokio::test]
async fn cancel_stops_a_build_in_progress_and_the_call_says_so() {
    let build = "echo $$ >&2; while :; do sleep 0.05; done";
    let mut f = Fixture::new("cancel", build, "").await;
    let mut stream = f.install().await;
    let pid: u32 = loop {
        let message = stream
            .message()
            .await
            .unwrap()
            .expect("cargo printed its pid");
        if let Ok(pid) = String::from_utf8_lossy(&message.stderr).trim().parse() {
            break pid;
        }
    };
    f.client.cancel(()).await.unwrap();
    let status = loop {
        match stream.message().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("a cancelled build must not end as a success"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::Cancelled);
    assert!(gone_within(pid, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn a_request_without_a_plugin_directory_is_refused() {
    let mut f = Fixture::new("nodir", "", "").await;
    let status = f
        .client
        .run_plugin(RunPluginRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("no plugin directory"));
}

#[test]
fn environment_entries_split_at_the_first_equals_sign() {
    let entries = [
        "A=1".to_string(),
        "B=x=y".into(),
        "BROKEN".into(),
        "=v".into(),
    ];
    assert_eq!(environment(&entries), [("A", "1"), ("B", "x=y")]);
}

#[tokio::test]
async fn a_handshake_records_the_engines_address() {
    let host = LanguageHost::new(Cargo::at("cargo"), CancellationToken::new());
    assert_eq!(host.engine_address(), None);
    let request = LanguageHandshakeRequest {
        engine_address: "127.0.0.1:4321".into(),
        root_directory: Some("/src/plugin".into()),
        program_directory: Some("/src/plugin".into()),
    };
    host.handshake(Request::new(request)).await.unwrap();
    assert_eq!(host.engine_address().as_deref(), Some("127.0.0.1:4321"));
}
