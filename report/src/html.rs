//! The report as one self-contained HTML page: inline CSS (with print rules for PDF), an
//! inline SVG diagram, no scripts, no external assets. Every string from the state is escaped,
//! and a Content-Security-Policy ([`crate::csp`]) lets the page run and load nothing.

use std::fmt::Write;

use crate::csp;
use crate::diagram;
use crate::escape::html;
use crate::model::{Report, Resource};
use crate::sentences;
use crate::summary::{Summary, summarize};
use crate::words;

const STYLE: &str = include_str!("style.css");

/// The text of the page's `<style>` element, as it is written into the page.
fn page_style() -> String {
    format!("\n{STYLE}")
}

/// Renders the page; `generated` is the time the report was made.
pub fn render(report: &Report, generated: &str) -> String {
    let summary = summarize(report);
    let mut out = String::new();
    let title = format!(
        "HIPAA compliance report: stack {} ({})",
        report.stack, report.project
    );
    let page_style = page_style();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{}\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{page_style}</style>\n</head>\n<body>\n",
        csp::meta(&[&page_style, diagram::STYLE]),
        html(&title)
    );
    header(&mut out, report, generated);
    summary_section(&mut out, report, &summary);
    wiring_section(&mut out, report, &summary);
    out.push_str("<section id=\"resources\">\n<h2>Resources</h2>\n");
    for resource in &report.resources {
        resource_section(&mut out, resource);
    }
    out.push_str("</section>\n");
    let _ = write!(
        out,
        "<footer><p>{}</p></footer>\n</body>\n</html>\n",
        html(words::ABOUT)
    );
    out
}

fn header(out: &mut String, report: &Report, generated: &str) {
    let _ = write!(
        out,
        "<header>\n<h1>HIPAA compliance report</h1>\n<p class=\"subtitle\">Stack <b>{}</b> of \
         project <b>{}</b>: the safeguards of 45 CFR 164.308 and 164.312, as the \
         pulumi-healthcare resources report them</p>\n<table class=\"meta\">\n",
        html(&report.stack),
        html(&report.project)
    );
    for (label, value, note) in words::meta_rows(report, generated) {
        let note = if note.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"note\">{}</span>", html(note))
        };
        let _ = writeln!(
            out,
            "<tr><th>{}</th><td>{}{note}</td></tr>",
            html(label),
            html(&value)
        );
    }
    out.push_str("</table>\n</header>\n");
}

fn summary_section(out: &mut String, report: &Report, summary: &Summary) {
    let (class, verdict) = if summary.all_satisfied() {
        ("ok", "✓ every control satisfied".to_string())
    } else {
        let missing = summary.failing.len() + summary.without_evidence.len();
        ("bad", format!("✗ {missing} NOT satisfied"))
    };
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"verdict {class}\">{}: {}</div>\n",
        html(&words::headline(summary.satisfied, summary.total)),
        html(&verdict)
    );
    if !summary.failing.is_empty() {
        out.push_str(
            "<h3>Not satisfied</h3>\n<table class=\"failing\" id=\"not-satisfied\">\n<tr><th>Status</th><th>Resource</th>\
             <th>Rule</th><th>Safeguard</th><th>Evidence</th></tr>\n",
        );
        for failing in &summary.failing {
            let r = failing.resource;
            let c = failing.control;
            let _ = writeln!(
                out,
                "<tr class=\"bad\"><td class=\"status bad\">✗ NOT satisfied</td><td><a href=\"#{}\">{}</a>\
                 </td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                html(&r.anchor),
                html(&r.name),
                html(&c.rule),
                html(&c.safeguard),
                html(&c.detail)
            );
        }
        out.push_str("</table>\n");
    }
    for resource in &summary.without_evidence {
        let _ = writeln!(
            out,
            "<p class=\"warning\"><b>No evidence:</b> {} ({}) has no <code>compliance</code> output \
             in the state; none of its controls can be vouched for.</p>",
            html(&resource.name),
            html(&resource.kind)
        );
    }
    if !summary.drifting.is_empty() {
        out.push_str("<h3>Drift</h3>\n<ul>\n");
        for resource in &summary.drifting {
            for item in &resource.drift {
                let _ = writeln!(
                    out,
                    "<li><a href=\"#{}\">{}</a>: {}</li>",
                    html(&resource.anchor),
                    html(&resource.name),
                    html(item)
                );
            }
        }
        out.push_str("</ul>\n");
    }
    out.push_str(
        "<h3>By safeguard</h3>\n<table class=\"safeguards\">\n<tr><th>Safeguard</th><th>Title</th>\
         <th>Controls</th><th>Satisfied</th><th>Status</th></tr>\n",
    );
    for row in &summary.safeguards {
        let (class, status) = match (row.total, row.failing()) {
            (0, _) => ("", "no control in this stack".to_string()),
            (_, true) => (
                "bad",
                format!("✗ {} NOT satisfied", row.total - row.satisfied),
            ),
            (_, false) => ("ok", "✓ satisfied".to_string()),
        };
        let _ = writeln!(
            out,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"status {class}\">{}</td></tr>",
            html(&row.citation),
            html(&row.title),
            row.total,
            row.satisfied,
            html(&status)
        );
    }
    out.push_str("</table>\n");
    for caveat in words::caveats(report) {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", html(&caveat));
    }
    out.push_str("</section>\n");
}

