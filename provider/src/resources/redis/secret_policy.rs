//! The AUTH secret's resource policy: every Secrets Manager action on it is denied to every
//! principal but the readers, the administrators and the identity running `pulumi`.

use std::collections::BTreeSet;

use pulumi_provider::Ctx;
use serde_json::{Value, json};

use super::args::RedisArgs;
use super::rotation;
use crate::aws::AwsContext;
use crate::aws::principal::{deployer, role_or_arn};
use crate::aws::secrets;
use crate::error::Result;

/// The statement id by which the provider knows its own policy.
pub const SID: &str = "OnlyNamedPrincipals";

/// The principals the named readers and administrators stand for, and the role of the
/// function that rotates the token.
pub fn named(a: &RedisArgs, partition: &str, account: &str) -> BTreeSet<String> {
    a.auth_secret_readers
        .iter()
        .flatten()
        .chain(a.auth_secret_administrators.iter().flatten())
        .map(|p| role_or_arn(partition, account, p))
        .chain([rotation::role_arn(partition, account, a.id())])
        .collect()
}

/// The policy admitting `principals` only.
pub fn document(principals: &BTreeSet<String>) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": SID,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "secretsmanager:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalArn": principals}},
        }],
    })
}

/// The principals a policy of the provider's admits; `None` when the policy is absent or
/// not the provider's form.
pub fn admitted(policy: Option<&str>) -> Option<BTreeSet<String>> {
    let policy: Value = serde_json::from_str(policy?).ok()?;
    let statements = match policy.get("Statement")? {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    let [s] = statements.as_slice() else {
        return None;
    };
    let shape = s.get("Sid")? == SID
        && s.get("Effect")? == "Deny"
        && s.get("Principal")? == "*"
        && s.get("Action")? == "secretsmanager:*";
    if !shape {
        return None;
    }
    let condition = s.get("Condition")?.as_object()?;
    if condition.len() != 1 {
        return None;
    }
    let keys = condition.get("StringNotEquals")?.as_object()?;
    if keys.len() != 1 {
        return None;
    }
    match keys.get("aws:PrincipalArn")? {
        Value::String(one) => Some(BTreeSet::from([one.clone()])),
        Value::Array(many) => many.iter().map(|v| v.as_str().map(String::from)).collect(),
        _ => None,
    }
}

/// What is wrong with the policy the secret has, measured against the inputs: `None` when
/// it admits exactly the named principals and at most one more (the identity that ran the
/// last `pulumi up`, which a read by another identity cannot know).
pub fn drift(a: &RedisArgs, have: Option<&str>, partition: &str, account: &str) -> Option<String> {
    let wanted = a.auth_secret_readers.is_some();
    match (wanted, admitted(have)) {
        (false, None) if have.is_none() => None,
        (false, _) => Some("the AUTH secret has a resource policy; none was asked for".into()),
        (true, None) => Some(
            "the AUTH secret's resource policy is missing or is not the one that admits only its readers and administrators"
                .into(),
        ),
        (true, Some(admits)) => {
            let named = named(a, partition, account);
            let missing: Vec<&String> = named.difference(&admits).collect();
            let extra = admits.difference(&named).count();
            if !missing.is_empty() {
                Some(format!(
                    "the AUTH secret's resource policy does not admit {}",
                    missing
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            } else if extra > 1 {
                Some(format!(
                    "the AUTH secret's resource policy admits {extra} principals besides its readers and administrators"
                ))
            } else {
                None
            }
        }
    }
}

/// Brings the secret's resource policy to the inputs: the named principals and this
/// deployer admitted, or no policy of the provider's when there are no readers.
pub async fn ensure(cx: &AwsContext, ctx: &Ctx, secret_arn: &str, a: &RedisArgs) -> Result<()> {
    let have = secrets::resource_policy_settled(cx, ctx, secret_arn).await?;
    if a.auth_secret_readers.is_none() {
        if admitted(have.as_deref()).is_some() {
            ctx.info("removing the AUTH secret's resource policy (no authSecretReaders)")
                .await;
            secrets::delete_resource_policy(cx, secret_arn).await?;
        }
        return Ok(());
    }
    let account = cx.account().await?;
    let mut principals = named(a, &cx.partition, account);
    principals.insert(deployer(cx).await?);
    if admitted(have.as_deref()).as_ref() == Some(&principals) {
        return Ok(());
    }
    ctx.status(format!(
        "limiting the AUTH secret to {} principal(s)",
        principals.len()
    ))
    .await;
    secrets::put_resource_policy(cx, ctx, secret_arn, &document(&principals).to_string()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    fn args(readers: &[&str], admins: &[&str]) -> RedisArgs {
        let list = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
        RedisArgs {
            replication_group_id: Some("cache".into()),
            auth_secret_readers: list(readers),
            auth_secret_administrators: if admins.is_empty() {
                None
            } else {
                list(admins)
            },
            ..Default::default()
        }
    }

    #[test]
    fn the_policy_denies_everyone_but_the_named_principals() {
        let a = args(
            &["app-exec"],
            &["arn:aws:iam::123456789012:role/breakglass"],
        );
        let named = named(&a, "aws", ACCOUNT);
        let doc = document(&named);
        let s = &doc["Statement"][0];
        assert_eq!(
            (s["Effect"].as_str(), s["Principal"].as_str()),
            (Some("Deny"), Some("*"))
        );
        assert_eq!(
            s["Condition"]["StringNotEquals"]["aws:PrincipalArn"],
            json!([
                "arn:aws:iam::123456789012:role/app-exec",
                "arn:aws:iam::123456789012:role/breakglass",
                "arn:aws:iam::123456789012:role/cache-auth-rotation"
            ])
        );
        assert_eq!(admitted(Some(&doc.to_string())), Some(named));
    }

    #[test]
    fn drift_allows_one_unknown_deployer_but_not_a_missing_reader() {
        let a = args(&["app-exec"], &[]);
        let mut admits = named(&a, "aws", ACCOUNT);
        admits.insert("arn:aws:iam::123456789012:role/deploy".into());
        let doc = document(&admits).to_string();
        assert_eq!(drift(&a, Some(&doc), "aws", ACCOUNT), None);
        admits.insert("arn:aws:iam::123456789012:role/stranger".into());
        let loose = document(&admits).to_string();
        assert!(
            drift(&a, Some(&loose), "aws", ACCOUNT).is_some_and(|d| d.contains("2 principals"))
        );
        let other = args(&["other-exec"], &[]);
        let d = drift(&other, Some(&doc), "aws", ACCOUNT).unwrap_or_default();
        assert!(d.contains("role/other-exec"), "{d}");
        assert!(drift(&a, None, "aws", ACCOUNT).is_some());
        let none = RedisArgs::default();
        assert_eq!(drift(&none, None, "aws", ACCOUNT), None);
        assert!(drift(&none, Some(&doc), "aws", ACCOUNT).is_some());
    }

    #[test]
    fn a_policy_of_another_form_is_not_the_providers() {
        let allow = r#"{"Statement":[{"Sid":"OnlyNamedPrincipals","Effect":"Allow","Principal":"*","Action":"secretsmanager:*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"x"}}}]}"#;
        assert_eq!(admitted(Some(allow)), None);
        let extra = r#"{"Statement":[{"Sid":"OnlyNamedPrincipals","Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"x"},"Bool":{"aws:SecureTransport":"true"}}}]}"#;
        assert_eq!(admitted(Some(extra)), None);
        assert_eq!(admitted(Some("not json")), None);
    }
}
