//! Idempotency tokens for the creates whose API takes one (EC2 `ClientToken`, ECS
//! `clientToken`): the same parts give the same token, so a create sent again after its
//! answer was lost gets back the object the first send made instead of making a second.

use std::hash::{Hash, Hasher};

/// A token of 35 ASCII characters (EC2 takes up to 64, ECS up to 36) from `parts`. The hash
/// is std's SipHash with fixed keys: the same in every run of one build of the plugin.
pub fn client_token(parts: &[&str]) -> String {
    let mut first = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut first);
    let mut second = std::collections::hash_map::DefaultHasher::new();
    (parts, "healthcare").hash(&mut second);
    format!("hc-{:016x}{:016x}", first.finish(), second.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_parts_give_the_same_token_and_other_parts_another() {
        let a = client_token(&["vpc-1", "nat/us-east-1a"]);
        assert_eq!(a, client_token(&["vpc-1", "nat/us-east-1a"]));
        assert_ne!(a, client_token(&["vpc-1", "nat/us-east-1b"]));
        assert_ne!(a, client_token(&["vpc-1nat/", "us-east-1a"]));
        assert!(a.len() <= 36 && a.is_ascii(), "{a}");
    }
}
