//! Final snapshots taken when a stateful resource (a database, a cache) is deleted.

/// The final snapshot to take when deleting `id`: `None` when the program skips it, else the
/// name it gave or `<id>-final-<unix seconds>`, unique across repeated deletes of one id.
pub fn final_name(id: &str, skip: Option<bool>, given: Option<&str>) -> Option<String> {
    if skip.unwrap_or(false) {
        return None;
    }
    Some(given.map(String::from).unwrap_or_else(|| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        format!("{id}-final-{now}")
    }))
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
