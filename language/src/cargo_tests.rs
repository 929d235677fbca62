use std::time::Duration;

use tonic::Code;

use super::*;
use crate::process::Sink;
use crate::test_support::{Piece, Scratch, channel, drain, gone_within};

fn demo() -> PluginOptions {
    PluginOptions {
        package: "demo-pkg".into(),
        binary: "demo".into(),
        profile: "release".into(),
    }
}

/// A plugin directory holding a Cargo.toml, and a stand-in cargo running `body`.
fn fake(name: &str, body: &str) -> (Scratch, Cargo) {
    let scratch = Scratch::new(name);
    scratch.file("plugin/Cargo.toml", "[package]\nname = \"demo-pkg\"\n");
    let cargo = Cargo::at(scratch.script("cargo", body));
    (scratch, cargo)
}

/// Builds `dir` with `cargo`, its progress into `sink` (or nowhere).
async fn build_in(cargo: &Cargo, dir: &Path, sink: Option<&Sink<Piece>>) -> Result<Build> {
    let (own, _rx) = channel();
    let sink = sink.unwrap_or(&own);
    cargo
        .build(dir, &demo(), false, sink, &CancellationToken::new())
        .await
}

fn artifact_line(name: &str, kind: &str, executable: &str, fresh: bool) -> String {
    format!(
        r#"echo '{{"reason":"compiler-artifact","target":{{"name":"{name}","kind":["{kind}"]}},"executable":{executable},"fresh":{fresh}}}'"#
    )
}

