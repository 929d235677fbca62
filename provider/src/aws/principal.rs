//! Principals as a resource policy's `aws:PrincipalArn` sees them.

use super::AwsContext;
use crate::error::{Error, Result};

/// The ARN `aws:PrincipalArn` holds for the identity running the provider: for a role
/// session, the role's own ARN (with its path, which the session's ARN leaves out, read from
/// IAM); for an IAM user, a federated user or the root user, the caller's ARN.
pub async fn deployer(cx: &AwsContext) -> Result<String> {
    let arn = cx.caller_arn().await?;
    let Some(role) = session_role(arn) else {
        return Ok(arn.to_string());
    };
    let found = cx
        .iam()
        .get_role()
        .role_name(role)
        .send()
        .await
        .map_err(|e| Error::aws("iam:GetRole", e))?;
    Ok(found
        .role()
        .map(|r| r.arn().to_string())
        .unwrap_or_else(|| arn.to_string()))
}

/// The role name of an `assumed-role` session ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`).
fn session_role(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":assumed-role/")?;
    arn.contains(":sts::").then(|| rest.split('/').next())?
}

/// A principal given as an ARN, or as the name of a role in `account`.
pub fn role_or_arn(partition: &str, account: &str, given: &str) -> String {
    if given.starts_with("arn:") {
        given.to_string()
    } else {
        format!("arn:{partition}:iam::{account}:role/{given}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_session_names_its_role_and_other_callers_none() {
        assert_eq!(
            session_role("arn:aws:sts::123456789012:assumed-role/deploy/pulumi-1"),
            Some("deploy")
        );
        assert_eq!(
            session_role("arn:aws:iam::123456789012:user/ops/alice"),
            None
        );
        assert_eq!(session_role("arn:aws:iam::123456789012:root"), None);
        assert_eq!(
            session_role("arn:aws:sts::123456789012:federated-user/bob"),
            None
        );
    }

    #[test]
    fn names_become_role_arns_of_the_account() {
        assert_eq!(
            role_or_arn("aws-us-gov", "123456789012", "app-exec"),
            "arn:aws-us-gov:iam::123456789012:role/app-exec"
        );
        let arn = "arn:aws:iam::210987654321:role/path/reader";
        assert_eq!(role_or_arn("aws", "123456789012", arn), arn);
    }
}
