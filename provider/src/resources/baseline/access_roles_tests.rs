use serde_json::json;

use super::{AccessRoleArgs, principals, trust};

const ACCOUNT: &str = "123456789012";

#[test]
fn the_account_itself_is_trusted_when_no_one_is_named() {
    let args = AccessRoleArgs::default();
    assert_eq!(
        principals(&args, "aws", ACCOUNT),
        ["arn:aws:iam::123456789012:root"]
    );
    assert_eq!(
        trust(&args, "aws", ACCOUNT)["Statement"][0]["Condition"],
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    );
}

#[test]
fn account_ids_become_their_root_and_the_terms_follow_the_inputs() {
    let args = AccessRoleArgs {
        trusted_principals: Some(vec![
            "210987654321".into(),
            "arn:aws-us-gov:iam::111122223333:role/auditor".into(),
            "210987654321".into(),
        ]),
        external_id: Some("audit-2026".into()),
        require_mfa: Some(false),
    };
    let policy = trust(&args, "aws-us-gov", ACCOUNT);
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        json!([
            "arn:aws-us-gov:iam::111122223333:role/auditor",
            "arn:aws-us-gov:iam::210987654321:root"
        ])
    );
    assert_eq!(
        policy["Statement"][0]["Condition"],
        json!({"StringEquals": {"sts:ExternalId": "audit-2026"}})
    );
    let open = AccessRoleArgs {
        require_mfa: Some(false),
        ..AccessRoleArgs::default()
    };
    assert!(
        trust(&open, "aws", ACCOUNT)["Statement"][0]
            .get("Condition")
            .is_none()
    );
}
