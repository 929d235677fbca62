//! Helpers for the unit tests: scratch directories, executable scripts, collected output.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tonic::Status;

use crate::process::{Output, Sink};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A directory of its own for one test, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "pulumi-language-rust-{name}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `body` as an executable `/bin/sh` script named `name`.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether a process id is still a live (or unreaped) process.
pub fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Waits up to `limit` for a process to be gone.
pub async fn gone_within(pid: u32, limit: Duration) -> bool {
    let start = Instant::now();
    while alive(pid) {
        if start.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

/// A piece of output as the tests collect it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Out(Vec<u8>),
    Err(Vec<u8>),
}

impl Output for Piece {
    fn stdout(bytes: Vec<u8>) -> Self {
        Piece::Out(bytes)
    }
    fn stderr(bytes: Vec<u8>) -> Self {
        Piece::Err(bytes)
    }
}

pub fn channel() -> (Sink<Piece>, mpsc::Receiver<Result<Piece, Status>>) {
    mpsc::channel(1024)
}

/// Everything left in the channel: (stdout, stderr) as text.
pub fn drain(rx: &mut mpsc::Receiver<Result<Piece, Status>>) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    while let Ok(piece) = rx.try_recv() {
        match piece {
            Ok(Piece::Out(b)) => out.extend(b),
            Ok(Piece::Err(b)) => err.extend(b),
            Err(status) => err.extend(status.message().as_bytes()),
        }
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}
