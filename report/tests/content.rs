//! What a report says: the stack, every resource and control, failing controls first and in
//! the summary, a row per safeguard, drift, and the wiring.

mod common;

use common::*;
use healthcare_report::summary::summarize;
use healthcare_report::{Report, html, markdown, state};
use serde_json::Value;

fn report() -> Report {
    Report::from_export(&state::parse(&clinic()).unwrap()).unwrap()
}

/// The `(resource name, rule, satisfied)` of every control in the fixture, read from its JSON.
fn fixture_controls() -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    for resource in [vpc(), redis(), fargate()] {
        let name = resource["urn"]
            .as_str()
            .unwrap()
            .rsplit("::")
            .next()
            .unwrap()
            .to_string();
        for control in resource["outputs"]["compliance"]["controls"]
            .as_array()
            .unwrap()
        {
            let rule = control["rule"].as_str().unwrap().to_string();
            out.push((
                name.clone(),
                rule,
                control["satisfied"] == Value::Bool(true),
            ));
        }
    }
    out
}

#[test]
fn the_header_names_the_stack_project_provider_and_state_time() {
    let report = report();
    assert_eq!(
        (report.stack.as_str(), report.project.as_str()),
        ("dev", "clinic")
    );
    let page = html::render(&report, "generated-at");
    for expected in [
        "dev",
        "clinic",
        "healthcare 0.1.0",
        "region eu-west-1",
        "v3.274.1",
        "2025-01-03 04:05:06 UTC",
        "2025-01-03 04:00:00 UTC",
        "generated-at",
    ] {
        assert!(page.contains(expected), "the page lacks {expected:?}");
    }
}

#[test]
fn a_provider_loaded_from_a_path_and_pointed_at_an_emulator_is_said_to_be_so() {
    let mut local = provider();
    let config = serde_json::json!({ "region": "us-east-1", "endpoint": "http://127.0.0.1:4566" });
    local["inputs"] = config.clone();
    local["outputs"] = config;
    let text = export(vec![local, vpc()]);
    let report = Report::from_export(&state::parse(&text).unwrap()).unwrap();
    let page = markdown::render(&report, "now");
    assert!(page.contains("its version is not in the state"), "{page}");
    assert!(page.contains("AWS endpoint overridden to http://127.0.0.1:4566 (not AWS itself)"));
}

#[test]
fn every_resource_and_control_appears_in_both_reports() {
    let report = report();
    let page = html::render(&report, "now");
    let text = markdown::render(&report, "now");
    for (name, rule, _) in fixture_controls() {
        for (format, body) in [("html", &page), ("markdown", &text)] {
            assert!(body.contains(&name), "{format} lacks resource {name}");
            assert!(body.contains(&rule), "{format} lacks control {rule}");
        }
    }
    for kind in [
        "healthcare:network:SecureVpc",
        "healthcare:cache:EncryptedRedis",
        "healthcare:compute:FargateCluster",
    ] {
        assert!(page.contains(kind) && text.contains(kind), "{kind} missing");
    }
}

