//! Child processes (cargo, the plugin): their output streamed to the engine as it comes,
//! and stopped when the engine ends the call or the host shuts down.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::Status;

use crate::error::{Error, Result};

/// How long a child has to exit after SIGINT before it is killed: as long as the engine
/// gives a plugin it starts itself.
pub const GRACE: Duration = Duration::from_secs(5);
/// How long to wait for a child's pipes to close after it exited (a grandchild it left
/// behind may hold them open).
const DRAIN: Duration = Duration::from_secs(5);

/// Where a streaming call's answers go; the engine dropping the call closes it.
pub type Sink<R> = mpsc::Sender<Result<R, Status>>;

/// A streamed answer that can carry a piece of a child's stdout or stderr.
pub trait Output: Send + 'static {
    fn stdout(bytes: Vec<u8>) -> Self;
    fn stderr(bytes: Vec<u8>) -> Self;
}

/// What stopping a child signals: the child alone (a plugin, which stays in the host's
/// process group, where the engine's own signals reach it), or the process group it leads
/// (cargo, started with `process_group(0)`, and every rustc it runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Process,
    Group,
}

/// How a supervised child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It exited by itself, with this code (128 + N for a signal N).
    Exited(i32),
    /// The engine ended the call, or the host was cancelled, so it was stopped.
    Stopped,
}

/// Starts `command` with stdin closed, stdout and stderr piped, killed if dropped.
pub fn spawn(command: &mut Command, program: &str) -> Result<Child> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // A program written a moment ago (a plugin cargo has just linked) can be "text file
    // busy" for a moment while another process forked meanwhile still holds it open for
    // writing; that passes, so the start is tried again a few times.
    let mut tries = 0;
    loop {
        match command.spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            started => {
                return started.map_err(|source| Error::Spawn {
                    program: program.to_string(),
                    source,
                });
            }
        }
    }
}

/// Waits for `child` to exit; stops it when the call's receiver goes away (the engine
/// ended the call) or `cancel` fires.
pub async fn supervise<R>(
    child: &mut Child,
    sink: &Sink<R>,
    cancel: &CancellationToken,
    stopping: (Scope, Duration),
) -> Result<Ended> {
    tokio::select! {
        status = child.wait() => Ok(Ended::Exited(exit_code(status?))),
        () = sink.closed() => {
            stop(child, stopping).await?;
            Ok(Ended::Stopped)
        }
        () = cancel.cancelled() => {
            stop(child, stopping).await?;
            Ok(Ended::Stopped)
        }
    }
}

/// Stops a child as the engine stops a plugin: SIGINT, then SIGKILL once `grace` has passed.
pub async fn stop(child: &mut Child, (scope, grace): (Scope, Duration)) -> io::Result<ExitStatus> {
    signal(child, scope, libc::SIGINT);
    match tokio::time::timeout(grace, child.wait()).await {
        Ok(status) => status,
        Err(_) => {
            signal(child, scope, libc::SIGKILL);
            child.kill().await?;
            child.wait().await
        }
    }
}

fn signal(child: &Child, scope: Scope, signal: libc::c_int) {
    let Some(pid) = child.id().and_then(|id| libc::pid_t::try_from(id).ok()) else {
        return;
    };
    let target = match scope {
        Scope::Process => pid,
        Scope::Group => -pid,
    };
    // SAFETY: kill(2) reads no memory of ours. `pid` is a child of this process that has not
    // been reaped yet (tokio reaps it in `wait`, after which `id()` is None), so neither the
    // id nor, for a child started as a group leader, its group can belong to anyone else.
    unsafe {
        libc::kill(target, signal);
    }
}

/// The code a shell would report: the exit code, or 128 + the signal that ended it.
pub fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(-1)
}

/// Copies `from` into the sink as it comes, each piece wrapped by `wrap`, until the end of
/// the stream or until nobody listens.
pub async fn forward<R: Output>(
    mut from: impl AsyncRead + Unpin,
    sink: Sink<R>,
    wrap: fn(Vec<u8>) -> R,
) {
    let mut buffer = vec![0u8; 8192];
    while let Ok(n) = from.read(&mut buffer).await {
        let piece = buffer.get(..n).unwrap_or_default();
        if n == 0 || sink.send(Ok(wrap(piece.to_vec()))).await.is_err() {
            return;
        }
    }
}

/// Runs a started plugin to its end: its stdout and stderr go into the sink as they come.
/// Returns how it ended, once both of its streams are drained.
pub async fn run<R: Output>(
    mut child: Child,
    sink: &Sink<R>,
    cancel: &CancellationToken,
    grace: Duration,
) -> Result<Ended> {
    let out = child
        .stdout
        .take()
        .map(|o| tokio::spawn(forward(o, sink.clone(), R::stdout)));
    let err = child
        .stderr
        .take()
        .map(|e| tokio::spawn(forward(e, sink.clone(), R::stderr)));
    let ended = supervise(&mut child, sink, cancel, (Scope::Process, grace)).await;
    for task in [out, err].into_iter().flatten() {
        drained(task).await;
    }
    ended
}

/// What a task reading a child's pipe returned, once the pipe has closed; None if it was
/// still open DRAIN after the child ended (a process the child left behind holds it), and
/// then the task is aborted.
pub async fn drained<T>(task: JoinHandle<T>) -> Option<T> {
    let abort = task.abort_handle();
    match tokio::time::timeout(DRAIN, task).await {
        Ok(joined) => joined.ok(),
        Err(_) => {
            abort.abort();
            None
        }
    }
}

#[cfg(test)]
#[path = "process_tests.rs"]
mod tests;
