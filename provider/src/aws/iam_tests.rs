use super::*;

#[test]
fn principals_survive_a_trip_through_the_trust_policy() {
    let ps = vec![
        "arn:aws:iam::123456789012:root".to_string(),
        "firehose.amazonaws.com".to_string(),
        "vpc-flow-logs.amazonaws.com".to_string(),
    ];
    let trust = trust_policy(&ps, "123456789012");
    let mut back = principals_of(&trust);
    back.sort();
    let mut want = ps.clone();
    want.sort();
    assert_eq!(back, want);
}

#[test]
fn services_assume_a_role_only_for_this_account() {
    let ps = vec![
        "arn:aws:iam::210987654321:role/reader".to_string(),
        "firehose.amazonaws.com".to_string(),
        "vpc-flow-logs.amazonaws.com".to_string(),
    ];
    let trust = trust_policy(&ps, "123456789012");
    let statements = trust["Statement"].as_array().cloned().unwrap_or_default();
    assert_eq!(statements.len(), 3, "{trust}");
    // An account or role principal is trusted as named.
    assert_eq!(statements[0]["Principal"]["AWS"][0], ps[0]);
    assert!(statements[0].get("Condition").is_none());
    // The provider's own services: the source account must be this one.
    assert_eq!(
        statements[1]["Principal"]["Service"][0],
        "vpc-flow-logs.amazonaws.com"
    );
    assert_eq!(
        statements[1]["Condition"]["StringEquals"]["aws:SourceAccount"],
        "123456789012"
    );
    // A service the program names: this account whenever the service says which.
    assert_eq!(
        statements[2]["Principal"]["Service"][0],
        "firehose.amazonaws.com"
    );
    assert_eq!(
        statements[2]["Condition"]["StringEqualsIfExists"]["aws:SourceAccount"],
        "123456789012"
    );
}

#[test]
fn url_encoded_documents_are_decoded() {
    let doc = "%7B%22Version%22%3A%222012-10-17%22%7D";
    assert_eq!(decode_document(doc).unwrap()["Version"], "2012-10-17");
}
