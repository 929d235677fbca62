use super::alias::{AliasTaken, alias_taken};
use super::*;

#[test]
fn an_alias_naming_the_new_key_is_an_earlier_send_of_the_same_create() {
    assert_eq!(
        alias_taken("k-new", "k-new", false, false),
        AliasTaken::Ours
    );
}

#[test]
fn an_alias_naming_a_live_key_of_this_resource_keeps_that_key() {
    assert_eq!(
        alias_taken("k-new", "k-old", false, true),
        AliasTaken::KeepHeld
    );
}

#[test]
fn an_alias_naming_a_key_of_this_resource_pending_deletion_is_pointed_at_the_new_key() {
    assert_eq!(
        alias_taken("k-new", "k-old", true, true),
        AliasTaken::Repoint
    );
}

#[test]
fn an_alias_naming_someone_elses_key_is_refused_whatever_its_state() {
    assert_eq!(
        alias_taken("k-new", "k-other", false, false),
        AliasTaken::Refused
    );
    assert_eq!(
        alias_taken("k-new", "k-other", true, false),
        AliasTaken::Refused
    );
}

#[test]
fn rotation_that_reads_on_ends_the_wait() {
    assert!(matches!(
        rotation_read_back("k", Some(true), Duration::ZERO),
        Ok(Poll::Ready(()))
    ));
}

#[test]
fn rotation_still_off_right_after_it_was_turned_on_is_read_again() {
    assert!(matches!(
        rotation_read_back("k", Some(false), Duration::from_secs(2)),
        Ok(Poll::Pending(_))
    ));
}

#[test]
fn rotation_still_off_past_the_read_back_window_fails_saying_so() {
    let read = rotation_read_back("k", Some(false), ROTATION_READ_BACK);
    assert!(matches!(read, Err(Error::Unexpected(m)) if m.contains("still reads off")));
}

#[test]
fn a_key_not_found_right_after_its_rotation_was_turned_on_is_unseen_not_gone() {
    assert!(matches!(
        rotation_read_back("k", None, Duration::from_secs(2)),
        Ok(Poll::Unseen(_))
    ));
}