fn wiring_section(out: &mut String, report: &Report, summary: &Summary) {
    let mut failing: Vec<&str> = summary
        .failing
        .iter()
        .map(|f| f.resource.urn.as_str())
        .chain(summary.without_evidence.iter().map(|r| r.urn.as_str()))
        .collect();
    failing.dedup();
    let _ = write!(
        out,
        "<section id=\"wiring\">\n<h2>Resources and how they are wired</h2>\n<div class=\"figure\">{}</div>\n\
         <h3>Wiring</h3>\n<ul>\n",
        diagram::svg(&report.wiring, &failing)
    );
    for sentence in sentences::describe(&report.wiring) {
        let _ = writeln!(out, "<li>{}</li>", html(&sentence));
    }
    out.push_str("</ul>\n</section>\n");
}

fn resource_section(out: &mut String, resource: &Resource) {
    let failing = resource.failing_count();
    let (class, badge) = if failing == 0 {
        (
            "",
            "<span class=\"badge ok\">✓ compliant</span>".to_string(),
        )
    } else {
        (
            " bad",
            format!("<span class=\"badge bad\">✗ {failing} NOT satisfied</span>"),
        )
    };
    let _ = write!(
        out,
        "<section class=\"resource{class}\" id=\"{}\">\n<h3>{}<span class=\"type\">{}</span>{badge}</h3>\n\
         <table class=\"facts\">\n",
        html(&resource.anchor),
        html(&resource.name),
        html(&resource.kind)
    );
    let mut facts = vec![("Type", resource.kind.clone())];
    facts.extend(resource.facts());
    for (label, value) in facts {
        let _ = writeln!(
            out,
            "<tr><th>{label}</th><td><code>{}</code></td></tr>",
            html(&value)
        );
    }
    if !resource.secrets.is_empty() {
        let names = words::listed(
            &resource.secrets,
            |s| format!("<code>{}</code>", html(s)),
            ", ",
        );
        let _ = writeln!(
            out,
            "<tr><th>Secrets in the state</th><td>{names} <span class=\"note\">{}</span></td></tr>",
            html(words::SECRETS_NOTE)
        );
    }
    let drift = words::listed(&resource.drift, html, "<br>");
    let _ = writeln!(out, "<tr><th>Drift</th><td>{drift}</td></tr>\n</table>");
    match &resource.controls {
        None => out.push_str(
            "<p class=\"warning\"><b>No evidence:</b> the state holds no <code>compliance</code> \
             output for this resource.</p>\n",
        ),
        Some(controls) => {
            out.push_str(
                "<table class=\"controls\">\n<tr><th>Status</th><th>Rule</th><th>Safeguard</th>\
                 <th>Evidence</th></tr>\n",
            );
            for c in controls {
                let (row, status) = if c.satisfied {
                    ("", "<td class=\"status ok\">✓ satisfied</td>")
                } else {
                    (
                        " class=\"bad\"",
                        "<td class=\"status bad\">✗ NOT satisfied</td>",
                    )
                };
                let _ = writeln!(
                    out,
                    "<tr{row}>{status}<td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    html(&c.rule),
                    html(&c.safeguard),
                    html(&c.detail)
                );
            }
            out.push_str("</table>\n");
        }
    }
    out.push_str("</section>\n");
}
