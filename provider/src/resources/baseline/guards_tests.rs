use super::*;

const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const NIST: &str = "arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0";

fn listed(entries: &[(&str, &str, Option<&str>)]) -> BTreeMap<String, Subscribed> {
    entries
        .iter()
        .map(|(arn, status, reason)| {
            (
                arn.to_string(),
                Subscribed {
                    arn: format!("{arn}/subscription"),
                    status: status.to_string(),
                    reason: reason.map(String::from),
                },
            )
        })
        .collect()
}

fn wanted(arns: &[&str]) -> BTreeSet<String> {
    arns.iter().map(|a| a.to_string()).collect()
}

#[test]
fn pending_standards_are_waited_for_and_ready_or_incomplete_ones_are_done() {
    let pending = listed(&[(FSBP, "READY", None), (NIST, "PENDING", None)]);
    match standards_settled(&pending, &wanted(&[FSBP, NIST]), true) {
        Ok(Poll::Pending(state)) => assert_eq!(state, "nist-800-53/v/5.0.0 PENDING"),
        other => panic!("expected pending, got {other:?}"),
    }
    let done = listed(&[
        (FSBP, "READY", None),
        (NIST, "INCOMPLETE", Some("NOT_AVAILABLE_IN_REGION")),
    ]);
    assert!(matches!(
        standards_settled(&done, &wanted(&[FSBP, NIST]), true),
        Ok(Poll::Ready(()))
    ));
}

#[test]
fn a_failed_standard_ends_the_wait_with_security_hubs_reason() {
    let failed = listed(&[(NIST, "FAILED", Some("INTERNAL_ERROR"))]);
    let err = standards_settled(&failed, &wanted(&[NIST]), false).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("nist-800-53/v/5.0.0") && text.contains("INTERNAL_ERROR"),
        "{text}"
    );
}

#[test]
fn a_standard_not_listed_yet_is_unseen_and_one_being_removed_is_pending() {
    assert!(matches!(
        standards_settled(&listed(&[]), &wanted(&[NIST]), true),
        Ok(Poll::Unseen(_))
    ));
    let deleting = listed(&[(FSBP, "DELETING", None), (NIST, "READY", None)]);
    assert!(matches!(
        standards_settled(&deleting, &wanted(&[NIST]), true),
        Ok(Poll::Pending(_))
    ));
    // An adopted hub keeps its other standards: they are not waited on.
    assert!(matches!(
        standards_settled(&deleting, &wanted(&[NIST]), false),
        Ok(Poll::Ready(()))
    ));
}
