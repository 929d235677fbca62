//! A stack export is input from outside: whatever text its outputs hold, the report is
//! written (nothing panics), the text is shown escaped, and every resource keeps a link
//! target of its own.

mod common;

use common::*;
use healthcare_report::summary::summarize;
use healthcare_report::{Report, html, markdown, state};
use serde_json::{Value, json};

/// Safeguard texts a crafted (or corrupted) state could hold.
fn crafted_safeguards() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "\u{3000}164.312(b) audit controls".into(),
        "\u{3000}x\u{3000}".into(),
        "\t\u{2003}é".into(),
        "164.312(b)".into(),
        "164.312(b)\u{3000}ü".into(),
        "é".into(),
        "<script>alert(1)</script> x".into(),
        "\u{0}\u{feff}\u{200b} \u{10ffff}".into(),
        format!("\u{3000}{} {}", "ä".repeat(10_000), "(".repeat(10_000)),
    ]
}

fn resource_with(controls: Vec<Value>) -> Value {
    let mut resource = vpc();
    resource["outputs"]["compliance"] = compliance(controls);
    resource
}

fn render_both(export: &str) -> (String, String) {
    let report = Report::from_export(&state::parse(export).unwrap()).unwrap();
    (
        html::render(&report, "now"),
        markdown::render(&report, "now"),
    )
}

#[test]
fn no_safeguard_text_makes_the_report_panic() {
    for safeguard in crafted_safeguards() {
        let controls = vec![control("rule", &safeguard, false, "detail")];
        let export = export(vec![provider(), resource_with(controls)]);
        let outcome = std::panic::catch_unwind(|| render_both(&export));
        assert!(outcome.is_ok(), "the report panicked on {safeguard:?}");
    }
}

#[test]
fn a_safeguard_with_leading_wide_whitespace_is_grouped_by_its_citation() {
    let controls = vec![control(
        "rule",
        "\u{3000}164.999(z) made up",
        false,
        "detail",
    )];
    let export = export(vec![provider(), resource_with(controls)]);
    let report = Report::from_export(&state::parse(&export).unwrap()).unwrap();
    let summary = summarize(&report);
    let row = summary
        .safeguards
        .iter()
        .find(|r| r.citation == "164.999(z)")
        .expect("a row for the citation");
    assert_eq!(row.title, "made up");
    assert_eq!((row.total, row.satisfied), (1, 0));
}

#[test]
fn a_crafted_safeguard_is_shown_escaped() {
    let controls = vec![control("rule", "<b>164.312(b)</b> <i>x</i>", false, "d")];
    let (page, _) = render_both(&export(vec![provider(), resource_with(controls)]));
    assert!(!page.contains("<b>164.312(b)</b>"));
    assert!(!page.contains("<i>x</i>"));
    assert!(page.contains("&lt;b&gt;164.312(b)&lt;/b&gt;"));
}

#[test]
fn odd_strings_anywhere_in_a_resource_do_not_make_the_report_panic() {
    let odd = [
        "",
        "\u{3000}",
        "é::ü",
        "::",
        "urn:pulumi:",
        "urn:pulumi:a::b::c",
    ];
    for text in odd {
        let mut resource = vpc();
        resource["urn"] = json!(format!("urn:pulumi:dev::clinic::healthcare:x:Y::{text}"));
        resource["type"] = json!(format!("healthcare:{text}"));
        resource["parent"] = json!(text);
        resource["provider"] = json!(text);
        resource["created"] = json!(format!("2025-01-02T03:00:0{text}"));
        resource["modified"] = json!(format!("2025-01-02T03:00:00{text}"));
        resource["outputs"]["arn"] = json!(text);
        resource["outputs"]["drift"] = json!([text]);
        resource["outputs"]["port"] = json!(i64::MAX);
        resource["outputs"]["compliance"] = compliance(vec![control(text, text, false, text)]);
        let export = export(vec![provider(), resource]);
        let outcome = std::panic::catch_unwind(|| render_both(&export));
        assert!(outcome.is_ok(), "the report panicked on {text:?}");
    }
}
