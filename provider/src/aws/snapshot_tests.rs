use super::*;

#[test]
fn skipped_given_or_named_after_the_id_and_the_time() {
    assert_eq!(final_name("db", Some(true), Some("x")), None);
    assert_eq!(final_name("db", None, Some("mine")), Some("mine".into()));
    let named = final_name("db", Some(false), None).unwrap();
    let seconds = named.strip_prefix("db-final-").unwrap();
    assert!(seconds.parse::<u64>().unwrap() > 1_700_000_000, "{named}");
}
