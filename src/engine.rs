//! Logging to the engine: messages attached to a resource's URN, and ephemeral status lines.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use tonic::transport::{Channel, Endpoint};

use crate::proto::pulumirpc::{LogRequest, LogSeverity, engine_client::EngineClient};

/// A handle on the engine's Log service; cheap to clone. Before the engine address is
/// known (attach mode) or when the engine does not answer, messages go to tracing only.
#[derive(Clone, Default)]
pub struct EngineLog {
    client: Arc<RwLock<Option<Engine>>>,
}

/// The engine's address and a (lazily connected) client of it.
struct Engine {
    address: String,
    client: EngineClient<Channel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Debug,
    Info,
    Warning,
    Error,
}

impl EngineLog {
    /// Points the handle at the engine's gRPC address (`host:port`). The same address
    /// again (the launch argument, then Handshake) keeps the connection there is.
    pub fn connect(&self, address: &str) {
        let known = self
            .client
            .read()
            .ok()
            .and_then(|c| c.as_ref().map(|engine| engine.address == address));
        if known == Some(true) {
            return;
        }
        let uri = format!("http://{address}");
        match Endpoint::from_shared(uri) {
            Ok(endpoint) => {
                let channel = endpoint
                    .connect_timeout(Duration::from_secs(5))
                    .connect_lazy();
                if let Ok(mut slot) = self.client.write() {
                    *slot = Some(Engine {
                        address: address.to_string(),
                        client: EngineClient::new(channel),
                    });
                }
            }
            Err(e) => tracing::warn!("engine address {address} is not usable: {e}"),
        }
    }

    /// Sends one message. Failures to log never fail the operation being logged.
    pub async fn log(&self, severity: Severity, urn: &str, message: &str, ephemeral: bool) {
        tracing::debug!(urn, ephemeral, "{message}");
        let client = self
            .client
            .read()
            .ok()
            .and_then(|c| c.as_ref().map(|engine| engine.client.clone()));
        let Some(mut client) = client else { return };
        let request = LogRequest {
            severity: match severity {
                Severity::Debug => LogSeverity::Debug,
                Severity::Info => LogSeverity::Info,
                Severity::Warning => LogSeverity::Warning,
                Severity::Error => LogSeverity::Error,
            } as i32,
            message: message.to_string(),
            urn: urn.to_string(),
            stream_id: 0,
            ephemeral,
        };
        let sent = tokio::time::timeout(Duration::from_secs(5), client.log(request)).await;
        if !matches!(sent, Ok(Ok(_))) {
            tracing::debug!("the engine did not take a log message");
        }
    }
}
