//! The report of a real export: `examples/platform` (all five resources) deployed by
//! `KEEP=1 make demo` and exported with `pulumi stack export`.

use healthcare_report::{Report, html, markdown, state};
use serde_json::Value;

const EXPORT: &str = include_str!("fixtures/demo-platform.json");

fn export() -> Value {
    serde_json::from_str(EXPORT).unwrap()
}

fn healthcare_resources(export: &Value) -> Vec<&Value> {
    export["deployment"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().unwrap().starts_with("healthcare:"))
        .collect()
}

fn name(resource: &Value) -> &str {
    resource["urn"]
        .as_str()
        .unwrap()
        .rsplit("::")
        .next()
        .unwrap()
}

/// The five HTML-special characters as entities.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn report() -> Report {
    Report::from_export(&state::parse(EXPORT).unwrap()).unwrap()
}

#[test]
fn every_resource_of_the_platform_and_each_of_its_controls_is_in_both_reports() {
    let export = export();
    let page = html::render(&report(), "now");
    let text = markdown::render(&report(), "now");
    let resources = healthcare_resources(&export);
    assert_eq!(resources.len(), 5);
    let mut total = 0;
    for resource in resources {
        for body in [&page, &text] {
            assert!(
                body.contains(name(resource)) && body.contains(resource["id"].as_str().unwrap())
            );
        }
        for control in resource["outputs"]["compliance"]["controls"]
            .as_array()
            .unwrap()
        {
            let rule = control["rule"].as_str().unwrap();
            let detail = control["detail"].as_str().unwrap();
            assert!(
                page.contains(&escaped(detail)),
                "{detail} missing from the page"
            );
            assert!(
                text.contains(&format!("`{rule}`")),
                "{rule} missing from the Markdown"
            );
            total += 1;
        }
    }
    let headline = format!("{total} of {total} controls satisfied");
    assert!(page.contains(&headline) && text.contains(&headline));
}

#[test]
fn the_service_is_drawn_reading_the_secrets_it_names_and_let_into_the_stores_by_its_group() {
    let export = export();
    let resources = healthcare_resources(&export);
    let cluster = resources
        .iter()
        .find(|r| r["type"] == "healthcare:compute:FargateCluster")
        .unwrap();
    let page = html::render(&report(), "now");
    for (service, args) in cluster["outputs"]["services"].as_object().unwrap() {
        let label = format!("{}/{service}", name(cluster));
        for (variable, reference) in args["secrets"].as_object().unwrap() {
            let arn: Vec<&str> = reference.as_str().unwrap().split(':').take(7).collect();
            let sentence = format!(
                "{label} reads secret {} ({}) as {variable}.",
                arn[6],
                arn.join(":")
            );
            assert!(page.contains(&sentence), "missing: {sentence}");
        }
    }
    for store in [
        "clinicalRecords accepts tcp/5432",
        "sessionCache accepts tcp/6379",
    ] {
        assert!(
            page.contains(&format!("{store} from security group")),
            "{store}"
        );
    }
    assert!(
        page.contains(
            "(the application security group of network), carried by clinicalServices/app."
        )
    );
}

#[test]
fn the_exported_ciphertext_is_in_neither_report() {
    let text = EXPORT;
    let start = text.find("\"ciphertext\": \"").unwrap() + "\"ciphertext\": \"".len();
    let ciphertext = &text[start..start + text[start..].find('"').unwrap()];
    assert!(ciphertext.len() > 20);
    let report = report();
    assert!(!html::render(&report, "now").contains(ciphertext));
    assert!(!markdown::render(&report, "now").contains(ciphertext));
}
