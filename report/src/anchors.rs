//! The ids of resource sections, which the summary's links point to.
//!
//! A resource's name is not unique in a stack (the same name can be used by resources of
//! other types or under other parents), and a name's readable part drops every character
//! that is not an ASCII letter or digit. So an anchor is the readable part of the name and
//! a digest of the resource's URN, which the engine keeps unique in a stack:
//! `resource-net-5f0c2a9b81d4`. It depends on nothing else, so a link into one report stays
//! good in the next report of the same stack. Should two resources still meet (a state
//! holding one URN twice), the later ones get `-2`, `-3`, ... so that each section keeps an
//! id of its own.

use std::collections::HashSet;

use sha2::{Digest, Sha256};

use crate::model::Resource;

/// How many characters of the name an anchor keeps.
const NAME_CHARS: usize = 40;
/// How many bytes of the URN's SHA-256 an anchor carries (as hex).
const DIGEST_BYTES: usize = 6;

/// The anchor of a resource of this name and URN, before any clash is resolved.
pub fn of(name: &str, urn: &str) -> String {
    let slug: String = name
        .chars()
        .take(NAME_CHARS)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let digest = Sha256::digest(urn.as_bytes());
    let hex: String = digest
        .iter()
        .take(DIGEST_BYTES)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("resource-{slug}-{hex}")
}

/// Gives each resource its anchor, unique among them.
pub fn assign(resources: &mut [Resource]) {
    let mut taken = HashSet::new();
    for resource in resources {
        let base = of(&resource.name, &resource.urn);
        let mut anchor = base.clone();
        let mut n = 1;
        while !taken.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        resource.anchor = anchor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_reads_as_the_name_and_depends_on_the_urn_alone() {
        let urn = "urn:pulumi:dev::clinic::healthcare:network:SecureVpc::net";
        let anchor = of("net", urn);
        assert!(anchor.starts_with("resource-net-"), "{anchor}");
        assert_eq!(anchor.len(), "resource-net-".len() + 2 * DIGEST_BYTES);
        assert_eq!(anchor, of("net", urn));
        assert_ne!(anchor, of("net", &urn.replace("SecureVpc", "Other")));
    }

    #[test]
    fn names_that_differ_only_in_dropped_characters_get_different_anchors() {
        let urn = |name: &str| format!("urn:pulumi:dev::clinic::healthcare:x:Y::{name}");
        assert_ne!(of("a.b", &urn("a.b")), of("a_b", &urn("a_b")));
        assert_ne!(of("é", &urn("é")), of("ü", &urn("ü")));
    }

    #[test]
    fn a_long_name_keeps_a_short_readable_part() {
        let name = "x".repeat(10_000);
        assert!(of(&name, "urn").len() < 80);
    }
}
