//! The report's content, built from an exported state: the stack, the provider, each
//! healthcare resource with its controls (failing ones first), drift and secrets by name.

use serde_json::Value;

use crate::anchors;
use crate::error::{Error, Result};
use crate::state::{Export, StateResource, stack_and_project, strings};
use crate::time::readable;
use crate::wiring::{self, Wiring};

/// The type token prefix of this provider's resources.
pub const TYPE_PREFIX: &str = "healthcare:";
/// The type token of this provider's provider resources.
pub const PROVIDER_TYPE: &str = "pulumi:providers:healthcare";

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub stack: String,
    pub project: String,
    /// When the checkpoint was written (the manifest's time).
    pub state_time: Option<String>,
    /// The latest `modified` time of a healthcare resource: when AWS last answered
    /// differently from the state before it (a create, update, or a refresh that found a change).
    pub last_change: Option<String>,
    pub cli_version: Option<String>,
    pub providers: Vec<Provider>,
    pub resources: Vec<Resource>,
    /// Resources of other providers in the stack (not covered), by type token.
    pub other_resources: usize,
    /// Old copies of replaced healthcare resources waiting to be deleted (not covered).
    pub awaiting_delete: usize,
    /// Operations under way when the state was written: `(kind, urn)`.
    pub pending_operations: Vec<(String, String)>,
    pub wiring: Wiring,
}

/// A configured instance of the healthcare provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub name: String,
    pub version: Option<String>,
    pub region: Option<String>,
    /// An endpoint override (an emulator or a proxy), when one was configured.
    pub endpoint: Option<String>,
}

/// One healthcare resource.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The type token, e.g. `healthcare:network:SecureVpc`.
    pub kind: String,
    pub name: String,
    pub urn: String,
    pub id: Option<String>,
    pub arn: Option<String>,
    pub region: Option<String>,
    /// The controls, failing ones first; `None` when the state holds no `compliance` output.
    pub controls: Option<Vec<Control>>,
    pub drift: Vec<String>,
    /// Paths of secret inputs and outputs, named only.
    pub secrets: Vec<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    /// The component it is part of, as `<type> <name>` (a Platform's children).
    pub part_of: Option<String>,
    /// The id of its section, for links to it: unique in the report ([`crate::anchors`]).
    pub anchor: String,
}

/// One control of a resource's `compliance` output.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub rule: String,
    pub safeguard: String,
    /// True only when the state says `satisfied: true`.
    pub satisfied: bool,
    pub detail: String,
}

impl Resource {
    /// The type's short name: `SecureVpc` of `healthcare:network:SecureVpc`.
    pub fn short_kind(&self) -> &str {
        self.kind.rsplit(':').next().unwrap_or(&self.kind)
    }

    /// How many controls are not satisfied; 1 when the state holds no evidence at all.
    pub fn failing_count(&self) -> usize {
        self.controls
            .as_ref()
            .map_or(1, |c| c.iter().filter(|c| !c.satisfied).count())
    }

    /// What identifies it, in the order a report lists it: `(label, value)`.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let known = [
            ("AWS id", self.id.clone()),
            ("ARN", self.arn.clone()),
            ("Region", self.region.clone()),
            ("Part of", self.part_of.clone()),
            ("Created", self.created.as_deref().map(readable)),
            ("Last changed", self.modified.as_deref().map(readable)),
            ("URN", Some(self.urn.clone())),
        ];
        known
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| (label, v)))
            .collect()
    }
}

/// Outputs holding a resource's ARN, by type; the first present is used.
const ARN_OUTPUTS: [&str; 3] = ["arn", "streamArn", "clusterArn"];

