//! The engine's resource monitor, as a component sees it: register a resource and wait
//! for the engine to have it, register a component's outputs.

use std::time::Duration;

use tonic::transport::{Channel, Endpoint};

use crate::error::{Error, Result};
use crate::proto::pulumirpc::{
    RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse,
    SupportsFeatureRequest, resource_monitor_client::ResourceMonitorClient,
};
use crate::value::{PropertyMap, to_struct};

/// The engine allows messages up to 400 MiB; so does this client.
const MAX_MESSAGE: usize = 400 * 1024 * 1024;

/// A client of the resource monitor at the address a Construct request names.
#[derive(Clone)]
pub(crate) struct Monitor {
    client: ResourceMonitorClient<Channel>,
}

impl Monitor {
    /// Connects to `address` (`host:port`).
    pub(crate) async fn connect(address: &str) -> Result<Monitor> {
        let endpoint = Endpoint::from_shared(format!("http://{address}"))
            .map_err(|e| {
                Error::OutOfOrder(format!("the monitor address {address} is not usable: {e}"))
            })?
            .tcp_nodelay(true)
            .connect_timeout(Duration::from_secs(10));
        let channel = endpoint.connect().await.map_err(|e| {
            Error::Upstream(format!(
                "cannot reach the engine's resource monitor at {address}: {e}"
            ))
        })?;
        Ok(Monitor {
            client: ResourceMonitorClient::new(channel)
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(MAX_MESSAGE),
        })
    }

    /// Whether the monitor supports a feature; a monitor that cannot say supports none.
    pub(crate) async fn supports(&self, feature: &str) -> bool {
        let request = SupportsFeatureRequest {
            id: feature.to_string(),
        };
        match self.client.clone().supports_feature(request).await {
            Ok(answer) => answer.into_inner().has_support,
            Err(_) => false,
        }
    }

    /// Registers a resource; answers once the engine has created, updated or kept it.
    pub(crate) async fn register(
        &self,
        request: RegisterResourceRequest,
    ) -> std::result::Result<RegisterResourceResponse, tonic::Status> {
        Ok(self
            .client
            .clone()
            .register_resource(request)
            .await?
            .into_inner())
    }

    /// Records a component's outputs.
    pub(crate) async fn register_outputs(&self, urn: &str, outputs: &PropertyMap) -> Result<()> {
        let request = RegisterResourceOutputsRequest {
            urn: urn.to_string(),
            outputs: Some(to_struct(outputs)),
        };
        self.client
            .clone()
            .register_resource_outputs(request)
            .await
            .map_err(|s| {
                Error::Upstream(format!(
                    "the engine did not take the outputs of {urn}: {}",
                    s.message()
                ))
            })?;
        Ok(())
    }
}
