//! Check: failures on named properties, warnings, and physical names (auto-naming).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One reason the inputs were refused, attached to the property at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFailure {
    pub property: String,
    pub reason: String,
    /// The value of `property` must never be shown. The engine prints the value of the
    /// property a failure names, so such a failure reaches it naming no property, with the
    /// property's name in the reason ([`CheckFailure::as_reported`]).
    pub hidden: bool,
}

impl CheckFailure {
    pub fn new(property: impl Into<String>, reason: impl Into<String>) -> Self {
        CheckFailure {
            property: property.into(),
            reason: reason.into(),
            hidden: false,
        }
    }

    /// A failure about a property whose value must never be shown (a credential given in
    /// plain text, a secret input).
    pub fn unechoed(property: impl Into<String>, reason: impl Into<String>) -> Self {
        CheckFailure {
            hidden: true,
            ..CheckFailure::new(property, reason)
        }
    }

    /// The failure as the engine is told it: (property, reason).
    pub fn as_reported(&self) -> (String, String) {
        if self.hidden {
            (String::new(), format!("{}: {}", self.property, self.reason))
        } else {
            (self.property.clone(), self.reason.clone())
        }
    }
}

/// How the engine wants names chosen (the request's `autonaming` options).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Autonaming {
    /// No options sent: the provider names resources its own way.
    #[default]
    Default,
    /// Use the engine's proposed name unless the user gave one.
    Propose(String),
    /// Use the engine's proposed name, even over the provider's own preference.
    Enforce(String),
    /// Never generate a name: the user must give one.
    Disable,
}

/// The shape a physical name must have.
#[derive(Debug, Clone, Copy)]
pub struct NameRules {
    pub max_len: usize,
    /// Characters the cloud accepts in the name.
    pub allowed: fn(char) -> bool,
}

/// The context of a Check call.
#[derive(Debug, Default)]
pub struct CheckCtx {
    pub(crate) urn: String,
    pub(crate) name: String,
    pub(crate) seed: Vec<u8>,
    pub(crate) autonaming: Autonaming,
    /// Properties whose value the provider chose (auto-names), kept in the inputs.
    pub(crate) defaults: Vec<String>,
    /// Properties the provider chose in the previous inputs.
    pub(crate) old_defaults: Vec<String>,
    pub(crate) warnings: Vec<String>,
    /// The path of every input the program marked secret (`services.api.environment.KEY`).
    pub(crate) secret_paths: Vec<String>,
}

impl CheckCtx {
    pub fn urn(&self) -> &str {
        &self.urn
    }

    /// Marks the input at `path` as secret, as the engine's Check request does for what the
    /// program marked (used where a check runs outside a request, and in tests).
    pub fn mark_secret(&mut self, path: impl Into<String>) {
        self.secret_paths.push(path.into());
    }

    /// True when the program marked the input at `path` (`services.api.environment.KEY`),
    /// or what holds it, as secret.
    pub fn is_secret(&self, path: &str) -> bool {
        self.secret_paths.iter().any(|s| {
            path == s
                || path
                    .strip_prefix(s.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    }

    /// The resource's logical name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The warnings logged so far.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Logs a warning through the engine once the check is done.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    /// Decides the physical name kept in `property`: the user's if given, the previous
    /// auto-name if there was one, else a new one derived from the request's random seed
    /// (so preview and update agree) or proposed by the engine.
    pub fn physical_name(
        &mut self,
        property: &str,
        given: Option<String>,
        previous: Option<&str>,
        rules: NameRules,
    ) -> Result<String, CheckFailure> {
        let chosen = match (given, &self.autonaming) {
            (Some(name), _) => return validate(property, name, rules),
            (None, Autonaming::Disable) => {
                return Err(CheckFailure::new(
                    property,
                    "a name is required: auto-naming is disabled for this stack",
                ));
            }
            (None, Autonaming::Propose(p) | Autonaming::Enforce(p)) => p.clone(),
            (None, Autonaming::Default) => match previous {
                Some(old) if self.old_defaults.iter().any(|d| d == property) => old.to_string(),
                _ => self.generate(rules),
            },
        };
        self.defaults.push(property.to_string());
        validate(property, chosen, rules)
    }

    fn generate(&self, rules: NameRules) -> String {
        const SUFFIX_LEN: usize = 7;
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut seed = [0u8; 32];
        for (i, b) in self.seed.iter().enumerate() {
            seed[i % 32] ^= *b;
        }
        let mut rng = if self.seed.is_empty() {
            ChaCha8Rng::from_os_rng()
        } else {
            ChaCha8Rng::from_seed(seed)
        };
        let suffix: String = (0..SUFFIX_LEN)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let base: String = self
            .name
            .chars()
            .map(|c| if (rules.allowed)(c) { c } else { '-' })
            .take(rules.max_len.saturating_sub(SUFFIX_LEN + 1))
            .collect();
        format!("{base}-{suffix}")
    }
}

fn validate(property: &str, name: String, rules: NameRules) -> Result<String, CheckFailure> {
    if name.is_empty() || name.len() > rules.max_len {
        return Err(CheckFailure::new(
            property,
            format!(
                "must be 1 to {} characters, got {}",
                rules.max_len,
                name.len()
            ),
        ));
    }
    if let Some(bad) = name.chars().find(|c| !(rules.allowed)(*c)) {
        return Err(CheckFailure::new(
            property,
            format!("contains the character {bad:?}, which is not allowed here"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