#[test]
fn the_summary_counts_controls_and_lists_the_ones_not_satisfied() {
    let report = report();
    let summary = summarize(&report);
    let controls = fixture_controls();
    let failing: Vec<&(String, String, bool)> = controls.iter().filter(|c| !c.2).collect();
    assert_eq!(summary.total, controls.len());
    assert_eq!(summary.satisfied, controls.len() - failing.len());
    let listed: Vec<(&str, &str)> = summary
        .failing
        .iter()
        .map(|f| (f.resource.name.as_str(), f.control.rule.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = failing
        .iter()
        .map(|c| (c.0.as_str(), c.1.as_str()))
        .collect();
    assert_eq!(listed, expected);

    let page = html::render(&report, "now");
    let summary_html = section(&page, "summary");
    let headline = format!(
        "{} of {} controls satisfied",
        summary.satisfied, summary.total
    );
    assert!(summary_html.contains(&headline), "{summary_html}");
    let vpc = &report.resources[0];
    assert_eq!(vpc.name, "net");
    assert!(summary_html.contains(&format!(
        "NOT satisfied</td><td><a href=\"#{}\">net</a>",
        vpc.anchor
    )));
    assert!(summary_html.contains("vpc-flow-logs-enabled"));
}

#[test]
fn a_failing_control_comes_first_in_its_resources_table() {
    let report = report();
    let page = html::render(&report, "now");
    let vpc_section = section(&page, &report.resources[0].anchor);
    let failing = vpc_section.find("vpc-flow-logs-enabled").unwrap();
    for satisfied in [
        "vpc-default-security-group-closed",
        "cw-loggroup-retention-period-check",
    ] {
        assert!(
            failing < vpc_section.find(satisfied).unwrap(),
            "{satisfied} before the failure"
        );
    }
    let text = markdown::render(&report, "now");
    let failing = text.rfind("`vpc-flow-logs-enabled`").unwrap();
    assert!(failing < text.rfind("`vpc-default-security-group-closed`").unwrap());
}

#[test]
fn every_safeguard_the_provider_serves_has_a_row_even_without_controls() {
    let report = report();
    let summary = summarize(&report);
    let citations: Vec<&str> = summary
        .safeguards
        .iter()
        .map(|r| r.citation.as_str())
        .collect();
    let known: Vec<&str> = healthcare_report::safeguards::KNOWN
        .iter()
        .map(|k| k.0)
        .collect();
    assert_eq!(citations, known);
    let audit = summary
        .safeguards
        .iter()
        .find(|r| r.citation == "164.312(b)")
        .unwrap();
    assert_eq!((audit.total, audit.satisfied), (3, 2));
    let integrity = summary
        .safeguards
        .iter()
        .find(|r| r.citation == "164.312(c)(1)")
        .unwrap();
    assert_eq!(integrity.total, 0);
    assert!(
        markdown::render(&report, "now")
            .contains("| 164.312(c)(1) | Integrity | 0 | 0 | no control in this stack |")
    );
}

#[test]
fn drift_is_listed_in_the_summary() {
    let page = html::render(&report(), "now");
    assert!(section(&page, "summary").contains("flow logs are off"));
}

#[test]
fn the_wiring_says_where_each_node_runs_who_may_connect_and_which_secrets_it_reads() {
    let page = html::render(&report(), "now");
    let wiring = section(&page, "wiring");
    for sentence in [
        "cache (EncryptedRedis) runs in the isolated subnets of VPC net (vpc-1): subnet-i1 (eu-west-1a, 10.1.2.0/24), subnet-i2 (eu-west-1b, 10.1.3.0/24).",
        "cache accepts tcp/6379 from security group sg-app (the application security group of net), carried by services/app.",
        "services/app accepts tcp/8080 from 10.1.0.0/16.",
        &format!("services/app reads secret cache-auth-Ab12Cd ({SECRET_ARN}) as REDIS_AUTH_TOKEN."),
        &format!("cache keeps its AUTH token in secret cache-auth-Ab12Cd ({SECRET_ARN})."),
    ] {
        assert!(
            wiring.contains(sentence),
            "the wiring lacks: {sentence}\n{wiring}"
        );
    }
    assert!(wiring.contains("<svg") && wiring.contains("</svg>"));
    assert!(
        wiring.contains("✗ NOT compliant"),
        "the failing VPC is not marked in the diagram"
    );
}

#[test]
fn the_page_is_self_contained() {
    let page = html::render(&report(), "now");
    for external in ["<script", "<link", "src=\"http", "@import", "url(http"] {
        assert!(
            !page.contains(external),
            "the page loads something: {external}"
        );
    }
}

/// The text of the element with this id, up to its closing `</section>`.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page.find(&format!("id=\"{id}\"")).expect("section present");
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[test]
fn a_child_of_a_platform_says_what_it_is_part_of_and_the_platform_adds_no_controls() {
    let platform_urn = urn("healthcare:index:Platform", "clinical");
    let mut cache = redis();
    cache["parent"] = Value::String(platform_urn.clone());
    // The component repeats its children's controls in its own `compliance`; the report
    // counts each control once, from the child that holds it.
    let platform = serde_json::json!({ "urn": platform_urn, "type": "healthcare:index:Platform",
        "outputs": { "compliance": { "compliant": true, "controls": [] } } });
    let text = export(vec![
        stack_resource(),
        provider(),
        platform,
        vpc(),
        cache,
        fargate(),
    ]);
    let report = Report::from_export(&state::parse(&text).unwrap()).unwrap();
    let cache = report
        .resources
        .iter()
        .find(|r| r.kind == "healthcare:cache:EncryptedRedis")
        .unwrap();
    assert_eq!(cache.part_of.as_deref(), Some("Platform clinical"));
    assert!(
        report
            .resources
            .iter()
            .all(|r| r.kind != "healthcare:index:Platform")
    );
    let vpc = report
        .resources
        .iter()
        .find(|r| r.kind == "healthcare:network:SecureVpc")
        .unwrap();
    assert_eq!(vpc.part_of, None);
    assert!(html::render(&report, "now").contains("Platform clinical"));
    assert!(markdown::render(&report, "now").contains("Platform clinical"));
}
