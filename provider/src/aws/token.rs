//! Idempotency tokens for the creates whose API takes one (EC2 `ClientToken`, ECS
//! `clientToken`): the same parts give the same token, so a create sent again after its
//! answer was lost gets back the object the first send made instead of making a second.
//!
//! AWS answers a token it has seen with what that request made, for a day or more, even when
//! the object is gone since. So the parts of a token must change whenever the object is made
//! again after a delete. Where AWS itself refuses a second object (one flow log per resource
//! and destination, one GuardDuty detector per Region), [`fresh`] draws a token for one
//! operation instead, and the refusal leads to the object an earlier attempt made.

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

/// A token from `parts` and the ids of the objects of the same part that are gone (deleted,
/// deleting or failed, while EC2 still lists them), in any order: the same while none went,
/// another once one did, so AWS makes the part anew instead of answering with the gone one.
pub fn after_gone<'a>(parts: &[&'a str], gone: impl IntoIterator<Item = &'a str>) -> String {
    let mut gone: Vec<&str> = gone.into_iter().collect();
    gone.sort_unstable();
    let mut all = parts.to_vec();
    all.extend(gone);
    client_token(&all)
}

/// A token for one operation's create: `parts` and a nonce drawn now. Resends within the
/// operation reuse it; the next operation asks anew, so an object deleted meanwhile is made
/// again, never answered with the deleted one's id.
pub fn fresh(parts: &[&str]) -> String {
    let nonce = format!("{:016x}", rand::random::<u64>());
    let mut all = parts.to_vec();
    all.push(&nonce);
    client_token(&all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_after_gone_objects_changes_with_them_not_with_their_order() {
        let none = after_gone(&["vpc-1", "nat/a"], []);
        assert_eq!(none, client_token(&["vpc-1", "nat/a"]));
        let one = after_gone(&["vpc-1", "nat/a"], ["nat-2", "nat-1"]);
        assert_ne!(one, none);
        assert_eq!(one, after_gone(&["vpc-1", "nat/a"], ["nat-1", "nat-2"]));
    }

    #[test]
    fn a_fresh_token_is_new_each_time() {
        let a = fresh(&["vpc-1", "flow-log"]);
        assert_ne!(a, fresh(&["vpc-1", "flow-log"]));
        assert_ne!(a, client_token(&["vpc-1", "flow-log"]));
        assert!(a.len() <= 36 && a.is_ascii(), "{a}");
    }

    #[test]
    fn the_same_parts_give_the_same_token_and_other_parts_another() {
        let a = client_token(&["vpc-1", "nat/us-east-1a"]);
        assert_eq!(a, client_token(&["vpc-1", "nat/us-east-1a"]));
        assert_ne!(a, client_token(&["vpc-1", "nat/us-east-1b"]));
        assert_ne!(a, client_token(&["vpc-1nat/", "us-east-1a"]));
        assert!(a.len() <= 36 && a.is_ascii(), "{a}");
    }
}
