//! The report in Markdown: the same content as the page, with the wiring as a list in place
//! of the diagram. Every string from the state is escaped.

use std::fmt::Write;

use crate::escape::{markdown as md, markdown_code as code};
use crate::model::{Report, Resource};
use crate::sentences;
use crate::summary::{Summary, summarize};
use crate::words;

/// Renders the Markdown report; `generated` is the time the report was made.
pub fn render(report: &Report, generated: &str) -> String {
    let summary = summarize(report);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HIPAA compliance report: stack {} ({})\n",
        md(&report.stack),
        md(&report.project)
    );
    out.push_str("| | |\n|---|---|\n");
    for (label, value, note) in words::meta_rows(report, generated) {
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" ({})", md(note))
        };
        let _ = writeln!(out, "| {} | {}{note} |", md(label), md(&value));
    }
    summary_part(&mut out, report, &summary);
    out.push_str("\n## How the resources are wired\n\n");
    for sentence in sentences::describe(&report.wiring) {
        let _ = writeln!(out, "- {}", md(&sentence));
    }
    out.push_str("\n## Resources\n");
    for resource in &report.resources {
        resource_part(&mut out, resource);
    }
    let _ = writeln!(out, "\n---\n\n{}", md(words::ABOUT));
    out
}

fn summary_part(out: &mut String, report: &Report, summary: &Summary) {
    let verdict = if summary.all_satisfied() {
        "every control satisfied".to_string()
    } else {
        let missing = summary.failing.len() + summary.without_evidence.len();
        format!("**{missing} NOT satisfied**")
    };
    let _ = writeln!(
        out,
        "\n## Summary\n\n**{}**: {verdict}\n",
        words::headline(summary.satisfied, summary.total)
    );
    if !summary.failing.is_empty() {
        out.push_str("### Not satisfied\n\n| status | resource | rule | safeguard | evidence |\n|---|---|---|---|---|\n");
        for failing in &summary.failing {
            let _ = writeln!(
                out,
                "| ❌ **NOT satisfied** | {} | {} | {} | {} |",
                md(&failing.resource.name),
                code(&failing.control.rule),
                md(&failing.control.safeguard),
                md(&failing.control.detail)
            );
        }
        out.push('\n');
    }
    for resource in &summary.without_evidence {
        let _ = writeln!(
            out,
            "> **No evidence:** {} ({}) has no `compliance` output in the state.\n",
            md(&resource.name),
            md(&resource.kind)
        );
    }
    if !summary.drifting.is_empty() {
        out.push_str("### Drift\n\n");
        for resource in &summary.drifting {
            for item in &resource.drift {
                let _ = writeln!(out, "- {}: {}", md(&resource.name), md(item));
            }
        }
        out.push('\n');
    }
    out.push_str("### By safeguard\n\n| safeguard | title | controls | satisfied | status |\n|---|---|---|---|---|\n");
    for row in &summary.safeguards {
        let status = match (row.total, row.failing()) {
            (0, _) => "no control in this stack".to_string(),
            (_, true) => format!("❌ **{} NOT satisfied**", row.total - row.satisfied),
            (_, false) => "✅ satisfied".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {status} |",
            md(&row.citation),
            md(&row.title),
            row.total,
            row.satisfied
        );
    }
    for caveat in words::caveats(report) {
        let _ = writeln!(out, "\n> {}", md(&caveat));
    }
}

fn resource_part(out: &mut String, resource: &Resource) {
    let failing = resource.failing_count();
    let badge = if failing == 0 {
        "✅ compliant".to_string()
    } else {
        format!("❌ {failing} NOT satisfied")
    };
    let _ = writeln!(
        out,
        "\n### {} ({}): {badge}\n\n| | |\n|---|---|",
        md(&resource.name),
        md(&resource.kind)
    );
    for (label, value) in resource.facts() {
        let _ = writeln!(out, "| {label} | {} |", code(&value));
    }
    if !resource.secrets.is_empty() {
        let names = words::listed(&resource.secrets, code, ", ");
        let _ = writeln!(
            out,
            "| Secrets in the state | {names} {} |",
            md(words::SECRETS_NOTE)
        );
    }
    let drift = words::listed(&resource.drift, md, "; ");
    let _ = writeln!(out, "| Drift | {drift} |\n");
    match &resource.controls {
        None => out.push_str(
            "> **No evidence:** the state holds no `compliance` output for this resource.\n",
        ),
        Some(controls) => {
            out.push_str("| status | rule | safeguard | evidence |\n|---|---|---|---|\n");
            for c in controls {
                let status = if c.satisfied {
                    "✅ satisfied"
                } else {
                    "❌ **NOT satisfied**"
                };
                let _ = writeln!(
                    out,
                    "| {status} | {} | {} | {} |",
                    code(&c.rule),
                    md(&c.safeguard),
                    md(&c.detail)
                );
            }
        }
    }
}
