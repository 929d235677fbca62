//! The HTML page's Content-Security-Policy, in a `<meta http-equiv>` before any style.
//!
//! The page is opened from a file, mailed, attached to audits: whatever a state's strings
//! hold, a browser showing it must run no script and load nothing. Every string from the
//! state is escaped already ([`crate::escape`]); the policy is the second wall. It allows
//! nothing by default, and the page's two `<style>` elements (its own and the diagram's)
//! by the SHA-256 of their text, computed here from the very text the page embeds: no
//! `'unsafe-inline'`, no script, no image (the diagram is inline SVG, with no data URI),
//! no `<base>`, no form.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The policy allowing exactly these `<style>` elements' texts (what is between the
/// element's tags, byte for byte).
pub fn policy(styles: &[&str]) -> String {
    let hashes: Vec<String> = styles.iter().map(|s| source(s)).collect();
    format!(
        "default-src 'none'; style-src {}; base-uri 'none'; form-action 'none'",
        hashes.join(" ")
    )
}

/// A hash source of a style's text: `'sha256-<base64>'`.
pub fn source(style: &str) -> String {
    format!(
        "'sha256-{}'",
        STANDARD.encode(Sha256::digest(style.as_bytes()))
    )
}

/// The `<meta>` element carrying the policy.
pub fn meta(styles: &[&str]) -> String {
    format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        policy(styles)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_source_is_the_base64_sha256_of_the_text() {
        // printf '' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn the_policy_allows_nothing_but_the_given_styles() {
        let policy = policy(&["a{}", "b{}"]);
        assert!(policy.starts_with("default-src 'none'; "), "{policy}");
        assert!(policy.contains(&format!("style-src {} {};", source("a{}"), source("b{}"))));
        assert!(!policy.contains("unsafe"), "{policy}");
        assert!(!policy.contains("script"), "{policy}");
    }
}
