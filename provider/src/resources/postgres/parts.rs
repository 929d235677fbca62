//! What a database is built on: the parts made before it, by name or ARN.

use std::collections::BTreeMap;

/// The key, groups and role a database instance or cluster is created with.
pub struct Parts<'a> {
    pub key_arn: &'a str,
    pub security_group: &'a str,
    pub subnet_group: &'a str,
    pub parameter_group: &'a str,
    pub monitoring_role: Option<&'a str>,
    pub tags: &'a BTreeMap<String, String>,
}
