//! Which binary to build and run: PulumiPlugin.yaml's `runtime.options`.
//!
//! The engine reads PulumiPlugin.yaml itself and sends `runtime.options` in every request
//! (`ProgramInfo.options`), so the host never parses the file:
//!
//! ```yaml
//! runtime:
//!   name: rust
//!   options:
//!     package: pulumi-resource-healthcare   # cargo package to build (-p)
//!     binary: pulumi-resource-healthcare    # its binary to run (default: the package name)
//!     profile: release                      # cargo profile (default: release)
//! ```

use prost_types::Struct;
use prost_types::value::Kind;

use crate::error::{Error, Result};

/// The package built when PulumiPlugin.yaml names none: this repository's provider.
pub const DEFAULT_PACKAGE: &str = "pulumi-resource-healthcare";
/// The profile built when PulumiPlugin.yaml names none.
pub const DEFAULT_PROFILE: &str = "release";

const KNOWN: [&str; 3] = ["package", "binary", "profile"];

/// What to build: `cargo build --package P --bin B --profile R`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginOptions {
    pub package: String,
    pub binary: String,
    pub profile: String,
}

impl Default for PluginOptions {
    fn default() -> Self {
        PluginOptions {
            package: DEFAULT_PACKAGE.to_string(),
            binary: DEFAULT_PACKAGE.to_string(),
            profile: DEFAULT_PROFILE.to_string(),
        }
    }
}

impl PluginOptions {
    /// Reads the options the engine sent; absent ones take their defaults, and an unknown
    /// key or a value that is not a plain name is refused (a typo would otherwise build
    /// the wrong thing).
    pub fn from_struct(options: Option<&Struct>) -> Result<PluginOptions> {
        let Some(options) = options else {
            return Ok(PluginOptions::default());
        };
        if let Some(key) = options.fields.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(invalid(
                key,
                format!("unknown option; the known ones are {}", KNOWN.join(", ")),
            ));
        }
        let get = |key: &str| -> Result<Option<String>> {
            match options.fields.get(key).and_then(|v| v.kind.as_ref()) {
                None | Some(Kind::NullValue(_)) => Ok(None),
                Some(Kind::StringValue(s)) => name(key, s).map(Some),
                Some(_) => Err(invalid(key, "must be a string".to_string())),
            }
        };
        let package = get("package")?.unwrap_or_else(|| DEFAULT_PACKAGE.to_string());
        let binary = get("binary")?.unwrap_or_else(|| package.clone());
        let profile = get("profile")?.unwrap_or_else(|| DEFAULT_PROFILE.to_string());
        Ok(PluginOptions {
            package,
            binary,
            profile,
        })
    }
}

/// A cargo package, target or profile name: letters, digits, `-` and `_`, not starting
/// with `-` (so it can never read as a flag).
fn name(key: &str, value: &str) -> Result<String> {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if value.is_empty() || value.starts_with('-') || !plain {
        return Err(invalid(
            key,
            format!("{value:?} is not a cargo name (letters, digits, - and _)"),
        ));
    }
    Ok(value.to_string())
}

fn invalid(key: &str, reason: String) -> Error {
    Error::InvalidOption {
        key: key.to_string(),
        reason,
    }
}

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
