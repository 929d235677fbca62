use super::*;

#[test]
fn principals_survive_a_trip_through_the_trust_policy() {
    let ps = vec![
        "arn:aws:iam::123456789012:root".to_string(),
        "firehose.amazonaws.com".to_string(),
    ];
    let trust = trust_policy(&ps);
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"][0],
        "firehose.amazonaws.com"
    );
    assert_eq!(principals_of(&trust), ps);
}

#[test]
fn url_encoded_documents_are_decoded() {
    let doc = "%7B%22Version%22%3A%222012-10-17%22%7D";
    assert_eq!(decode_document(doc).unwrap()["Version"], "2012-10-17");
}
