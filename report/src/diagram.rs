//! The wiring as an inline SVG: VPC boxes with a band per subnet tier, a box per node,
//! regional services and secrets on the right, and an arrow per link. A resource with a
//! control not satisfied is drawn with a thick red border.

use std::fmt::Write;

use crate::escape::html;
use crate::layout::{self, Layout, Rect};
use crate::route;
use crate::wiring::{End, LinkKind, Wiring};

/// An inline `<svg>` of the wiring; `failing` holds the URNs of the resources with a control
/// not satisfied.
pub fn svg(wiring: &Wiring, failing: &[&str]) -> String {
    let layout = layout::place(wiring, failing);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="diagram-title"><title id="diagram-title">How the resources are wired</title>"#,
        w = layout::WIDTH,
        h = layout.height.ceil()
    );
    let _ = write!(out, "<defs><style>{STYLE}</style>{MARKERS}</defs>");
    draw_networks(&mut out, wiring, &layout, failing);
    draw_groups(&mut out, &layout);
    let links = distinct_links(wiring);
    let paths: Vec<route::Path> = links
        .iter()
        .enumerate()
        .map(|(i, &(from, to, _, _))| route::route(&layout, from, to, i))
        .collect();
    for (&(_, _, kind, _), path) in links.iter().zip(&paths) {
        let points: Vec<String> = path.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            out,
            r#"<polyline class="link {}" points="{}" marker-end="url(#arrow-{})"/>"#,
            class_of(kind),
            points.join(" "),
            class_of(kind)
        );
    }
    draw_nodes(&mut out, wiring, &layout, failing);
    let mut placed: Vec<Rect> = Vec::new();
    for (&(_, _, _, label), path) in links.iter().zip(&paths) {
        let (a, b) = route::longest_segment(path);
        let text = fit(label, 170.0, SMALL);
        let width = text.chars().count() as f64 * SMALL * 0.6 + 8.0;
        let spot = label_spot(a, b, width, &placed);
        placed.push(spot);
        let _ = write!(
            out,
            r#"<rect class="link-label" x="{:.1}" y="{:.1}" width="{width:.1}" height="{:.1}" rx="3"/><text class="small" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            spot.x,
            spot.y,
            spot.h,
            spot.x + width / 2.0,
            spot.y + 11.5,
            html(&text)
        );
    }
    draw_legend(&mut out, layout.height - layout::LEGEND_HEIGHT + 12.0);
    out.push_str("</svg>");
    out
}

/// Font sizes in pixels, as [`STYLE`] sets them.
const TEXT: f64 = 12.0;
const TITLE: f64 = 13.0;
const SMALL: f64 = 11.0;

/// The diagram's style, inside the SVG's own `<style>` (the page's Content-Security-Policy
/// allows it by its hash: [`crate::csp`]).
pub const STYLE: &str = r#".diagram text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1f2328;font-size:12px}.diagram .title{font-weight:600;font-size:13px}.diagram .small{font-size:11px;fill:#57606a}.diagram .bad{fill:#b42318;font-weight:700}.diagram .vpc{fill:#f3f8ff;stroke:#0969da;stroke-width:1.5}.diagram .vpc.failing{stroke:#b42318;stroke-width:3}.diagram .lane{stroke:#9ec5fe;stroke-dasharray:4 3}.diagram .group{fill:#f6f8fa;stroke:#8c959f;stroke-width:1}.diagram .node{fill:#fff;stroke:#57606a;stroke-width:1.2}.diagram .node.failing{stroke:#b42318;stroke-width:3}.diagram .secret{fill:#fff8e1;stroke:#9a6700;stroke-width:1.2}.diagram .link{stroke-width:1.4;fill:none}.diagram .link.network{stroke:#0969da}.diagram .link.reads{stroke:#8250df}.diagram .link.keeps{stroke:#6e7781;stroke-dasharray:5 3}.diagram .link.uses{stroke:#6e7781;stroke-dasharray:2 3}.diagram .link-label{fill:#fff;fill-opacity:0.9}"#;

