use std::io::Read;

use super::*;
use crate::aws::lambda::code_sha256;

#[test]
fn the_package_holds_the_rotator_and_is_the_same_on_every_build() {
    let one = package().expect("package");
    let two = package().expect("package");
    assert_eq!(code_sha256(&one), code_sha256(&two));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(one)).expect("a zip");
    assert_eq!(archive.len(), 1);
    let mut file = archive.by_name("index.py").expect("index.py");
    let mut text = String::new();
    file.read_to_string(&mut text).expect("text");
    assert_eq!(text, SOURCE);
    assert!(text.contains("def handler(event, context)"));
    assert_eq!(HANDLER, "index.handler");
}

#[test]
fn the_role_may_touch_only_this_secret_key_and_group() {
    let p = policy(
        "arn:aws:secretsmanager:us-east-1:1:secret:s",
        "arn:aws:kms:us-east-1:1:key/k",
        "arn:aws:elasticache:us-east-1:1:replicationgroup:g",
        "us-east-1",
    );
    let statements = p["Statement"].as_array().expect("statements");
    assert_eq!(statements.len(), 3);
    for s in statements {
        assert_eq!(s["Effect"], "Allow");
        assert!(!s["Resource"].as_str().unwrap_or("*").contains('*'), "{s}");
    }
    assert_eq!(
        statements[1]["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.us-east-1.amazonaws.com"
    );
}

#[test]
fn only_a_schedule_run_by_this_caches_function_counts() {
    let ours = secrets::SecretView {
        rotation_days: Some(30),
        rotation_lambda: Some("arn:aws:lambda:us-east-1:1:function:cache-auth-rotation".into()),
        ..Default::default()
    };
    assert_eq!(days(&ours, "cache"), Some(30));
    assert_eq!(days(&ours, "other"), None);
    let off = secrets::SecretView {
        rotation_lambda: ours.rotation_lambda.clone(),
        ..Default::default()
    };
    assert_eq!(days(&off, "cache"), None);
    assert_eq!(
        role_arn("aws", "123456789012", "cache"),
        "arn:aws:iam::123456789012:role/cache-auth-rotation"
    );
}
