//! The HTML page carries a strict Content-Security-Policy that allows its own styles, by
//! hash, and nothing else: no script, no inline style attribute, nothing loaded.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use healthcare_report::{Report, html, state};
use serde_json::json;
use sha2::{Digest, Sha256};

fn page() -> String {
    let mut cache = redis();
    cache["outputs"]["drift"] = json!(["</style><script>alert(1)</script><style>"]);
    let text = export(vec![provider(), vpc(), cache, fargate()]);
    let report = Report::from_export(&state::parse(&text).unwrap()).unwrap();
    html::render(&report, "now")
}

/// The policy of the page's `<meta http-equiv="Content-Security-Policy">`, and where it is.
fn policy(page: &str) -> (usize, &str) {
    let marker = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
    let at = page.find(marker).expect("the page has a CSP meta element");
    let rest = &page[at + marker.len()..];
    (at, &rest[..rest.find('"').unwrap()])
}

/// The text of every `<style>` element, with where it starts.
fn styles(page: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = page[from..].find("<style>") {
        let start = from + open + "<style>".len();
        let end = start + page[start..].find("</style>").unwrap();
        out.push((from + open, &page[start..end]));
        from = end;
    }
    out
}

#[test]
fn the_page_has_a_policy_that_allows_nothing_by_default_and_no_script() {
    let page = page();
    let (_, policy) = policy(&page);
    let directives: Vec<&str> = policy.split(';').map(str::trim).collect();
    assert!(directives.contains(&"default-src 'none'"), "{policy}");
    assert!(directives.contains(&"base-uri 'none'"), "{policy}");
    assert!(directives.contains(&"form-action 'none'"), "{policy}");
    for loose in ["unsafe", "script-src", "img-src", "*", "http", "data:"] {
        assert!(
            !policy.contains(loose),
            "the policy allows {loose}: {policy}"
        );
    }
}

#[test]
fn every_style_element_is_allowed_by_its_hash_and_comes_after_the_policy() {
    let page = page();
    let (at, policy) = policy(&page);
    let styles = styles(&page);
    assert_eq!(styles.len(), 2, "the page's style and the diagram's");
    assert!(at < styles[0].0, "a style comes before the policy");
    let style_src = policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("style-src "))
        .expect("a style-src directive");
    let mut allowed: Vec<&str> = style_src.split(' ').collect();
    let mut expected: Vec<String> = styles
        .iter()
        .map(|(_, text)| {
            format!(
                "'sha256-{}'",
                STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        })
        .collect();
    allowed.sort_unstable();
    expected.sort_unstable();
    assert_eq!(allowed, expected);
}

#[test]
fn the_page_has_no_script_and_no_style_attribute_a_hash_cannot_cover() {
    let page = page();
    assert!(
        !page.contains("<script"),
        "a crafted string became a script"
    );
    assert!(!page.contains(" style="));
    assert!(page.contains("&lt;/style&gt;&lt;script&gt;"));
}