/// The arrow heads, one per link kind.
const MARKERS: &str = r##"<marker id="arrow-network" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#0969da"/></marker><marker id="arrow-reads" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#8250df"/></marker><marker id="arrow-keeps" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6e7781"/></marker><marker id="arrow-uses" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6e7781"/></marker>"##;

/// Where a link's label goes: the middle of the line, or the first point further along
/// either way whose box overlaps no label placed before.
fn label_spot(a: (f64, f64), b: (f64, f64), width: f64, placed: &[Rect]) -> Rect {
    let at = |t: f64| Rect {
        x: a.0 + (b.0 - a.0) * t - width / 2.0,
        y: a.1 + (b.1 - a.1) * t - 8.0,
        w: width,
        h: 15.0,
    };
    [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85]
        .into_iter()
        .map(at)
        .find(|spot| !placed.iter().any(|p| p.overlaps(spot)))
        .unwrap_or_else(|| at(0.5))
}

fn class_of(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Network => "network",
        LinkKind::Reads => "reads",
        LinkKind::Keeps => "keeps",
        LinkKind::Uses => "uses",
    }
}

/// Links with the same ends, kind and label drawn once.
fn distinct_links(wiring: &Wiring) -> Vec<(End, End, LinkKind, &str)> {
    let mut out: Vec<(End, End, LinkKind, &str)> = Vec::new();
    for link in &wiring.links {
        let key = (link.from, link.to, link.kind, link.label.as_str());
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

fn draw_networks(out: &mut String, wiring: &Wiring, layout: &Layout, failing: &[&str]) {
    for placed in &layout.networks {
        let network = &wiring.networks[placed.network];
        let r = placed.rect;
        let bad = network.in_stack && failing.contains(&network.urn.as_str());
        let _ = write!(
            out,
            r#"<rect class="vpc{}" x="{}" y="{}" width="{}" height="{}" rx="8"/>"#,
            if bad { " failing" } else { "" },
            r.x,
            r.y,
            r.w,
            r.h
        );
        let title = if network.in_stack {
            let cidr = network.cidr.as_deref().unwrap_or("");
            format!("VPC {} · {} · {cidr}", network.name, network.vpc_id)
        } else {
            format!("VPC {} (not in this stack)", network.vpc_id)
        };
        text(
            out,
            r.x + 12.0,
            r.y + 19.0,
            "title",
            &fit(&title, r.w - 180.0, TITLE),
        );
        if bad {
            text(
                out,
                r.x + r.w - 12.0,
                r.y + 19.0,
                "bad end",
                "✗ NOT compliant",
            );
        }
        for (lane, band) in &placed.lanes {
            let _ = write!(
                out,
                r#"<line class="lane" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                band.x,
                band.y,
                band.x + band.w,
                band.y
            );
            let (name, subnets) = match lane {
                Some(t) => {
                    let tier = &network.tiers[*t];
                    (format!("{} subnets", tier.name), tier.subnets.as_slice())
                }
                None => ("other subnets".to_string(), &[][..]),
            };
            text(out, band.x + 12.0, band.y + 18.0, "title", &name);
            for (i, subnet) in subnets.iter().enumerate() {
                let line = format!("{} {}", subnet.id, subnet.zone);
                let y = band.y + 34.0 + layout::SUBNET_LINE * i as f64;
                let fitted = fit(line.trim(), layout::LANE_LABEL_WIDTH - 20.0, SMALL);
                text(out, band.x + 12.0, y, "small", &fitted);
            }
        }
    }
}

fn draw_groups(out: &mut String, layout: &Layout) {
    let titled = [
        (layout.regional, "Regional services (outside any VPC)"),
        (layout.secret_group, "AWS Secrets Manager"),
    ];
    for (rect, title) in titled {
        if let Some(r) = rect {
            let _ = write!(
                out,
                r#"<rect class="group" x="{}" y="{}" width="{}" height="{}" rx="8"/>"#,
                r.x, r.y, r.w, r.h
            );
            text(out, r.x + 12.0, r.y + 17.0, "title", title);
        }
    }
}

fn draw_nodes(out: &mut String, wiring: &Wiring, layout: &Layout, failing: &[&str]) {
    for (node, r) in wiring.nodes.iter().zip(&layout.nodes) {
        let bad = failing.contains(&node.resource.as_str());
        let class = if bad { "node failing" } else { "node" };
        open_box(out, class, &node.label, r, &node.label);
        let kind = fit(&node.kind, r.w - 16.0, TEXT);
        text(out, r.x + 8.0, r.y + 31.0, "", &kind);
        let mut y = r.y + 45.0;
        if bad {
            text(out, r.x + 8.0, y, "bad", "✗ NOT compliant");
            y += 14.0;
        }
        for fact in node.facts.iter().take(layout::NODE_FACTS) {
            text(out, r.x + 8.0, y, "small", &fit(fact, r.w - 16.0, SMALL));
            y += 14.0;
        }
        out.push_str("</g>");
    }
    for (secret, r) in wiring.secrets.iter().zip(&layout.secrets) {
        open_box(out, "secret", &secret.arn, r, &secret.name);
        let note = "secret (value never shown)";
        text(out, r.x + 8.0, r.y + 31.0, "small", note);
        out.push_str("</g>");
    }
}

/// Opens a box's group (closed by the caller): a tooltip, the rectangle, the title line.
fn open_box(out: &mut String, class: &str, tooltip: &str, r: &Rect, title: &str) {
    let _ = write!(
        out,
        r#"<g><title>{}</title><rect class="{class}" x="{}" y="{}" width="{}" height="{}" rx="6"/>"#,
        html(tooltip),
        r.x,
        r.y,
        r.w,
        r.h
    );
    let title = fit(title, r.w - 16.0, TITLE);
    text(out, r.x + 8.0, r.y + 16.0, "title", &title);
}

fn draw_legend(out: &mut String, y: f64) {
    let items = [
        ("network", "may connect (security group rule)"),
        ("reads", "reads the secret"),
        ("keeps", "keeps a credential in"),
        ("uses", "uses outputs of"),
    ];
    let mut x = layout::MARGIN;
    for (class, words) in items {
        let _ = write!(
            out,
            r#"<line class="link {class}" x1="{x}" y1="{y}" x2="{}" y2="{y}" marker-end="url(#arrow-{class})"/>"#,
            x + 34.0
        );
        text(out, x + 42.0, y + 4.0, "small", words);
        x += 48.0 + words.len() as f64 * SMALL * 0.6 + 24.0;
    }
    let _ = write!(
        out,
        r#"<rect class="node failing" x="{x}" y="{}" width="28" height="14" rx="3"/>"#,
        y - 7.0
    );
    text(out, x + 36.0, y + 4.0, "small", "a control not satisfied");
}

fn text(out: &mut String, x: f64, y: f64, class: &str, content: &str) {
    let (class, anchor) = match class.strip_suffix(" end") {
        Some(c) => (c, r#" text-anchor="end""#),
        None => (class, ""),
    };
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(r#" class="{class}""#)
    };
    let _ = write!(
        out,
        r#"<text{class}{anchor} x="{x:.1}" y="{y:.1}">{}</text>"#,
        html(content)
    );
}

/// Text cut with an ellipsis to about `width` pixels at `size` (the wiring list has it whole).
pub fn fit(text: &str, width: f64, size: f64) -> String {
    let max = ((width / (size * 0.6)).floor() as usize).max(2);
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_an_ellipsis_and_short_text_kept() {
        assert_eq!(fit("short", 100.0, 10.0), "short");
        let cut = fit(&"x".repeat(100), 60.0, 10.0);
        assert_eq!(cut.chars().count(), 10);
        assert!(cut.ends_with('…'));
    }
}
