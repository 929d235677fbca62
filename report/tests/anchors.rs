//! Each resource's section has an id of its own, the same in every report of the stack, and
//! the summary's links lead to the section of the resource they name. Read from the page
//! alone, as a browser follows them.

mod common;

use common::*;
use healthcare_report::{Report, html, state};
use serde_json::{Value, json};

fn page_of(resources: Vec<Value>) -> String {
    let export = export(resources);
    let report = Report::from_export(&state::parse(&export).unwrap()).unwrap();
    html::render(&report, "now")
}

/// A failing resource of this type and name, with one control named `rule`.
fn failing(kind: &str, name: &str, rule: &str) -> Value {
    json!({ "urn": urn(kind, name), "custom": true, "id": format!("{name}-id"), "type": kind,
        "outputs": { "compliance": compliance(vec![
            control(rule, "164.312(b) audit controls", false, "off")]) } })
}

/// The ids of the resource sections, in page order.
fn section_ids(page: &str) -> Vec<&str> {
    page.split("<section class=\"resource")
        .skip(1)
        .filter_map(|s| s.split("id=\"").nth(1)?.split('"').next())
        .collect()
}

/// The text of the resource section with this id.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element has the id {id}"));
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

/// Where the summary's row of the control `rule` links to.
fn link_of_rule<'a>(page: &'a str, rule: &str) -> &'a str {
    let row = page
        .lines()
        .find(|l| l.contains("<a href=\"#") && l.contains(&format!("<code>{rule}</code>")))
        .unwrap_or_else(|| panic!("no summary row for {rule}"));
    row.split("<a href=\"#")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
}

fn assert_links_lead_home(page: &str, rules: &[&str]) {
    let ids = section_ids(page);
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), ids.len(), "sections share an id: {ids:?}");
    for rule in rules {
        let target = link_of_rule(page, rule);
        assert!(
            section(page, target).contains(rule),
            "the link of {rule} leads to another resource's section ({target})"
        );
    }
}

#[test]
fn same_named_resources_of_other_types_have_their_own_sections_and_links() {
    let page = page_of(vec![
        provider(),
        failing("healthcare:network:SecureVpc", "app", "vpc-rule"),
        failing("healthcare:cache:EncryptedRedis", "app", "redis-rule"),
    ]);
    assert_links_lead_home(&page, &["vpc-rule", "redis-rule"]);
}

#[test]
fn same_named_resources_under_other_parents_have_their_own_sections_and_links() {
    let kind = "healthcare:cache:EncryptedRedis";
    let mut under_a = failing(kind, "cache", "rule-a");
    under_a["urn"] = json!(urn(&format!("healthcare:index:Platform${kind}"), "cache"));
    let page = page_of(vec![provider(), under_a, failing(kind, "cache", "rule-b")]);
    assert_links_lead_home(&page, &["rule-a", "rule-b"]);
}

#[test]
fn names_differing_only_in_characters_an_id_drops_have_their_own_sections_and_links() {
    let kind = "healthcare:cache:EncryptedRedis";
    let page = page_of(vec![
        provider(),
        failing(kind, "a.b", "dot-rule"),
        failing(kind, "a_b", "underscore-rule"),
        failing(kind, "é", "e-rule"),
        failing(kind, "ü", "u-rule"),
    ]);
    assert_links_lead_home(&page, &["dot-rule", "underscore-rule", "e-rule", "u-rule"]);
}

#[test]
fn a_state_holding_one_urn_twice_still_gives_each_section_its_own_id() {
    let kind = "healthcare:cache:EncryptedRedis";
    let page = page_of(vec![
        provider(),
        failing(kind, "twin", "first-rule"),
        failing(kind, "twin", "second-rule"),
    ]);
    assert_links_lead_home(&page, &["first-rule", "second-rule"]);
}

#[test]
fn a_resources_id_stays_the_same_when_other_resources_come_and_go() {
    let kind = "healthcare:cache:EncryptedRedis";
    let alone = page_of(vec![provider(), failing(kind, "x.y", "rule")]);
    let among = page_of(vec![
        provider(),
        failing(kind, "x_y", "other-rule"),
        failing("healthcare:network:SecureVpc", "x.y", "vpc-rule"),
        failing(kind, "x.y", "rule"),
    ]);
    assert_eq!(link_of_rule(&alone, "rule"), link_of_rule(&among, "rule"));
}

#[test]
fn the_diagram_marks_only_the_failing_one_of_two_same_named_resources() {
    let kind = "healthcare:cache:EncryptedRedis";
    let mut good = redis();
    good["urn"] = json!(urn(&format!("healthcare:index:Platform${kind}"), "cache"));
    let mut bad = redis();
    bad["outputs"]["compliance"] = compliance(vec![control(
        "elasticache-repl-grp-encrypted-in-transit",
        "164.312(e)(1) transmission security",
        false,
        "TLS not required",
    )]);
    let page = page_of(vec![provider(), vpc(), good, bad]);
    let diagram = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    assert_eq!(
        diagram.matches("✗ NOT compliant").count(),
        2,
        "the VPC and one cache"
    );
}
