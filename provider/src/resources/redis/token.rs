//! The AUTH token: made by the plugin from a CSPRNG, kept in a Secrets Manager secret with
//! the connection facts, never an input, never logged.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::aws::AwsContext;
use crate::aws::secrets::{self, SecretView};
use crate::aws::tags::claim;
use crate::error::{Error, Result};
use crate::resources::postgres::settling;

/// Characters of a token: letters, digits and the only punctuation ElastiCache accepts in
/// an AUTH token (`!&#$^<>-`).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!&#$^<>-";
pub const TOKEN_LEN: usize = 64;

/// A fresh token. `rand::rng()` is a CSPRNG (ChaCha, seeded and reseeded from the OS).
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..TOKEN_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The secret's name for a cache.
pub fn secret_name(id: &str) -> String {
    format!("healthcare/redis/{id}/auth")
}

/// What the secret holds, as JSON. Deliberately without `Debug`, so it cannot be logged.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub host: String,
    pub port: i32,
    pub tls: bool,
    pub auth_token: String,
}

impl Connection {
    fn json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|source| Error::Json {
            what: "the AUTH secret",
            source,
        })
    }
}

fn fresh(port: i32) -> Connection {
    Connection {
        host: String::new(),
        port,
        tls: true,
        auth_token: generate(),
    }
}

/// The owned secret and what it holds.
pub struct Held {
    pub view: SecretView,
    pub connection: Connection,
}

/// Finds this cache's secret (restoring it if it was scheduled for deletion) or creates it
/// with a new token. The token exists in AWS before the cache does, so a crash between the
/// two never loses it.
pub async fn ensure(
    cx: &AwsContext,
    ctx: &Ctx,
    id: &str,
    port: i32,
    key_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Held> {
    let name = secret_name(id);
    if let Some(view) = secrets::describe(cx, &name).await? {
        claim(ctx, &[&view.arn], &view.tags, "replicationGroupId", || {
            format!("the secret {name}")
        })?;
        if view.pending_deletion {
            // The cache it served was deleted: restore the secret, with a new token, under
            // this cache's key (the old cache's key may be pending deletion itself).
            secrets::restore(cx, &view.arn).await?;
            let connection = fresh(port);
            secrets::rebind(cx, ctx, &view.arn, key_arn, &connection.json()?).await?;
            secrets::retag(cx, ctx, &view, tags).await?;
            let view = SecretView {
                kms_key_id: Some(key_arn.to_string()),
                pending_deletion: false,
                ..view
            };
            return Ok(Held { view, connection });
        }
        let connection = read_existing(cx, ctx, &view.arn).await?.ok_or_else(|| {
            Error::Unexpected(format!(
                "the secret {name} holds no AUTH token; delete it or restore its value"
            ))
        })?;
        secrets::retag(cx, ctx, &view, tags).await?;
        return Ok(Held { view, connection });
    }
    let connection = fresh(port);
    let description =
        format!("AUTH token and endpoint of the encrypted Redis {id} (managed by Pulumi)");
    let arn = secrets::create(
        cx,
        ctx,
        &name,
        &description,
        key_arn,
        &connection.json()?,
        tags,
    )
    .await?;
    // Secrets Manager's reads lag its creates: not found is waited out, for a while.
    let what = format!("the secret {name}");
    let view = settling::until_seen(
        ctx,
        &what,
        || settling::vanished(&what, "vanished right after it was made"),
        || secrets::describe(cx, &arn),
    )
    .await?;
    Ok(Held { view, connection })
}

/// What the secret holds now; `None` when it has no readable value.
pub async fn read(cx: &AwsContext, arn: &str) -> Result<Option<Connection>> {
    Ok(secrets::value(cx, arn)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// What a secret that must exist holds (it may be a moment old).
async fn read_existing(cx: &AwsContext, ctx: &Ctx, arn: &str) -> Result<Option<Connection>> {
    Ok(secrets::value_of_existing(cx, ctx, arn)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

/// Writes `next` unless the secret already holds it.
pub async fn store(cx: &AwsContext, ctx: &Ctx, held: &Held, next: &Connection) -> Result<()> {
    if held.connection != *next {
        secrets::put_settled(cx, ctx, &held.view.arn, &next.json()?).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_only_use_allowed_characters() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), TOKEN_LEN);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert!(!a.contains(['/', '"', '@', ' ']));
    }
}
