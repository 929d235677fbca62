//! Serving the engine: listen on loopback, print the port, serve until told to stop or
//! until the engine is gone.

use std::io::Write;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpIncoming;

use crate::error::Result;
use crate::process::GRACE;
use crate::proto::pulumirpc::language_runtime_server::LanguageRuntimeServer;
use crate::service::LanguageHost;

/// How often the host checks that the engine that started it is still there.
const PARENT_POLL: Duration = Duration::from_secs(1);

/// Serves `host` on a loopback port, written to stdout as the engine expects. Stops on
/// SIGINT or SIGTERM (the engine interrupts a language host it closes), when the process
/// that started it has gone (the engine died), or when `shutdown` fires; the builds and
/// plugins it runs are stopped first.
pub async fn serve(host: LanguageHost, shutdown: CancellationToken) -> Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{port}")?;
        out.flush()?;
    }
    let stopping = shutdown.clone();
    let stop = async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("SIGINT received, shutting down"),
            _ = terminate.recv() => tracing::info!("SIGTERM received, shutting down"),
            () = parent_gone() => tracing::info!("the engine is gone, shutting down"),
            () = stopping.cancelled() => {}
        }
        stopping.cancel();
    };
    let server = tonic::transport::Server::builder()
        .add_service(LanguageRuntimeServer::new(host))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), stop);
    // Plugins get GRACE to stop once shutdown fires; then the host leaves regardless (a
    // child still running is killed when its handle drops).
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(GRACE + Duration::from_secs(2)).await;
    };
    tokio::select! {
        served = server => served?,
        () = deadline => tracing::warn!("shutdown took too long; leaving"),
    }
    Ok(())
}

/// Resolves once this process has a new parent: the engine that started it has exited
/// (however it ended) and the process was handed to another.
async fn parent_gone() {
    let parent = std::os::unix::process::parent_id();
    loop {
        tokio::time::sleep(PARENT_POLL).await;
        if std::os::unix::process::parent_id() != parent {
            return;
        }
    }
}
