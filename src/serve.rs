//! Launching: listen on loopback, print the port, serve until told to stop.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::TcpIncoming;

use crate::error::Result;
use crate::proto::pulumirpc::resource_provider_server::ResourceProviderServer;
use crate::resource::Provider;
use crate::server::ProviderServer;

/// The engine allows messages up to 400 MiB.
const MAX_MESSAGE: usize = 400 * 1024 * 1024;
/// How many failed probes of the engine's address mean the engine has gone.
const ENGINE_GONE_AFTER: u32 = 3;

/// The command line the engine starts a plugin with: flags, then its own address last.
#[derive(Debug, Default, PartialEq)]
pub struct Launch {
    pub engine_address: Option<String>,
    pub verbosity: u8,
    pub log_to_stderr: bool,
}

impl Launch {
    pub fn parse(args: impl IntoIterator<Item = String>) -> Launch {
        let mut launch = Launch::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--logtostderr" || arg == "-logtostderr" {
                launch.log_to_stderr = true;
            } else if let Some(v) = arg.strip_prefix("-v=").or_else(|| arg.strip_prefix("--v=")) {
                launch.verbosity = v.parse().unwrap_or(0);
            } else if arg == "--tracing" || arg == "-tracing" {
                args.next();
            } else if !arg.is_empty() && !arg.starts_with('-') {
                launch.engine_address = Some(arg);
            }
        }
        launch
    }
}

/// Serves the provider. With an engine address, it stops when the engine goes away;
/// without one (attach mode) it waits for the engine to attach.
pub async fn serve<P: Provider>(server: ProviderServer<P>, launch: Launch) -> Result<()> {
    let server = Arc::new(server);
    if let Some(address) = &launch.engine_address {
        server.log.connect(address);
    }
    let signals = Signals::catch();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{port}")?;
        out.flush()?;
    }
    tracing::info!(port, "provider listening");
    let stop = server.cancel.clone();
    let shutdown = stop_when(launch.engine_address.clone(), signals, stop.clone());
    let service = ResourceProviderServer::new(server)
        .max_decoding_message_size(MAX_MESSAGE)
        .max_encoding_message_size(MAX_MESSAGE);
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(accepted(listener), shutdown)
        .await?;
    Ok(())
}

/// The listener's connections, each with TCP_NODELAY: the engine makes many small unary
/// calls in a row, and without it Nagle's algorithm holds each reply until the engine's
/// delayed ACK (~40 ms). tonic sets it only on listeners it binds itself.
fn accepted(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// Resolves on SIGINT/SIGTERM or when the engine stops answering; cancels running work.
async fn stop_when(engine: Option<String>, signals: Signals, stop: CancellationToken) {
    let engine_gone = async {
        match engine {
            Some(address) => watch_engine(&address).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = signals.received() => tracing::info!("signal received, shutting down"),
        _ = engine_gone => tracing::info!("the engine is gone, shutting down"),
    }
    stop.cancel();
}

/// SIGINT and SIGTERM, caught from the moment this is made: the engine may send SIGINT as
/// soon as it has read the port, and a signal that came before its handler would be lost
/// (or, where the plugin was started with SIGINT ignored, ignored).
struct Signals {
    #[cfg(unix)]
    caught: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn catch() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let caught = match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(int), Ok(term)) => Some((int, term)),
                _ => None,
            };
            Signals { caught }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn received(self) {
        #[cfg(unix)]
        if let Some((mut int, mut term)) = self.caught {
            tokio::select! { _ = int.recv() => {}, _ = term.recv() => {} }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn watch_engine(address: &str) {
    let mut failures = 0;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let probe = tokio::time::timeout(
            Duration::from_secs(2),
            tokio::net::TcpStream::connect(address),
        )
        .await;
        failures = if matches!(probe, Ok(Ok(_))) {
            0
        } else {
            failures + 1
        };
        if failures >= ENGINE_GONE_AFTER {
            return;
        }
    }
}

#[cfg(test)]
#[path = "serve_tests.rs"]
mod tests;