impl Report {
    /// Builds the report of an export; refuses a state with no healthcare resources.
    pub fn from_export(export: &Export) -> Result<Report> {
        let (stack, project) = export
            .resources
            .iter()
            .find_map(|r| stack_and_project(&r.urn))
            .unwrap_or_else(|| ("(unnamed)".to_string(), "(unnamed)".to_string()));
        let ours = |r: &&StateResource| r.custom && r.kind.starts_with(TYPE_PREFIX);
        let live: Vec<&StateResource> = export
            .resources
            .iter()
            .filter(ours)
            .filter(|r| !r.delete)
            .collect();
        if live.is_empty() {
            return Err(Error::NoHealthcareResources { stack });
        }
        let provider_states: Vec<&StateResource> = export
            .resources
            .iter()
            .filter(|r| r.kind == PROVIDER_TYPE)
            .collect();
        let mut resources: Vec<Resource> =
            live.iter().map(|r| resource(r, &provider_states)).collect();
        anchors::assign(&mut resources);
        let last_change = live.iter().filter_map(|r| r.modified.clone()).max();
        let other_resources = export
            .resources
            .iter()
            .filter(|r| r.custom && !r.kind.starts_with(TYPE_PREFIX))
            .filter(|r| !r.kind.starts_with("pulumi:providers:"))
            .count();
        Ok(Report {
            stack,
            project,
            state_time: export.time.clone(),
            last_change,
            cli_version: export.cli_version.clone(),
            providers: provider_states.iter().map(|p| provider(p)).collect(),
            resources,
            other_resources,
            awaiting_delete: export.resources.iter().filter(ours).count() - live.len(),
            pending_operations: export.pending_operations.clone(),
            wiring: wiring::build(&live),
        })
    }
}

fn provider(state: &StateResource) -> Provider {
    let text = |key: &str| {
        state
            .inputs
            .get(key)
            .or_else(|| state.outputs.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    Provider {
        name: state.name().to_string(),
        version: text("version"),
        region: text("region"),
        endpoint: text("endpoint"),
    }
}

fn resource(state: &StateResource, providers: &[&StateResource]) -> Resource {
    let arn = ARN_OUTPUTS
        .iter()
        .find_map(|key| state.output_str(key))
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let provider_region = state.provider.as_deref().and_then(|reference| {
        let urn = reference
            .rsplit_once("::")
            .map_or(reference, |(urn, _)| urn);
        providers
            .iter()
            .find(|p| p.urn == urn)
            .map(|p| provider(p))
            .and_then(|p| p.region)
    });
    let arn_region = arn
        .as_deref()
        .and_then(|a| a.split(':').nth(3))
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    Resource {
        kind: state.kind.clone(),
        name: state.name().to_string(),
        urn: state.urn.clone(),
        id: state.id.clone(),
        arn,
        region: provider_region.or(arn_region),
        controls: controls(state.outputs.get("compliance")),
        drift: strings(state.outputs.get("drift")),
        secrets: state.secrets.clone(),
        created: state.created.clone(),
        modified: state.modified.clone(),
        part_of: state.parent.as_deref().and_then(component_of),
        anchor: String::new(),
    }
}

/// `<type> <name>` of a parent URN that is one of this provider's components; the stack
/// and plain parents of other packages are not mentioned.
fn component_of(parent: &str) -> Option<String> {
    let mut parts = parent.rsplitn(2, "::");
    let name = parts.next()?;
    let qualified = parts.next()?.rsplit("::").next()?;
    let kind = qualified.rsplit('$').next()?;
    kind.starts_with(TYPE_PREFIX)
        .then(|| format!("{} {name}", kind.rsplit(':').next().unwrap_or(kind)))
}

/// The controls of a `compliance` output, failing ones first (a stable sort).
fn controls(compliance: Option<&Value>) -> Option<Vec<Control>> {
    let list = compliance?.get("controls")?.as_array()?;
    let mut controls: Vec<Control> = list
        .iter()
        .map(|c| {
            let text = |key: &str| c.get(key).and_then(Value::as_str).unwrap_or("").to_string();
            Control {
                rule: text("rule"),
                safeguard: text("safeguard"),
                satisfied: c.get("satisfied").and_then(Value::as_bool) == Some(true),
                detail: text("detail"),
            }
        })
        .collect();
    controls.sort_by_key(|c| c.satisfied);
    Some(controls)
}
