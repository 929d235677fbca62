use std::time::{Duration, Instant};

use tokio::process::Command;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::test_support::{Piece, Scratch, alive, channel, drain};

fn sh(script: &str) -> Child {
    spawn(Command::new("/bin/sh").arg("-c").arg(script), "sh").unwrap()
}

/// The first stdout piece, read as the pid the script printed.
async fn first_pid(rx: &mut tokio::sync::mpsc::Receiver<Result<Piece, Status>>) -> u32 {
    loop {
        match rx.recv().await {
            Some(Ok(Piece::Out(bytes))) => {
                return String::from_utf8(bytes).unwrap().trim().parse().unwrap();
            }
            Some(_) => continue,
            None => panic!("the stream ended before the script printed its pid"),
        }
    }
}

/// How a spawned `run` ended, failing the test if it takes over 10 s.
async fn finished(task: tokio::task::JoinHandle<Result<Ended>>) -> Ended {
    let joined = tokio::time::timeout(Duration::from_secs(10), task).await;
    joined.expect("run returned").unwrap().unwrap()
}

const LOOP: &str = "echo $$; while :; do sleep 0.05; done";

#[tokio::test]
async fn a_plugins_stdout_stderr_and_exit_code_reach_the_sink() {
    let (sink, mut rx) = channel();
    let child = sh("printf '4242\\n'; printf 'oops\\n' >&2; exit 3");
    let ended = run(child, &sink, &CancellationToken::new(), GRACE)
        .await
        .unwrap();
    assert_eq!(ended, Ended::Exited(3));
    assert_eq!(drain(&mut rx), ("4242\n".to_string(), "oops\n".to_string()));
}

#[tokio::test]
async fn a_plugin_ended_by_a_signal_reports_128_plus_the_signal() {
    let (sink, _rx) = channel();
    let ended = run(sh("kill -TERM $$"), &sink, &CancellationToken::new(), GRACE)
        .await
        .unwrap();
    assert_eq!(ended, Ended::Exited(128 + libc::SIGTERM));
}

#[tokio::test]
async fn ending_the_call_interrupts_the_plugin_and_waits_for_it() {
    let (sink, mut rx) = channel();
    let child = sh(&format!("trap 'exit 0' INT; {LOOP}"));
    let task = tokio::spawn(async move {
        run(
            child,
            &sink,
            &CancellationToken::new(),
            Duration::from_secs(30),
        )
        .await
    });
    let pid = first_pid(&mut rx).await;
    let start = Instant::now();
    drop(rx);
    assert_eq!(finished(task).await, Ended::Stopped);
    assert!(!alive(pid), "the plugin {pid} outlived its call");
    // SIGINT stopped it, not the SIGKILL that comes after the 30 s grace.
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_plugin_that_ignores_sigint_is_killed_after_the_grace_period() {
    let (sink, mut rx) = channel();
    let child = sh(&format!("trap '' INT; {LOOP}"));
    let grace = Duration::from_millis(300);
    let task =
        tokio::spawn(async move { run(child, &sink, &CancellationToken::new(), grace).await });
    let pid = first_pid(&mut rx).await;
    let start = Instant::now();
    drop(rx);
    assert_eq!(finished(task).await, Ended::Stopped);
    assert!(start.elapsed() >= grace, "killed before the grace period");
    assert!(!alive(pid), "the plugin {pid} survived SIGKILL");
}

#[tokio::test]
async fn the_host_shutting_down_stops_the_plugin() {
    let (sink, mut rx) = channel();
    let shutdown = CancellationToken::new();
    let child = sh(LOOP);
    let token = shutdown.clone();
    let task = tokio::spawn(async move { run(child, &sink, &token, GRACE).await });
    let pid = first_pid(&mut rx).await;
    shutdown.cancel();
    assert_eq!(finished(task).await, Ended::Stopped);
    assert!(!alive(pid));
}

#[tokio::test]
async fn a_program_that_cannot_start_is_named_in_the_error() {
    let scratch = Scratch::new("nostart");
    let missing = scratch.path().join("no-such-plugin");
    let err = spawn(&mut Command::new(&missing), "no-such-plugin").unwrap_err();
    assert!(
        err.to_string().starts_with("cannot start no-such-plugin"),
        "{err}"
    );
}
