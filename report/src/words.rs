//! The words both the HTML and the Markdown report say, written once.

use crate::model::{Provider, Report};
use crate::time::readable;

/// What the evidence is and how old it is, said at the end of the report.
pub const ABOUT: &str = "Each control is the provider's check of a setting as AWS reported it \
    when the resource was last created, updated or refreshed; the report is made from the \
    exported Pulumi state alone and calls no AWS API. Run `pulumi refresh` before exporting \
    for every control to be read from AWS again. Rules carry their AWS Config names (AWS's \
    Operational Best Practices for HIPAA Security); safeguards are the administrative \
    safeguards of 45 CFR 164.308 an account baseline evidences and the technical safeguards of \
    45 CFR 164.312. Secret values held in the state are named, never shown.";

/// The note under the state's time.
pub const STATE_TIME_NOTE: &str = "when the last pulumi up, refresh or import wrote the state: the evidence is at most this recent";

/// The note under the latest change.
pub const LAST_CHANGE_NOTE: &str =
    "the latest time a create, update or refresh found a resource different from its state";

/// Said beside the names of the secrets a resource's state holds.
pub const SECRETS_NOTE: &str = "(named only; values are never shown)";

/// Items escaped and joined, or `none`.
pub fn listed(items: &[String], escape: impl Fn(&str) -> String, separator: &str) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    items
        .iter()
        .map(|item| escape(item))
        .collect::<Vec<_>>()
        .join(separator)
}

/// The header rows: `(label, value, note)`.
pub fn meta_rows(report: &Report, generated: &str) -> Vec<(&'static str, String, &'static str)> {
    let unknown = || "not recorded in the state".to_string();
    let mut rows = vec![
        ("Stack", report.stack.clone(), ""),
        ("Project", report.project.clone(), ""),
        (
            "State written (last up or refresh)",
            report.state_time.as_deref().map_or_else(unknown, readable),
            STATE_TIME_NOTE,
        ),
        (
            "Last change found",
            report.last_change.as_deref().map_or_else(unknown, readable),
            LAST_CHANGE_NOTE,
        ),
    ];
    if report.providers.is_empty() {
        rows.push(("Provider", unknown(), ""));
    }
    for provider in &report.providers {
        rows.push(("Provider", provider_line(provider), ""));
    }
    rows.push((
        "Pulumi CLI",
        report.cli_version.clone().unwrap_or_else(unknown),
        "",
    ));
    rows.push((
        "Report generated",
        format!(
            "{generated} by pulumi-healthcare-report {}",
            env!("CARGO_PKG_VERSION")
        ),
        "",
    ));
    rows
}

fn provider_line(provider: &Provider) -> String {
    let mut line = match &provider.version {
        Some(version) => format!("healthcare {version}, provider {}", provider.name),
        None => format!(
            "healthcare, provider {}; its version is not in the state (a plugin loaded from a path)",
            provider.name
        ),
    };
    if let Some(region) = &provider.region {
        line.push_str(&format!(", region {region}"));
    }
    if let Some(endpoint) = &provider.endpoint {
        line.push_str(&format!(
            ", AWS endpoint overridden to {endpoint} (not AWS itself)"
        ));
    }
    line
}

/// The headline: `12 of 14 controls satisfied`.
pub fn headline(satisfied: usize, total: usize) -> String {
    format!("{satisfied} of {total} controls satisfied")
}

/// Notes on what the report leaves out or cannot vouch for.
pub fn caveats(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, urn) in &report.pending_operations {
        out.push(format!(
            "An operation was under way when the state was written ({kind} {urn}): AWS may hold \
             objects the state does not."
        ));
    }
    if report.awaiting_delete > 0 {
        out.push(format!(
            "{} replaced healthcare resource(s) waiting to be deleted are not reported.",
            report.awaiting_delete
        ));
    }
    if report.other_resources > 0 {
        out.push(format!(
            "{} resource(s) of other providers in this stack are not covered by this report.",
            report.other_resources
        ));
    }
    out
}