fn args_of(command: &Command) -> Vec<String> {
    command
        .as_std()
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_command_builds_the_named_binary_with_the_profile_and_json_messages() {
    let scratch = Scratch::new("command");
    let dir = scratch.path();
    let args = args_of(&Cargo::at("cargo").command(dir, &demo(), false));
    let manifest = dir.join("Cargo.toml").display().to_string();
    assert_eq!(
        args,
        [
            "build",
            "--manifest-path",
            &manifest,
            "--package=demo-pkg",
            "--bin=demo",
            "--profile=release",
            "--message-format=json-render-diagnostics",
            "--color=never",
        ]
    );
}

#[test]
fn a_committed_lock_file_is_honoured_and_a_terminal_gets_colour() {
    let scratch = Scratch::new("locked");
    scratch.file("Cargo.lock", "");
    let args = args_of(&Cargo::at("cargo").command(scratch.path(), &demo(), true));
    assert!(args.contains(&"--locked".to_string()), "{args:?}");
    assert!(args.contains(&"--color=always".to_string()), "{args:?}");
}

#[tokio::test]
async fn a_build_names_the_binary_it_compiled_and_streams_cargos_progress() {
    let body = [
        "echo '   Compiling demo-pkg v0.1.0' >&2".to_string(),
        artifact_line("demo_lib", "lib", "null", false),
        artifact_line("other", "bin", "\"/x/other\"", false),
        artifact_line("demo", "bin", "\"/x/release/demo\"", false),
        "echo '{\"reason\":\"build-finished\",\"success\":true}'".to_string(),
        "echo '    Finished `release` profile' >&2".to_string(),
    ]
    .join("\n");
    let (scratch, cargo) = fake("built", &body);
    let (sink, mut rx) = channel();
    let build = build_in(&cargo, &scratch.path().join("plugin"), Some(&sink))
        .await
        .unwrap();
    assert_eq!(
        build,
        Build {
            executable: "/x/release/demo".into(),
            compiled: true
        }
    );
    let (out, err) = drain(&mut rx);
    assert_eq!(out, "", "cargo's JSON must not reach the stream");
    assert!(err.contains("pulumi-language-rust: building demo (release profile)"));
    assert!(err.contains("   Compiling demo-pkg v0.1.0\n"), "{err}");
    assert!(err.contains("Finished `release` profile"), "{err}");
    assert!(
        err.ends_with("pulumi-language-rust: demo is compiled\n"),
        "{err}"
    );
}

#[tokio::test]
async fn a_build_with_nothing_to_compile_says_the_binary_is_up_to_date() {
    let (scratch, cargo) = fake("fresh", &artifact_line("demo", "bin", "\"/x/demo\"", true));
    let dir = scratch.path().join("plugin");
    let (sink, mut rx) = channel();
    let build = build_in(&cargo, &dir, Some(&sink)).await.unwrap();
    assert!(!build.compiled);
    assert!(drain(&mut rx).1.contains("demo is up to date"));
}

#[tokio::test]
async fn a_failed_build_carries_cargos_error_text_to_the_user() {
    let body = "echo '   Compiling demo-pkg v0.1.0' >&2\n\
                echo 'error[E0425]: cannot find value `portt` in this scope' >&2\n\
                echo ' --> src/main.rs:3:5' >&2\n\
                exit 101";
    let (scratch, cargo) = fake("fails", body);
    let dir = scratch.path().join("plugin");
    let err = build_in(&cargo, &dir, None).await.unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("`cargo build` of demo-pkg failed (exit code 101)"));
    assert!(
        message.contains("error[E0425]: cannot find value `portt`"),
        "{message}"
    );
    assert!(message.contains("src/main.rs:3:5"), "{message}");
    assert_eq!(tonic::Status::from(err).code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn a_missing_cargo_is_a_clear_error() {
    let scratch = Scratch::new("nocargo");
    scratch.file("Cargo.toml", "");
    let cargo = Cargo::at(scratch.path().join("bin/cargo"));
    let err = build_in(&cargo, scratch.path(), None).await.unwrap_err();
    assert!(matches!(err, Error::CargoMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("install Rust"), "{err}");
}

#[tokio::test]
async fn a_directory_without_cargo_toml_is_refused_before_cargo_runs() {
    let scratch = Scratch::new("nomanifest");
    let cargo = Cargo::at(scratch.script("cargo", "touch ran"));
    let err = build_in(&cargo, scratch.path(), None).await.unwrap_err();
    assert!(matches!(err, Error::NoManifest(_)), "{err:?}");
    assert!(!scratch.path().join("ran").exists());
}

#[tokio::test]
async fn a_build_of_no_such_binary_says_which_option_names_it() {
    let (scratch, cargo) = fake(
        "nobinary",
        &artifact_line("other", "bin", "\"/x/other\"", false),
    );
    let dir = scratch.path().join("plugin");
    let err = build_in(&cargo, &dir, None).await.unwrap_err();
    assert!(matches!(err, Error::NoBinary { .. }), "{err:?}");
    assert!(err.to_string().contains("`binary` runtime option"), "{err}");
}

#[tokio::test]
async fn a_cancelled_build_stops_cargo_and_what_it_started() {
    // The stand-in cargo runs a child of its own, as cargo runs rustc.
    let body = "echo $$ >&2; sh -c 'echo $$ >&2; while :; do sleep 0.05; done'";
    let (scratch, cargo) = fake("cancel", body);
    let cargo = cargo.with_grace(Duration::from_secs(2));
    let (sink, mut rx) = channel();
    let cancel = CancellationToken::new();
    let dir = scratch.path().join("plugin");
    let token = cancel.clone();
    let build = tokio::spawn(async move { cargo.build(&dir, &demo(), false, &sink, &token).await });
    let mut pids: Vec<u32> = Vec::new();
    while pids.len() < 2 {
        match rx.recv().await {
            Some(Ok(Piece::Err(line))) => {
                pids.extend(String::from_utf8_lossy(&line).trim().parse::<u32>().ok())
            }
            other => panic!("no pids from the stand-in cargo: {other:?}"),
        }
    }
    cancel.cancel();
    let result = build.await.unwrap();
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    for pid in pids {
        assert!(
            gone_within(pid, Duration::from_secs(5)).await,
            "{pid} outlived the build"
        );
    }
}

/// Real cargo on a one-file crate: the JSON messages are read as cargo writes them, the
/// first build compiles, and a second finds everything up to date.
#[tokio::test]
async fn real_cargo_builds_a_tiny_plugin_once_and_then_finds_it_up_to_date() {
    let scratch = Scratch::new("real");
    scratch.file(
        "plugin/Cargo.toml",
        "[package]\nname = \"tiny-plugin\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    scratch.file("plugin/src/main.rs", "fn main() { println!(\"4321\"); }\n");
    let cargo = Cargo::from_env().with_env("CARGO_TARGET_DIR", scratch.path().join("target"));
    let options = PluginOptions {
        package: "tiny-plugin".into(),
        binary: "tiny-plugin".into(),
        profile: "dev".into(),
    };
    let dir = scratch.path().join("plugin");
    let (sink, mut rx) = channel();
    let first = cargo
        .build(&dir, &options, false, &sink, &CancellationToken::new())
        .await
        .unwrap();
    assert!(first.compiled);
    assert_eq!(
        first.executable,
        scratch.path().join("target/debug/tiny-plugin")
    );
    assert!(drain(&mut rx).1.contains("Compiling tiny-plugin v0.1.0"));
    let output = std::process::Command::new(&first.executable)
        .output()
        .unwrap();
    assert_eq!(output.stdout, b"4321\n");

    // Now with the Cargo.lock that the first build wrote, so also with --locked.
    let second = cargo
        .build(&dir, &options, false, &sink, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(
        second,
        Build {
            executable: first.executable,
            compiled: false
        }
    );
    assert!(!drain(&mut rx).1.contains("Compiling"));
}

/// A host environment holding credentials, and what a build needs from the real one.
fn host_with_credentials(scratch: &Scratch) -> Vec<(OsString, OsString)> {
    let mut host: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| {
            [
                "PATH",
                "HOME",
                "CARGO_HOME",
                "RUSTUP_HOME",
                "RUSTUP_TOOLCHAIN",
            ]
            .iter()
            .any(|n| k == n)
        })
        .collect();
    for (name, value) in [
        ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-value"),
        ("AWS_SESSION_TOKEN", "aws-session-value"),
        ("AZURE_CLIENT_SECRET", "azure-secret-value"),
        ("ARM_CLIENT_SECRET", "arm-secret-value"),
        ("GOOGLE_CREDENTIALS", "google-secret-value"),
        ("PULUMI_ACCESS_TOKEN", "pul-secret-value"),
        ("CARGO_REGISTRY_TOKEN", "registry-secret-value"),
        ("RUSTFLAGS", "-Cdebuginfo=0"),
        ("https_proxy", "http://proxy.example:3128"),
    ] {
        host.push((name.into(), value.into()));
    }
    host.push((
        "CARGO_TARGET_DIR".into(),
        scratch.path().join("target").into(),
    ));
    host
}

#[tokio::test]
async fn cargo_gets_what_a_build_needs_of_the_hosts_environment_and_no_credential() {
    let body = "env > \"$(dirname \"$0\")/cargo-env\"";
    let (scratch, cargo) = fake("buildenv", body);
    let cargo = cargo.with_host_env(host_with_credentials(&scratch));
    let _ = build_in(&cargo, &scratch.path().join("plugin"), None).await;
    let seen = std::fs::read_to_string(scratch.path().join("cargo-env")).unwrap();
    for secret in [
        "secret-value",
        "session-value",
        "AKIAEXAMPLE",
        "AWS_",
        "PULUMI_",
    ] {
        assert!(!seen.contains(secret), "cargo saw {secret}:\n{seen}");
    }
    let target = scratch.path().join("target");
    for needed in [
        "PATH=".to_string(),
        "RUSTFLAGS=-Cdebuginfo=0".into(),
        "https_proxy=http://proxy.example:3128".into(),
        format!("CARGO_TARGET_DIR={}", target.display()),
    ] {
        assert!(
            seen.lines().any(|l| l.starts_with(&needed)),
            "{needed}:\n{seen}"
        );
    }
}

#[tokio::test]
async fn a_dependencys_build_script_under_real_cargo_sees_no_credential() {
    let scratch = Scratch::new("realenv");
    scratch.file(
        "plugin/Cargo.toml",
        "[package]\nname = \"env-plugin\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    scratch.file("plugin/src/main.rs", "fn main() {}\n");
    scratch.file(
        "plugin/build.rs",
        "fn main() {\n    for (k, _) in std::env::vars() {\n        \
         assert!(!k.starts_with(\"AWS_\") && !k.starts_with(\"PULUMI_\") && !k.ends_with(\"_TOKEN\"), \"build script saw {k}\");\n    }\n}\n",
    );
    let cargo = Cargo::from_env().with_host_env(host_with_credentials(&scratch));
    let options = PluginOptions {
        package: "env-plugin".into(),
        binary: "env-plugin".into(),
        profile: "dev".into(),
    };
    let (sink, _rx) = channel();
    let built = cargo
        .build(
            &scratch.path().join("plugin"),
            &options,
            false,
            &sink,
            &CancellationToken::new(),
        )
        .await;
    assert!(built.is_ok(), "{built:?}");
}
