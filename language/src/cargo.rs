//! Building the plugin with cargo: its progress streamed to the engine, its answer (which
//! binary, rebuilt or not) read from cargo's JSON messages.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

use crate::build_env;
use crate::error::{Error, Result};
use crate::options::PluginOptions;
use crate::process::{self, Ended, Output, Scope, Sink};

/// How many of cargo's last stderr lines a build failure carries to the user.
const TAIL: usize = 60;

/// A finished build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// The plugin binary cargo built (wherever the target directory is).
    pub executable: PathBuf,
    /// False when cargo found it up to date and compiled nothing of it.
    pub compiled: bool,
}

/// The cargo to build with: `$CARGO` when set (as under cargo itself), else `cargo` on PATH.
#[derive(Debug, Clone)]
pub struct Cargo {
    program: OsString,
    grace: Duration,
    env: Vec<(OsString, OsString)>,
    /// The environment a build's is taken from ([`build_env`]): the host's own.
    host_env: Vec<(OsString, OsString)>,
}

impl Cargo {
    pub fn from_env() -> Cargo {
        Cargo::at(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
    }

    pub fn at(program: impl Into<OsString>) -> Cargo {
        Cargo {
            program: program.into(),
            grace: process::GRACE,
            env: Vec::new(),
            host_env: std::env::vars_os().collect(),
        }
    }

    /// Takes the build's environment from `host` instead of the host's own environment.
    pub fn with_host_env<K, V>(mut self, host: impl IntoIterator<Item = (K, V)>) -> Cargo
    where
        K: Into<OsString>,
        V: Into<OsString>,
    {
        self.host_env = host
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self
    }

    /// Sets a variable for cargo on top of what it gets of the host's environment.
    pub fn with_env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cargo {
        self.env.push((key.into(), value.into()));
        self
    }

    /// How long a cancelled build has to stop before it is killed.
    pub fn with_grace(mut self, grace: Duration) -> Cargo {
        self.grace = grace;
        self
    }

    fn name(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }

    /// `cargo build` of the plugin's binary in `dir`. It gets of the host's environment
    /// only what a build needs ([`build_env`]: PATH, HOME, CARGO_TARGET_DIR and the rest of
    /// cargo's and rustup's, so it shares the user's build cache), never its credentials.
    pub fn command(&self, dir: &Path, options: &PluginOptions, color: bool) -> Command {
        let mut command = Command::new(&self.program);
        command
            .env_clear()
            .envs(build_env::for_build(&self.host_env))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            // Its own process group, so that stopping a build stops every rustc too.
            .process_group(0)
            .current_dir(dir)
            .arg("build")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .arg(format!("--package={}", options.package))
            .arg(format!("--bin={}", options.binary))
            .arg(format!("--profile={}", options.profile))
            .arg("--message-format=json-render-diagnostics")
            .arg(if color {
                "--color=always"
            } else {
                "--color=never"
            });
        if dir.join("Cargo.lock").is_file() {
            command.arg("--locked");
        }
        command
    }

    /// Builds the plugin, streaming cargo's progress (its stderr) into the sink as stderr.
    /// Cargo decides what is stale, so a second build of unchanged sources compiles nothing.
    pub async fn build<R: Output>(
        &self,
        dir: &Path,
        options: &PluginOptions,
        color: bool,
        sink: &Sink<R>,
        cancel: &CancellationToken,
    ) -> Result<Build> {
        if !dir.join("Cargo.toml").is_file() {
            return Err(Error::NoManifest(dir.to_path_buf()));
        }
        say(
            sink,
            format!(
                "building {} ({} profile) in {}",
                options.binary,
                options.profile,
                dir.display()
            ),
        )
        .await;
        let mut child = process::spawn(&mut self.command(dir, options, color), &self.name())
            .map_err(|e| match e {
                Error::Spawn { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::CargoMissing {
                        program: self.name(),
                    }
                }
                other => other,
            })?;
        let artifacts = child
            .stdout
            .take()
            .map(|out| tokio::spawn(binary_of(out, options.binary.clone())));
        let progress = child
            .stderr
            .take()
            .map(|err| tokio::spawn(progress(err, sink.clone())));
        let stopping = (Scope::Group, self.grace);
        let ended = process::supervise(&mut child, sink, cancel, stopping).await?;
        let built = match artifacts {
            Some(task) => process::drained(task).await.flatten(),
            None => None,
        };
        let tail = match progress {
            Some(task) => process::drained(task).await.unwrap_or_default(),
            None => Vec::new(),
        };
        match ended {
            Ended::Stopped => Err(Error::Cancelled),
            Ended::Exited(0) => {
                let build = built.ok_or_else(|| Error::NoBinary {
                    package: options.package.clone(),
                    binary: options.binary.clone(),
                })?;
                let verdict = if build.compiled {
                    "compiled"
                } else {
                    "up to date"
                };
                say(sink, format!("{} is {verdict}", options.binary)).await;
                Ok(build)
            }
            Ended::Exited(code) => Err(Error::BuildFailed {
                package: options.package.clone(),
                status: format!("exit code {code}"),
                output: tail.join("\n"),
            }),
        }
    }
}

/// One line of the host's own on the stream's stderr.
async fn say<R: Output>(sink: &Sink<R>, line: String) {
    let line = format!("pulumi-language-rust: {line}\n");
    let _ = sink.send(Ok(R::stderr(line.into_bytes()))).await;
}

/// Forwards cargo's stderr line by line; returns its last lines (the errors, on a failure).
async fn progress<R: Output>(from: impl AsyncRead + Unpin, sink: Sink<R>) -> Vec<String> {
    let mut reader = BufReader::new(from);
    let mut tail = VecDeque::with_capacity(TAIL);
    let mut line = Vec::new();
    let mut listening = true;
    while matches!(reader.read_until(b'\n', &mut line).await, Ok(n) if n > 0) {
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if tail.len() == TAIL {
            tail.pop_front();
        }
        tail.push_back(text);
        if listening {
            listening = sink.send(Ok(R::stderr(line.clone()))).await.is_ok();
        }
        line.clear();
    }
    tail.into()
}

/// A cargo JSON message; only what says which binary was built.
#[derive(Debug, Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    fresh: bool,
}

#[derive(Debug, Deserialize)]
struct Target {
    name: String,
    #[serde(default)]
    kind: Vec<String>,
}

/// Reads cargo's stdout (one JSON message a line) for the artifact of binary `name`.
async fn binary_of(from: impl AsyncRead + Unpin, name: String) -> Option<Build> {
    let mut lines = BufReader::new(from).lines();
    let mut found = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(build) = artifact(&line, &name) {
            found = Some(build);
        }
    }
    found
}

fn artifact(line: &str, name: &str) -> Option<Build> {
    let message: Message = serde_json::from_str(line).ok()?;
    let target = message.target?;
    let is_it = message.reason == "compiler-artifact"
        && target.name == name
        && target.kind.iter().any(|k| k == "bin");
    if !is_it {
        return None;
    }
    Some(Build {
        executable: message.executable?,
        compiled: !message.fresh,
    })
}

#[cfg(test)]
#[path = "cargo_tests.rs"]
mod tests;
