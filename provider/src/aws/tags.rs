//! Tags on every AWS object: provider defaults, then the user's, then the owning URN.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The tag that names the Pulumi resource owning an AWS object.
pub const URN_TAG: &str = "pulumi:urn";
const MAX_VALUE: usize = 256;

/// The full tag set for an object owned by `urn`.
pub fn tags_for(
    urn: &str,
    defaults: &BTreeMap<String, String>,
    user: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut tags = defaults.clone();
    tags.extend(user.iter().map(|(k, v)| (k.clone(), v.clone())));
    tags.insert(URN_TAG.to_string(), urn_value(urn));
    tags
}

/// The URN as a tag value. AWS allows 256 characters; a longer URN keeps its head (stack and
/// project), a digest of the whole URN and its tail (type and name), so two long URNs that
/// share a head and a tail still give two values.
pub fn urn_value(urn: &str) -> String {
    if urn.chars().count() <= MAX_VALUE {
        return urn.to_string();
    }
    let digest = Sha256::digest(urn.as_bytes());
    let digest: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let head: String = urn.chars().take(LONG_HEAD).collect();
    let tail_len = MAX_VALUE - LONG_HEAD - digest.len() - 2;
    let skip = urn.chars().count() - tail_len;
    let tail: String = urn.chars().skip(skip).collect();
    format!("{head}~{digest}~{tail}")
}

/// The characters of a long URN's head kept in its tag.
const LONG_HEAD: usize = 96;

/// The one ownership rule for an AWS object a resource finds under a name it would give.
///
/// What the saved state records (the engine's state of this resource, at an update, read or
/// delete) is this resource's, whatever `pulumi:urn` tag it carries: the stack, the project
/// or a parent may have been renamed, an alias may have moved it, or it may have been
/// imported; the update then tags it with the current URN. `known_as` are the names, ids and
/// ARNs the object goes by ([`Ctx::holds`]). Anything else, at a create or a part new in this
/// update alike, is taken only when tagged with this very URN (left by an earlier attempt of
/// the same operation); it belongs to someone else and is refused.
pub fn may_take<'a>(
    ctx: &Ctx,
    known_as: &[&str],
    tags: impl Iterator<Item = (&'a str, &'a str)>,
) -> bool {
    (ctx.is_known() && known_as.iter().any(|name| ctx.holds(name))) || owned_by(tags, ctx.urn())
}

/// [`may_take`] as a refusal: an object found under a name `property` gives, known as
/// `known_as` and carrying `tags`, is taken over or refused with [`Error::NotOwned`] naming it
/// (`what`).
pub fn claim(
    ctx: &Ctx,
    known_as: &[&str],
    tags: &BTreeMap<String, String>,
    property: &'static str,
    what: impl FnOnce() -> String,
) -> Result<()> {
    if may_take(
        ctx,
        known_as,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ) {
        Ok(())
    } else {
        Err(Error::NotOwned {
            property,
            what: what(),
        })
    }
}

/// True when tags name this URN as owner.
pub fn owned_by<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>, urn: &str) -> bool {
    let expected = urn_value(urn);
    tags.any(|(k, v)| k == URN_TAG && v == expected)
}

/// The user's tags: all tags less the URN tag and unchanged provider defaults.
pub fn user_tags(
    all: &BTreeMap<String, String>,
    defaults: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    all.iter()
        .filter(|(k, v)| k.as_str() != URN_TAG && defaults.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What to change to bring an object's tags from `have` to `want`: the keys to remove
/// (AWS's own `aws:` tags are left alone) and the tags to set.
pub fn delta(
    have: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) -> (Vec<String>, BTreeMap<String, String>) {
    let stale = have
        .keys()
        .filter(|k| !k.starts_with("aws:") && !want.contains_key(*k))
        .cloned()
        .collect();
    let changed = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (stale, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulumi_provider::value::{PropertyMap, Value};
    use pulumi_provider::{CancellationToken, Operation};

    fn ctx(operation: Operation, state: PropertyMap) -> Ctx {
        Ctx::new("urn:me", CancellationToken::new(), Default::default())
            .for_operation(operation)
            .holding(&state)
    }

    #[test]
    fn what_the_saved_state_records_is_taken_and_a_new_part_follows_the_create_rule() {
        let state = PropertyMap::from([(
            "role".into(),
            Value::String("arn:aws:iam::123456789012:role/clin-api-task".into()),
        )]);
        let stranger = [(URN_TAG, "urn:someone-else")];
        let update = ctx(Operation::Update, state.clone());
        assert!(
            may_take(&update, &["clin-api-task"], stranger.into_iter()),
            "recorded in the state: ours, whatever its tag says (a renamed stack)"
        );
        assert!(
            !may_take(&update, &["clin-worker-task"], stranger.into_iter()),
            "new in this update, someone else's"
        );
        assert!(
            !may_take(&update, &["clin-worker-task"], std::iter::empty()),
            "new in this update, untagged"
        );
        assert!(may_take(
            &update,
            &["clin-worker-task"],
            [(URN_TAG, "urn:me")].into_iter()
        ));
        let create = ctx(Operation::Create, state);
        assert!(
            !may_take(&create, &["clin-api-task"], stranger.into_iter()),
            "a create holds no saved state"
        );
    }

    #[test]
    fn user_tags_win_over_defaults_and_the_urn_tag_is_always_there() {
        let defaults = BTreeMap::from([
            ("team".into(), "platform".into()),
            ("env".into(), "dev".into()),
        ]);
        let user = BTreeMap::from([("env".into(), "prod".into())]);
        let tags = tags_for("urn:x", &defaults, &user);
        assert_eq!(tags["env"], "prod");
        assert_eq!(tags["team"], "platform");
        assert_eq!(tags[URN_TAG], "urn:x");
        assert_eq!(user_tags(&tags, &defaults), user);
    }

    #[test]
    fn a_long_urn_keeps_its_stack_and_its_tail_within_aws_limits() {
        let urn = format!("urn:pulumi:prod::clinic::{}::name", "x".repeat(400));
        let v = urn_value(&urn);
        assert_eq!(v.chars().count(), 256);
        assert!(v.ends_with("::name"));
        assert!(v.starts_with("urn:pulumi:prod::clinic::"), "{v}");
        assert!(owned_by([(URN_TAG, v.as_str())].into_iter(), &urn));
        // Another stack, and another URN with the same head and tail, are told apart.
        let other_stack = urn.replace("prod", "dev");
        assert_ne!(urn_value(&other_stack), v);
        let middle = format!(
            "urn:pulumi:prod::clinic::{}y{}::name",
            "x".repeat(200),
            "x".repeat(199)
        );
        assert_eq!(middle.len(), urn.len());
        assert_ne!(urn_value(&middle), v);
        // Characters beyond ASCII count as one each, and are never split.
        let wide = format!("urn:pulumi:prod::clinic::{}::name", "é".repeat(300));
        assert_eq!(urn_value(&wide).chars().count(), 256);
    }
}
