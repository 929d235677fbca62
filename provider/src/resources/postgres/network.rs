//! Where the database lives: its DB subnet group (never the default one) and its security
//! group (the port, from the allowed sources, nothing else); and RDS tagging.

use std::collections::BTreeMap;

use pulumi_provider::Ctx;

use super::args::PostgresArgs;
use crate::aws::AwsContext;
use crate::aws::firewall::GroupView;
use crate::aws::lag::{NEW_EC2_OBJECT, NEW_EC2_OBJECT_ELSEWHERE, settle};
use crate::aws::subnet_groups;
pub use crate::aws::subnet_groups::SubnetGroupView;
use crate::aws::{placement, tagging};
use crate::error::Result;

/// The security group's name: one per database, named after it.
pub fn security_group_name(id: &str) -> String {
    format!("{id}-postgres")
}

pub async fn list_tags(cx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>> {
    if arn.is_empty() {
        return Ok(BTreeMap::new());
    }
    tagging::list_rds(cx.rds(), arn).await
}

/// Makes the subnet group (named after the database) hold exactly `a.subnetIds`.
pub async fn ensure_subnet_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    tags: &BTreeMap<String, String>,
) -> Result<SubnetGroupView> {
    let name = a.id();
    let description = format!("Subnets of the HIPAA PostgreSQL {name} (managed by Pulumi)");
    // Subnets made moments ago (by a SecureVpc in the same deployment) may be unknown to
    // RDS yet; the create is refused and nothing is made (NEW_EC2_OBJECT).
    let what = format!("DB subnet group {name}");
    settle(
        ctx,
        &what,
        &[&NEW_EC2_OBJECT, &NEW_EC2_OBJECT_ELSEWHERE],
        || {
            subnet_groups::ensure(
                cx.rds(),
                ctx,
                name,
                &description,
                &a.subnet_ids,
                tags,
                "identifier",
            )
        },
    )
    .await
}

/// The database's security group, created if needed, with its rules and tags converged.
pub async fn ensure_security_group(
    cx: &AwsContext,
    ctx: &Ctx,
    a: &PostgresArgs,
    tags: &BTreeMap<String, String>,
) -> Result<GroupView> {
    let firewall = placement::Firewall {
        vpc_id: &a.vpc_id,
        name: security_group_name(a.id()),
        description: format!(
            "HIPAA PostgreSQL {}: port {} from allowed sources only",
            a.id(),
            a.port()
        ),
        port: a.port(),
        sources: placement::sources(&a.allowed_security_group_ids, &a.allowed_cidr_blocks),
        property: "identifier",
        egress: Default::default(),
    };
    placement::ensure_security_group(cx, ctx, &firewall, tags).await
}
