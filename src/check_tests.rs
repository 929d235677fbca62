use super::*;

const RULES: NameRules = NameRules {
    max_len: 20,
    allowed: |c| c.is_ascii_alphanumeric() || c == '-',
};

fn ctx(seed: &[u8]) -> CheckCtx {
    CheckCtx {
        name: "events".into(),
        seed: seed.to_vec(),
        ..CheckCtx::default()
    }
}

#[test]
fn the_same_seed_gives_the_same_name() {
    let a = ctx(b"seed-1")
        .physical_name("n", None, None, RULES)
        .unwrap();
    let b = ctx(b"seed-1")
        .physical_name("n", None, None, RULES)
        .unwrap();
    let c = ctx(b"seed-2")
        .physical_name("n", None, None, RULES)
        .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with("events-") && a.len() == "events-".len() + 7);
}

#[test]
fn a_user_given_name_wins_and_is_not_recorded_as_a_default() {
    let mut c = ctx(b"s");
    let n = c
        .physical_name("n", Some("mine".into()), None, RULES)
        .unwrap();
    assert_eq!(n, "mine");
    assert!(c.defaults.is_empty());
}

#[test]
fn a_previous_auto_name_is_kept() {
    let mut c = ctx(b"other");
    c.old_defaults = vec!["n".into()];
    let n = c
        .physical_name("n", None, Some("events-abc1234"), RULES)
        .unwrap();
    assert_eq!(n, "events-abc1234");
}

#[test]
fn disabled_autonaming_requires_a_name() {
    let mut c = ctx(b"s");
    c.autonaming = Autonaming::Disable;
    let err = c.physical_name("n", None, None, RULES).unwrap_err();
    assert_eq!(err.property, "n");
}

#[test]
fn a_bad_name_is_refused_on_its_property() {
    let err = ctx(b"s")
        .physical_name("streamName", Some("a b".into()), None, RULES)
        .unwrap_err();
    assert_eq!(err.property, "streamName");
    assert!(err.reason.contains("' '"));
}
