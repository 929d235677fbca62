//! One compliance report for the whole platform, from its parts' reports.

use pulumi_provider::Out;
use pulumi_provider::value::Value;
use serde_json::{Value as J, json};

/// Every control of every part, each with the part's name; unknown until every part's
/// report is known. `parts` pairs a part's name with its `compliance` output.
pub fn aggregate(parts: Vec<(&str, Out)>) -> Out {
    let names: Vec<String> = parts.iter().map(|(n, _)| n.to_string()).collect();
    let all = Out::list(parts.into_iter().map(|(_, out)| out));
    all.map(|reports| {
        let mut controls = Vec::new();
        if let J::Array(reports) = reports {
            for (name, report) in names.iter().zip(reports) {
                for control in report["controls"].as_array().into_iter().flatten() {
                    let mut control = control.clone();
                    if let J::Object(map) = &mut control {
                        map.insert("resource".into(), J::String(name.clone()));
                    }
                    controls.push(control);
                }
            }
        }
        let compliant = controls.iter().all(|c| c["satisfied"] == J::Bool(true));
        Value::from_json(&json!({"compliant": compliant, "controls": controls}))
    })
}

#[cfg(test)]
#[path = "compliance_tests.rs"]
mod tests;
