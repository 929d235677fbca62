//! The VPC's security groups: its default group closed, and the application group (no
//! rule at all) that the platform's tasks carry and data stores let in.

use aws_sdk_ec2::types::ResourceType;

use super::inventory::{Inventory, filter};
use super::network::Job;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result};

/// The application group's part: a security group with no rule at all, for the platform's
/// application tasks to carry, so that data stores can let them in by a group that exists
/// before (and without depending on) the services that carry it.
pub const APP_GROUP: &str = "sg/app";

/// Removes every rule of a security group, read by its id (a filtered read may not list a
/// group made a moment ago, and "listed nothing" must never pass for "nothing to remove").
async fn empty_group(job: &Job<'_>, id: &str) -> Result<()> {
    let what = format!("security group {id}");
    let found = job
        .ec2(&what, || async {
            job.cx
                .ec2()
                .describe_security_groups()
                .group_ids(id)
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))
        })
        .await?;
    let g = found
        .security_groups()
        .first()
        .ok_or_else(|| Error::Vanished {
            what: what.clone(),
            when: "was not found when its rules were removed",
        })?;
    if !g.ip_permissions().is_empty() {
        job.ec2(&what, || async {
            job.cx
                .ec2()
                .revoke_security_group_ingress()
                .group_id(id)
                .set_ip_permissions(Some(g.ip_permissions().to_vec()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:RevokeSecurityGroupIngress", e))
        })
        .await?;
    }
    if !g.ip_permissions_egress().is_empty() {
        job.ec2(&what, || async {
            job.cx
                .ec2()
                .revoke_security_group_egress()
                .group_id(id)
                .set_ip_permissions(Some(g.ip_permissions_egress().to_vec()))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:RevokeSecurityGroupEgress", e))
        })
        .await?;
    }
    Ok(())
}

/// The id of the VPC's default security group. AWS makes it with the VPC, so it exists; a
/// filtered read may not list it for a while after the VPC is made, which is waited out
/// (`wait::UNSEEN_GRACE`) rather than taken for "no default group to close".
async fn default_group(job: &Job<'_>) -> Result<String> {
    let what = format!(
        "the default security group of VPC {} to be listed",
        job.vpc_id
    );
    wait::until(job.ctx, &what, Backoff::default(), || async {
        let found = job
            .cx
            .ec2()
            .describe_security_groups()
            .filters(filter("vpc-id", &job.vpc_id))
            .filters(filter("group-name", "default"))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))?;
        Ok(
            match found.security_groups().first().and_then(|g| g.group_id()) {
                Some(id) => Poll::Ready(id.to_string()),
                None => Poll::Unseen(Error::Vanished {
                    what: format!("the default security group of VPC {}", job.vpc_id),
                    when: "is still not listed by EC2, so it could not be closed",
                }),
            },
        )
    })
    .await
}

/// Removes every rule of the VPC's default security group (vpc-default-security-group-closed).
pub async fn close_default_group(job: &Job<'_>) -> Result<()> {
    let id = default_group(job).await?;
    empty_group(job, &id).await
}

/// The application group, made if missing, with no rule (the egress rule AWS gives a new
/// group removed, so that carrying it opens nothing).
pub async fn ensure_app_group(job: &Job<'_>, inv: &Inventory) -> Result<String> {
    let id = match inv.group(APP_GROUP) {
        Some(g) if g.ingress + g.egress == 0 => return Ok(g.id.clone()),
        Some(g) => g.id.clone(),
        None => {
            let id = job
                .ec2("the application security group", || async {
                    job.cx
                        .ec2()
                        .create_security_group()
                        .group_name(format!("{}-app", job.vpc_id))
                        .description(
                            "Application tasks: data stores allow this group in; it opens \
                             nothing itself",
                        )
                        .vpc_id(&job.vpc_id)
                        .tag_specifications(job.spec(ResourceType::SecurityGroup, APP_GROUP, &[]))
                        .send()
                        .await
                        .map_err(|e| Error::aws("ec2:CreateSecurityGroup", e))
                })
                .await?
                .group_id()
                .unwrap_or_default()
                .to_string();
            job.record(&id);
            id
        }
    };
    empty_group(job, &id).await?;
    Ok(id)
}
