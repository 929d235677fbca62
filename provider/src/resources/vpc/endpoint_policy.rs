//! The policy of each VPC endpoint: requests signed by this account's principals (and the
//! trusted accounts') only, or AWS's allow-everything default.

use serde_json::{Value, json};

use super::args::{EndpointArgs, EndpointPolicy};

/// The statement id of the account perimeter, by which the provider knows its own policy.
pub const PERIMETER_SID: &str = "OnlyTrustedAccounts";

/// The policy an endpoint of `service` should have; `None` when AWS's default is wanted or
/// the service takes no policy (`supported` false).
pub fn wanted(
    args: &EndpointArgs,
    service: &str,
    is_gateway: bool,
    supported: bool,
    account: &str,
    partition: &str,
    region: &str,
) -> Option<Value> {
    if !supported || args.policy.unwrap_or_default() == EndpointPolicy::AwsDefault {
        return None;
    }
    let mut accounts = vec![account.to_string()];
    accounts.extend(args.trusted_account_ids.iter().flatten().cloned());
    accounts.sort();
    accounts.dedup();
    let accounts = match accounts.as_slice() {
        [one] => json!(one),
        many => json!(many),
    };
    let mut statements = vec![json!({
        "Sid": PERIMETER_SID,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": accounts}},
    })];
    if is_gateway && service == "s3" {
        // ECR answers an image pull with layer URLs it signs itself (AWS's principal, not
        // this account's); the endpoint must let them read the region's layer bucket.
        statements.push(json!({
            "Sid": "EcrImageLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("arn:{partition}:s3:::prod-{region}-starport-layer-bucket/*"),
        }));
    }
    Some(json!({"Version": "2012-10-17", "Statement": statements}))
}

/// AWS's default endpoint policy, sent to put it back where another one was set.
pub fn aws_default() -> Value {
    json!({
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    })
}

/// True when the policy an endpoint has (as EC2 returns it) is the wanted one; with `None`
/// wanted, when it allows everything as AWS's default does.
pub fn holds(have: Option<&str>, want: Option<&Value>) -> bool {
    let have: Option<Value> = have.and_then(|h| serde_json::from_str(h).ok());
    match (have, want) {
        (Some(h), Some(w)) => statements(&h) == statements(w),
        (Some(h), None) => statements(&h) == statements(&aws_default()),
        // No policy answered: the service takes none, or it is AWS's default.
        (None, want) => want.is_none(),
    }
}

/// The statements of a policy, a single one as a list, so equal policies compare equal
/// whatever the version or the form AWS gives them back in.
fn statements(policy: &Value) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(policy: Option<EndpointPolicy>, trusted: &[&str]) -> EndpointArgs {
        EndpointArgs {
            policy,
            trusted_account_ids: Some(trusted.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
    }

    const ACCOUNT: &str = "123456789012";

    #[test]
    fn the_default_admits_only_this_accounts_principals() {
        let p = wanted(
            &args(None, &[]),
            "kms",
            false,
            true,
            ACCOUNT,
            "aws",
            "eu-west-1",
        );
        let list = statements(&p.unwrap_or_default());
        let [s] = list.as_slice() else {
            panic!("one statement: {list:?}");
        };
        assert_eq!(s["Principal"], "*");
        assert_eq!(
            s["Condition"],
            json!({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})
        );
    }

    #[test]
    fn trusted_accounts_join_the_condition_and_the_s3_gateway_reads_ecr_layers() {
        let a = args(Some(EndpointPolicy::Account), &["210987654321"]);
        let p = wanted(&a, "s3", true, true, ACCOUNT, "aws-cn", "cn-north-1");
        let list = statements(&p.unwrap_or_default());
        assert_eq!(
            list[0]["Condition"]["StringEquals"]["aws:PrincipalAccount"],
            json!([ACCOUNT, "210987654321"])
        );
        assert_eq!(list[1]["Action"], "s3:GetObject");
        assert_eq!(
            list[1]["Resource"],
            "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"
        );
        // An s3 interface endpoint is not what ECR's layer URLs go through by route.
        let i = wanted(&a, "s3", false, true, ACCOUNT, "aws", "eu-west-1");
        assert_eq!(statements(&i.unwrap_or_default()).len(), 1);
    }

    #[test]
    fn no_policy_for_aws_default_or_a_service_that_takes_none() {
        let d = args(Some(EndpointPolicy::AwsDefault), &[]);
        assert_eq!(
            wanted(&d, "kms", false, true, ACCOUNT, "aws", "eu-west-1"),
            None
        );
        assert_eq!(
            wanted(
                &args(None, &[]),
                "x",
                false,
                false,
                ACCOUNT,
                "aws",
                "eu-west-1"
            ),
            None
        );
    }

    #[test]
    fn holds_compares_statements_not_versions_or_form() {
        let want = wanted(
            &args(None, &[]),
            "kms",
            false,
            true,
            ACCOUNT,
            "aws",
            "eu-west-1",
        );
        let have = want.as_ref().map(Value::to_string);
        assert!(holds(have.as_deref(), want.as_ref()));
        let open = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#;
        assert!(!holds(Some(open), want.as_ref()));
        assert!(holds(Some(open), None));
        assert!(!holds(have.as_deref(), None));
        assert!(holds(None, None));
        assert!(!holds(None, want.as_ref()));
        assert!(!holds(Some("not json"), want.as_ref()));
    }
}
