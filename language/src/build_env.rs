//! The environment `cargo build` runs with: what cargo and a Rust build need, and nothing
//! else of the host's.
//!
//! The engine starts the host with its whole environment, cloud credentials included
//! (`AWS_*`, `AZURE_*`, `ARM_*`, `GOOGLE_*`, `PULUMI_ACCESS_TOKEN`, ...). cargo hands its
//! environment to every build script and proc macro of every dependency, so a build with
//! the host's environment would show those credentials to code nobody reviewed for that.
//! A build gets only the variables [`passes`] names; the plugin, when it runs, gets the
//! engine's environment in full (it needs the credentials to call the cloud).

use std::ffi::{OsStr, OsString};

/// Variables passed by exact name.
const NAMES: [&str; 25] = [
    // Finding programs and the user's cargo and rustup homes; scratch space.
    "PATH",
    "HOME",
    "TMPDIR",
    "TMP",
    "TEMP",
    // Messages in the user's language.
    "LANG",
    "LANGUAGE",
    // cargo itself, when the host runs under cargo.
    "CARGO",
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    // Downloads of crates through a proxy.
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    // The C toolchain of crates that compile C (the `cc` crate, pkg-config).
    "CC",
    "CXX",
    "AR",
    "CFLAGS",
    "CXXFLAGS",
    "LDFLAGS",
    "PKG_CONFIG_PATH",
];

/// Variables passed by the start of their name: cargo's configuration (the target
/// directory among it), rustup's, the compiler's, the locale, the CA certificates.
const PREFIXES: [&str; 6] = ["CARGO_", "RUSTUP_", "RUSTC", "RUST_", "LC_", "SSL_CERT_"];

/// Ends of names that hold a secret even under a passed prefix (`CARGO_REGISTRY_TOKEN`,
/// `CARGO_REGISTRIES_<name>_TOKEN`): cargo reads a registry's token from
/// `$CARGO_HOME/credentials.toml` or a credential provider instead.
const SECRET_ENDS: [&str; 3] = ["_TOKEN", "_SECRET", "_PASSWORD"];

/// Whether a variable of the host's environment is passed to `cargo build`.
pub fn passes(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    let named = NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p));
    named && !SECRET_ENDS.iter().any(|end| name.ends_with(end))
}

/// The variables of `host` that a build gets.
pub fn for_build(host: &[(OsString, OsString)]) -> Vec<(OsString, OsString)> {
    host.iter()
        .filter(|(name, _)| passes(name))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passed(name: &str) -> bool {
        passes(OsStr::new(name))
    }

    #[test]
    fn what_cargo_and_rustc_need_is_passed() {
        for name in [
            "PATH",
            "HOME",
            "TMPDIR",
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_HTTP_CAINFO",
            "RUSTUP_HOME",
            "RUSTUP_TOOLCHAIN",
            "RUSTC",
            "RUSTC_WRAPPER",
            "RUSTFLAGS",
            "LANG",
            "LC_ALL",
            "https_proxy",
            "NO_PROXY",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
        ] {
            assert!(passed(name), "{name} is not passed");
        }
    }

    #[test]
    fn cloud_credentials_and_tokens_are_not_passed() {
        for name in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AZURE_CLIENT_SECRET",
            "ARM_CLIENT_SECRET",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "GOOGLE_CREDENTIALS",
            "GCP_SERVICE_ACCOUNT",
            "CLOUDSDK_AUTH_ACCESS_TOKEN",
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_CONFIG_PASSPHRASE",
            "GITHUB_TOKEN",
            "CARGO_REGISTRY_TOKEN",
            "CARGO_REGISTRIES_PRIVATE_TOKEN",
            "DATABASE_URL",
            "path",
            "PATHEXT_AND_MORE",
        ] {
            assert!(!passed(name), "{name} is passed");
        }
    }

    #[test]
    fn a_build_gets_the_passed_variables_with_their_values() {
        let host: Vec<(OsString, OsString)> = [
            ("PATH", "/usr/bin"),
            ("AWS_SECRET_ACCESS_KEY", "s3cr3t"),
            ("CARGO_TARGET_DIR", "/t"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
        let names: Vec<(&str, &str)> = host
            .iter()
            .filter(|(k, _)| passes(k))
            .map(|(k, v)| (k.to_str().unwrap(), v.to_str().unwrap()))
            .collect();
        assert_eq!(names, [("PATH", "/usr/bin"), ("CARGO_TARGET_DIR", "/t")]);
        assert_eq!(for_build(&host).len(), 2);
    }
}
