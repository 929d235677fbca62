//! What the platform refuses before it registers anything: a name prefix AWS names could
//! not be made from, and services that set what the platform sets for them.

use pulumi_provider::{CheckFailure, Inputs};

use super::args::{MAX_PREFIX, PlatformArgs};
use super::services::{INJECTED_ENVIRONMENT, INJECTED_SECRETS};

pub fn check(inputs: &Inputs<PlatformArgs>) -> Vec<CheckFailure> {
    let mut failures = Vec::new();
    let args = inputs.args();
    if inputs.is_known("namePrefix")
        && let Some(prefix) = &args.name_prefix
        && let Some(reason) = prefix_problem(prefix)
    {
        failures.push(CheckFailure::new("namePrefix", reason));
    }
    if !inputs.is_known("services") {
        return failures;
    }
    for (name, service) in args.services.iter().flatten() {
        let at = format!("services.{name}");
        for key in service.environment.iter().flat_map(|e| e.keys()) {
            if INJECTED_ENVIRONMENT.contains(&key.as_str())
                || INJECTED_SECRETS.contains(&key.as_str())
            {
                failures.push(set_by_platform(&format!("{at}.environment.{key}")));
            }
        }
        for key in service.secrets.iter().flat_map(|e| e.keys()) {
            if INJECTED_ENVIRONMENT.contains(&key.as_str())
                || INJECTED_SECRETS.contains(&key.as_str())
            {
                failures.push(set_by_platform(&format!("{at}.secrets.{key}")));
            }
        }
    }
    failures
}

/// Why a name prefix cannot be used, if it cannot.
pub fn prefix_problem(prefix: &str) -> Option<String> {
    let starts_with_letter = prefix
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    let allowed = prefix
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if prefix.is_empty() || !starts_with_letter || !allowed || prefix.ends_with('-') {
        Some("must start with a letter and hold only letters, digits and single hyphens".into())
    } else if prefix.contains("--") {
        Some("must not hold two hyphens in a row (RDS and ElastiCache names refuse them)".into())
    } else if prefix.len() > MAX_PREFIX {
        Some(format!(
            "is {} characters; at most {MAX_PREFIX}, so that every AWS name made from it fits",
            prefix.len()
        ))
    } else {
        None
    }
}

fn set_by_platform(property: &str) -> CheckFailure {
    CheckFailure::new(
        property,
        "is set by the platform (it wires every service to the database, the cache and the \
         stream); choose another name",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_must_make_valid_aws_names() {
        assert!(prefix_problem("clinical").is_none());
        assert!(prefix_problem("clinical-2").is_none());
        assert!(prefix_problem("2clinical").is_some());
        assert!(prefix_problem("clinical_app").is_some());
        assert!(prefix_problem("a--b").is_some());
        assert!(prefix_problem("trailing-").is_some());
        assert!(prefix_problem(&"a".repeat(MAX_PREFIX + 1)).is_some());
    }
}
