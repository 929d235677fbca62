//! A state without healthcare resources is refused with a clear message and no page; a state
//! with secrets (encrypted, or in plain text from `--show-secrets`) renders none of them.

mod common;

use common::*;
use healthcare_report::cli::{Options, run};
use healthcare_report::{Error, Report, html, markdown, state};
use serde_json::json;

fn options(dir: &std::path::Path) -> Options {
    Options {
        out: dir.to_path_buf(),
        ..Options::default()
    }
}

#[test]
fn a_state_without_healthcare_resources_is_refused_and_no_file_is_written() {
    let bucket = json!({ "urn": urn("aws:s3/bucket:Bucket", "logs"), "custom": true,
        "id": "logs-1", "type": "aws:s3/bucket:Bucket", "outputs": { "arn": "arn:aws:s3:::logs-1" } });
    let dir = scratch("no-healthcare");
    let text = export(vec![stack_resource(), bucket]);
    let err = run(&options(&dir), text.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, Error::NoHealthcareResources { stack } if stack == "dev"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("stack dev holds no healthcare resources"),
        "{message}"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn an_export_with_no_resources_at_all_is_refused_the_same_way() {
    let err = Report::from_export(&state::parse(&export(vec![])).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::NoHealthcareResources { .. }),
        "{err:?}"
    );
}

#[test]
fn a_healthcare_resource_only_waiting_for_deletion_is_nothing_to_report() {
    let mut old = vpc();
    old["delete"] = json!(true);
    let err = Report::from_export(&state::parse(&export(vec![old])).unwrap()).unwrap_err();
    assert!(
        matches!(err, Error::NoHealthcareResources { .. }),
        "{err:?}"
    );
}

#[test]
fn no_secret_value_reaches_either_report_and_each_secret_is_named() {
    let dir = scratch("secrets");
    let written = run(&options(&dir), clinic().as_bytes()).unwrap();
    let page = std::fs::read_to_string(&written.html).unwrap();
    let text = std::fs::read_to_string(&written.markdown).unwrap();
    for report in [&page, &text] {
        assert!(
            !report.contains(PLAINTEXT_TOKEN),
            "a plaintext secret was rendered"
        );
        assert!(!report.contains(CIPHERTEXT), "a ciphertext was rendered");
        assert!(!report.contains(SIGNATURE_KEY) && !report.contains(SECRET_SIGNATURE));
        assert!(
            report.contains("outputs.authToken"),
            "the secret output is not named"
        );
        assert!(
            report.contains("inputs.authToken"),
            "the secret input is not named"
        );
        assert!(report.contains("outputs.services.app.environment.EXTRA"));
    }
}

#[test]
fn the_report_model_holds_no_secret_value_whatever_renders_it() {
    let report = Report::from_export(&state::parse(&clinic()).unwrap()).unwrap();
    let dump = format!("{report:?}");
    assert!(!dump.contains(PLAINTEXT_TOKEN) && !dump.contains(CIPHERTEXT));
}

#[test]
fn strings_from_the_state_are_escaped_in_both_reports() {
    let mut cache = redis();
    cache["outputs"]["compliance"]["controls"][0]["detail"] =
        json!("<script>alert(1)</script> | *x*");
    let report = Report::from_export(&state::parse(&export(vec![cache])).unwrap()).unwrap();
    let page = html::render(&report, "now");
    assert!(!page.contains("<script>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let text = markdown::render(&report, "now");
    assert!(!text.contains("<script>"));
    assert!(text.contains(r"&lt;script&gt;alert(1)&lt;/script&gt; \| \*x\*"));
}

#[test]
fn a_malformed_export_is_refused_without_echoing_its_content() {
    let dir = scratch("malformed");
    let text =
        format!("{{\"version\": 3, \"deployment\": {{\"resources\": [\"{PLAINTEXT_TOKEN}\"]}}}}");
    let err = run(&options(&dir), text.as_bytes()).unwrap_err();
    assert!(matches!(err, Error::NotAnExport(_)), "{err:?}");
    assert!(!err.to_string().contains(PLAINTEXT_TOKEN));
    let err = run(&options(&dir), format!("{{{PLAINTEXT_TOKEN}").as_bytes()).unwrap_err();
    assert!(matches!(err, Error::NotJson(_)), "{err:?}");
    assert!(!err.to_string().contains(PLAINTEXT_TOKEN));
}
