//! The HIPAA safeguards the provider's controls serve, in the regulation's order, with the
//! regulation's own titles: the administrative safeguards (45 CFR 164.308) the account
//! baseline evidences, then the technical safeguards (45 CFR 164.312).
//!
//! A control names its safeguard as `"164.312(b) audit controls"`: the citation, then a
//! short description. The summary groups controls by citation; every safeguard below gets a
//! row even when the stack has no control for it, so an auditor sees what is not evidenced.

/// The safeguards the provider's rules serve (HIPAA.md), as `(citation, title)`.
pub const KNOWN: [(&str, &str); 11] = [
    ("164.308(a)(1)(ii)(D)", "Information system activity review"),
    ("164.308(a)(5)(ii)(D)", "Password management"),
    ("164.308(a)(6)", "Security incident procedures"),
    ("164.308(a)(7)(ii)(A)", "Data backup plan"),
    ("164.312(a)(1)", "Access control"),
    ("164.312(a)(2)(ii)", "Emergency access procedure"),
    ("164.312(a)(2)(iv)", "Encryption and decryption"),
    ("164.312(b)", "Audit controls"),
    ("164.312(c)(1)", "Integrity"),
    ("164.312(d)", "Person or entity authentication"),
    ("164.312(e)(1)", "Transmission security"),
];

/// The citation part of a control's safeguard: `"164.312(b)"` of `"164.312(b) audit controls"`.
pub fn citation(safeguard: &str) -> &str {
    split(safeguard).0
}

/// A safeguard as `(citation, description)`: its first word, and the rest trimmed. Any
/// text splits (an empty one into two empty parts), whatever its whitespace, Unicode
/// included: both parts are cut where a whitespace character starts, never inside one.
pub fn split(safeguard: &str) -> (&str, &str) {
    let text = safeguard.trim_start();
    match text.split_once(char::is_whitespace) {
        Some((citation, rest)) => (citation, rest.trim()),
        None => (text, ""),
    }
}

/// The regulation's title of a citation, when it is one of [`KNOWN`].
pub fn title(citation: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|(known, _)| *known == citation)
        .map(|(_, title)| *title)
}

/// A sort key putting known citations in the regulation's order, then any others by name.
pub fn order(citation: &str) -> (usize, String) {
    let position = KNOWN
        .iter()
        .position(|(known, _)| *known == citation)
        .unwrap_or(KNOWN.len());
    (position, citation.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_citation_is_the_first_word_of_a_safeguard() {
        assert_eq!(citation("164.312(b) audit controls"), "164.312(b)");
        assert_eq!(citation("164.312(a)(2)(iv)"), "164.312(a)(2)(iv)");
        assert_eq!(citation(""), "");
    }

    #[test]
    fn a_safeguard_splits_into_its_citation_and_description_whatever_its_text() {
        assert_eq!(
            split("164.312(b) audit controls"),
            ("164.312(b)", "audit controls")
        );
        assert_eq!(split("164.312(d)"), ("164.312(d)", ""));
        assert_eq!(split(""), ("", ""));
        assert_eq!(split(" \t "), ("", ""));
        // Leading whitespace of several bytes (an ideographic space) before a short word.
        assert_eq!(split("\u{3000}x \u{3000}y\u{3000}"), ("x", "y"));
        assert_eq!(
            split("  164.312(b)  two  words "),
            ("164.312(b)", "two  words")
        );
        assert_eq!(split("é\u{2003}ü"), ("é", "ü"));
    }

    #[test]
    fn the_baselines_administrative_safeguards_come_before_the_technical_ones() {
        let mut citations = vec!["164.312(b)", "164.308(a)(6)", "164.308(a)(1)(ii)(D)"];
        citations.sort_by_key(|c| order(c));
        assert_eq!(
            citations,
            vec!["164.308(a)(1)(ii)(D)", "164.308(a)(6)", "164.312(b)"]
        );
        assert_eq!(title("164.308(a)(5)(ii)(D)"), Some("Password management"));
    }

    #[test]
    fn known_citations_sort_in_the_regulations_order_before_unknown_ones() {
        let mut citations = vec!["164.312(e)(1)", "164.999(z)", "164.312(a)(1)", "164.312(b)"];
        citations.sort_by_key(|c| order(c));
        assert_eq!(
            citations,
            vec!["164.312(a)(1)", "164.312(b)", "164.312(e)(1)", "164.999(z)"]
        );
    }

    #[test]
    fn a_known_citation_has_the_regulations_title() {
        assert_eq!(title("164.312(d)"), Some("Person or entity authentication"));
        assert_eq!(title("164.999(z)"), None);
    }
}
