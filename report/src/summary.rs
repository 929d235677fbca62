//! The figures at the top of a report: controls satisfied out of all, the ones that are not,
//! and a row per HIPAA safeguard.

use std::collections::BTreeMap;

use crate::model::{Control, Report, Resource};
use crate::safeguards;

/// A control that is not satisfied, with its resource.
#[derive(Debug, Clone, Copy)]
pub struct Failing<'a> {
    pub resource: &'a Resource,
    pub control: &'a Control,
}

/// One safeguard's controls across the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct SafeguardRow {
    pub citation: String,
    pub title: String,
    pub total: usize,
    pub satisfied: usize,
}

impl SafeguardRow {
    /// True when the safeguard has controls and at least one is not satisfied.
    pub fn failing(&self) -> bool {
        self.satisfied < self.total
    }
}

/// The summary of a report.
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    pub total: usize,
    pub satisfied: usize,
    pub failing: Vec<Failing<'a>>,
    /// Resources whose state has no `compliance` output.
    pub without_evidence: Vec<&'a Resource>,
    /// Resources with drift.
    pub drifting: Vec<&'a Resource>,
    pub safeguards: Vec<SafeguardRow>,
}

impl Summary<'_> {
    /// True when every control is satisfied and every resource has evidence.
    pub fn all_satisfied(&self) -> bool {
        self.failing.is_empty() && self.without_evidence.is_empty()
    }
}

/// Counts a report's controls.
pub fn summarize(report: &Report) -> Summary<'_> {
    let mut failing = Vec::new();
    let mut without_evidence = Vec::new();
    let mut total = 0;
    let mut by_citation: BTreeMap<(usize, String), SafeguardRow> = safeguards::KNOWN
        .iter()
        .map(|(citation, title)| {
            let row = SafeguardRow {
                citation: citation.to_string(),
                title: title.to_string(),
                total: 0,
                satisfied: 0,
            };
            (safeguards::order(citation), row)
        })
        .collect();
    for resource in &report.resources {
        let Some(controls) = &resource.controls else {
            without_evidence.push(resource);
            continue;
        };
        for control in controls {
            total += 1;
            let (citation, description) = safeguards::split(&control.safeguard);
            let row = by_citation
                .entry(safeguards::order(citation))
                .or_insert_with(|| SafeguardRow {
                    citation: citation.to_string(),
                    title: description.to_string(),
                    total: 0,
                    satisfied: 0,
                });
            row.total += 1;
            if control.satisfied {
                row.satisfied += 1;
            } else {
                failing.push(Failing { resource, control });
            }
        }
    }
    Summary {
        total,
        satisfied: total - failing.len(),
        failing,
        without_evidence,
        drifting: report
            .resources
            .iter()
            .filter(|r| !r.drift.is_empty())
            .collect(),
        safeguards: by_citation.into_values().collect(),
    }
}
