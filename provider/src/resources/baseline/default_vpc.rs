//! The Region's default VPC, which AWS makes in every Region of an account with public
//! subnets, an open network ACL and a default security group that lets its members reach
//! each other and everything out. Nothing of the platform is in it; the baseline locks it
//! down: flow logs of all its traffic to the trail bucket, its default security group
//! emptied, no inbound allow left on its default network ACL, and no public IP given by
//! default in its subnets. A delete puts back what AWS makes (and removes the flow logs).

use aws_sdk_ec2::types::{
    FlowLogsResourceType, IpPermission, IpRange, Ipv6Range, LogDestinationType, NetworkAclEntry,
    ResourceType, RuleAction, Tag, TagSpecification, TrafficType, UserIdGroupPair,
};
use pulumi_provider::Ctx;
use std::collections::BTreeMap;

use crate::aws::AwsContext;
use crate::aws::lag::{NEW_BUCKET, settle};
use crate::aws::token;
use crate::aws::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};
use crate::resources::vpc::flowlogs;
use crate::resources::vpc::inventory::filter;
use aws_sdk_ec2::error::ProvideErrorMetadata;

/// The rule number AWS gives the default network ACL's allow-all entries (IPv4; IPv6 is 101).
const ALLOW_ALL_V4: i32 = 100;
const ALLOW_ALL_V6: i32 = 101;
/// The catch-all deny entries every network ACL ends with, which cannot be changed.
const CATCH_ALL: [i32; 2] = [32767, 32768];
const ANYWHERE_V4: &str = "0.0.0.0/0";
const ANYWHERE_V6: &str = "::/0";

/// The Region's default VPC as EC2 reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DefaultVpc {
    pub id: String,
    /// The VPC has an IPv6 CIDR block (AWS's default entries then cover `::/0` too).
    pub ipv6: bool,
    /// The default security group: its id, inbound and outbound rules.
    pub group: Option<(String, Vec<IpPermission>, Vec<IpPermission>)>,
    /// The default network ACL: its id and entries.
    pub acl: Option<(String, Vec<NetworkAclEntry>)>,
    /// Each subnet: its id, whether it gives a public IP by default, whether AWS made it.
    pub subnets: Vec<(String, bool, bool)>,
    /// Each flow log of the VPC: its id and where it delivers.
    pub flow_logs: Vec<(String, String)>,
    /// Network interfaces in the VPC: anything running in it.
    pub interfaces: usize,
}

/// The Region's default VPC, or `None` when the Region has none (deleted by its owner).
pub async fn find(cx: &AwsContext) -> Result<Option<DefaultVpc>> {
    let ec2 = cx.ec2();
    let vpcs = ec2
        .describe_vpcs()
        .filters(filter("is-default", "true"))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeVpcs", e))?;
    let Some(vpc) = vpcs.vpcs().first() else {
        return Ok(None);
    };
    let id = vpc.vpc_id().unwrap_or_default().to_string();
    let (groups, acls, subnets, flow_logs, interfaces) = futures::join!(
        ec2.describe_security_groups()
            .filters(filter("vpc-id", &id))
            .filters(filter("group-name", "default"))
            .send(),
        ec2.describe_network_acls()
            .filters(filter("vpc-id", &id))
            .filters(filter("default", "true"))
            .send(),
        ec2.describe_subnets().filters(filter("vpc-id", &id)).send(),
        ec2.describe_flow_logs()
            .filter(filter("resource-id", &id))
            .send(),
        ec2.describe_network_interfaces()
            .filters(filter("vpc-id", &id))
            .send(),
    );
    let groups = groups.map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))?;
    let acls = acls.map_err(|e| Error::aws("ec2:DescribeNetworkAcls", e))?;
    let subnets = subnets.map_err(|e| Error::aws("ec2:DescribeSubnets", e))?;
    let flow_logs = flow_logs.map_err(|e| Error::aws("ec2:DescribeFlowLogs", e))?;
    let interfaces = interfaces.map_err(|e| Error::aws("ec2:DescribeNetworkInterfaces", e))?;
    Ok(Some(DefaultVpc {
        ipv6: !vpc.ipv6_cidr_block_association_set().is_empty(),
        group: groups.security_groups().first().map(|g| {
            (
                g.group_id().unwrap_or_default().to_string(),
                g.ip_permissions().to_vec(),
                g.ip_permissions_egress().to_vec(),
            )
        }),
        acl: acls.network_acls().first().map(|a| {
            (
                a.network_acl_id().unwrap_or_default().to_string(),
                a.entries().to_vec(),
            )
        }),
        subnets: subnets
            .subnets()
            .iter()
            .map(|s| {
                (
                    s.subnet_id().unwrap_or_default().to_string(),
                    s.map_public_ip_on_launch().unwrap_or(false),
                    s.default_for_az().unwrap_or(false),
                )
            })
            .collect(),
        flow_logs: flow_logs
            .flow_logs()
            .iter()
            .map(|f| {
                (
                    f.flow_log_id().unwrap_or_default().to_string(),
                    f.log_destination()
                        .or(f.log_group_name())
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect(),
        interfaces: interfaces.network_interfaces().len(),
        id,
    }))
}

/// An inbound rule AWS makes in a default security group: all traffic from the group itself.
fn from_itself(p: &IpPermission, group: &str) -> bool {
    p.ip_protocol() == Some("-1")
        && p.ip_ranges().is_empty()
        && p.ipv6_ranges().is_empty()
        && p.prefix_list_ids().is_empty()
        && p.user_id_group_pairs()
            .iter()
            .all(|g| g.group_id() == Some(group))
}

/// An outbound rule AWS makes in a default security group: all traffic anywhere.
fn to_anywhere(p: &IpPermission) -> bool {
    p.ip_protocol() == Some("-1")
        && p.user_id_group_pairs().is_empty()
        && p.prefix_list_ids().is_empty()
        && p.ip_ranges()
            .iter()
            .all(|r| r.cidr_ip() == Some(ANYWHERE_V4))
        && p.ipv6_ranges()
            .iter()
            .all(|r| r.cidr_ipv6() == Some(ANYWHERE_V6))
}

/// An entry AWS makes in a default network ACL: allow all, or the catch-all deny.
fn made_by_aws(e: &NetworkAclEntry) -> bool {
    let number = e.rule_number().unwrap_or_default();
    let anywhere = e.cidr_block() == Some(ANYWHERE_V4) || e.ipv6_cidr_block() == Some(ANYWHERE_V6);
    CATCH_ALL.contains(&number)
        || (anywhere
            && e.protocol() == Some("-1")
            && e.rule_action() == Some(&RuleAction::Allow)
            && matches!(number, ALLOW_ALL_V4 | ALLOW_ALL_V6))
}

/// An inbound entry that lets traffic in.
fn allows_in(e: &NetworkAclEntry) -> bool {
    e.egress() == Some(false) && e.rule_action() == Some(&RuleAction::Allow)
}

impl DefaultVpc {
    /// Nothing runs in the VPC and it holds nothing AWS did not make (rules of AWS's, some
    /// of them already removed, count as AWS's: an interrupted lock-down leaves those).
    pub fn as_aws_made(&self) -> bool {
        let group = self.group.as_ref().is_none_or(|(id, inbound, outbound)| {
            inbound.iter().all(|p| from_itself(p, id)) && outbound.iter().all(to_anywhere)
        });
        let acl = self
            .acl
            .as_ref()
            .is_none_or(|(_, entries)| entries.iter().all(made_by_aws));
        self.interfaces == 0 && group && acl && self.subnets.iter().all(|s| s.2)
    }

    /// Whether the default security group has no rule at all.
    pub fn group_closed(&self) -> bool {
        self.group
            .as_ref()
            .is_none_or(|(_, i, o)| i.is_empty() && o.is_empty())
    }

    /// Whether the default network ACL lets nothing in.
    pub fn acl_closed(&self) -> bool {
        self.acl
            .as_ref()
            .is_none_or(|(_, entries)| !entries.iter().any(allows_in))
    }

    /// The subnets that give a public IP by default.
    pub fn public_subnets(&self) -> Vec<&str> {
        self.subnets
            .iter()
            .filter(|s| s.1)
            .map(|s| s.0.as_str())
            .collect()
    }

    /// Locked down as the baseline does it.
    pub fn locked(&self) -> bool {
        self.group_closed()
            && self.acl_closed()
            && self.public_subnets().is_empty()
            && !self.flow_logs.is_empty()
    }

    /// The VPC in words, for an error asking to take it over.
    pub fn describe(&self) -> String {
        if self.locked() {
            return format!("the default VPC {}, already locked down", self.id);
        }
        let mut why = Vec::new();
        if self.interfaces > 0 {
            why.push(format!(
                "{} network interfaces are in it: something runs there",
                self.interfaces
            ));
        }
        if !self.as_aws_made() && self.interfaces == 0 {
            why.push(
                "its security group, network ACL or subnets were changed since AWS made them"
                    .into(),
            );
        }
        format!(
            "the default VPC {} in this region ({}); locking it down would cut off what uses it",
            self.id,
            why.join("; ")
        )
    }
}

fn tag_spec(tags: &BTreeMap<String, String>) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(ResourceType::VpcFlowLog)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .build()
}

/// Locks the VPC down: flow logs of all its traffic to `bucket_arn` (unless it has flow logs
/// already), no rule in its default security group, no inbound allow on its default
/// network ACL, no public IP by default in its subnets.
pub async fn lock(
    cx: &AwsContext,
    ctx: &Ctx,
    vpc: &DefaultVpc,
    bucket_arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let ec2 = cx.ec2();
    if vpc.locked() {
        return Ok(());
    }
    ctx.status(format!("locking down the default VPC {}", vpc.id))
        .await;
    if vpc.flow_logs.is_empty() {
        // A token for this operation only: the same VPC and bucket are locked down again
        // after a put back deleted the flow log, and AWS answers a token it has seen with
        // what that request made. EC2 keeps one flow log per VPC and destination: its
        // refusal of a second (an earlier attempt's, not listed yet) leaves the VPC logged.
        let token = token::fresh(&[&vpc.id, bucket_arn]);
        settle(
            ctx,
            &format!("flow logs of the default VPC {}", vpc.id),
            &[&NEW_BUCKET],
            || async {
                let made = found(
                    "ec2:CreateFlowLogs",
                    ec2.create_flow_logs()
                        .resource_ids(&vpc.id)
                        .resource_type(FlowLogsResourceType::Vpc)
                        .traffic_type(TrafficType::All)
                        .log_destination_type(LogDestinationType::S3)
                        .log_destination(bucket_arn)
                        .client_token(&token)
                        .tag_specifications(tag_spec(tags))
                        .send()
                        .await,
                    |e| e.code() == Some(flowlogs::ALREADY_EXISTS),
                )?;
                let failure = made
                    .as_ref()
                    .and_then(|m| m.unsuccessful().first())
                    .and_then(|f| f.error())
                    .filter(|e| e.code() != Some(flowlogs::ALREADY_EXISTS));
                match failure {
                    Some(e) => Err(Error::Aws {
                        operation: "ec2:CreateFlowLogs",
                        message: e.message().unwrap_or("no reason given").to_string(),
                        code: "InvalidParameter".into(),
                        throttled: false,
                        denied: false,
                    }),
                    None => Ok(()),
                }
            },
        )
        .await?;
        listed(cx, ctx, &vpc.id, bucket_arn).await?;
    }
    if let Some((id, inbound, outbound)) = &vpc.group {
        if !inbound.is_empty() {
            found(
                "ec2:RevokeSecurityGroupIngress",
                ec2.revoke_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(inbound.clone()))
                    .send()
                    .await,
                |e| e.code() == Some("InvalidPermission.NotFound"),
            )?;
        }
        if !outbound.is_empty() {
            found(
                "ec2:RevokeSecurityGroupEgress",
                ec2.revoke_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(Some(outbound.clone()))
                    .send()
                    .await,
                |e| e.code() == Some("InvalidPermission.NotFound"),
            )?;
        }
    }
    if let Some((id, entries)) = &vpc.acl {
        for e in entries.iter().filter(|e| allows_in(e)) {
            found(
                "ec2:DeleteNetworkAclEntry",
                ec2.delete_network_acl_entry()
                    .network_acl_id(id)
                    .rule_number(e.rule_number().unwrap_or_default())
                    .egress(false)
                    .send()
                    .await,
                |e| e.code() == Some("InvalidNetworkAclEntry.NotFound"),
            )?;
        }
    }
    for subnet in vpc.public_subnets() {
        set_public_ip(cx, subnet, false).await?;
    }
    Ok(())
}

async fn set_public_ip(cx: &AwsContext, subnet: &str, on: bool) -> Result<()> {
    cx.ec2()
        .modify_subnet_attribute()
        .subnet_id(subnet)
        .map_public_ip_on_launch(
            aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(on)
                .build(),
        )
        .send()
        .await
        .map_err(|e| Error::aws("ec2:ModifySubnetAttribute", e))?;
    Ok(())
}

/// Reads the VPC's flow logs until one delivering to `bucket_arn` is listed: DescribeFlowLogs
/// lags a flow log just made, and the state read after the lockdown must see it.
async fn listed(cx: &AwsContext, ctx: &Ctx, vpc_id: &str, bucket_arn: &str) -> Result<()> {
    let what = format!("the flow logs of the default VPC {vpc_id} to be listed");
    wait::until(ctx, &what, Backoff::default(), || async {
        let listed = cx
            .ec2()
            .describe_flow_logs()
            .filter(filter("resource-id", vpc_id))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeFlowLogs", e))?;
        let delivering = listed.flow_logs().iter().any(|f| {
            f.log_destination()
                .is_some_and(|to| to.trim_end_matches('/') == bucket_arn)
        });
        Ok(if delivering {
            Poll::Ready(())
        } else {
            Poll::Unseen(Error::Vanished {
                what: format!("the flow logs of the default VPC {vpc_id}"),
                when: "were made but EC2 still does not list them",
            })
        })
    })
    .await
}

/// Removes the VPC's flow logs delivering to `bucket_arn`.
pub async fn stop_flow_logs(cx: &AwsContext, vpc: &DefaultVpc, bucket_arn: &str) -> Result<()> {
    let ours: Vec<String> = vpc
        .flow_logs
        .iter()
        .filter(|(_, to)| to.trim_end_matches('/') == bucket_arn)
        .map(|(id, _)| id.clone())
        .collect();
    if !ours.is_empty() {
        cx.ec2()
            .delete_flow_logs()
            .set_flow_log_ids(Some(ours))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DeleteFlowLogs", e))?;
    }
    Ok(())
}

/// Puts back what AWS makes in a default VPC and removes the flow logs delivering to
/// `bucket_arn`: the default security group's rules (all traffic from itself in, all out),
/// the default network ACL's allow-all inbound entries, public IPs by default in the
/// subnets AWS made. A Region with no default VPC (deleted since) has nothing to put back.
pub async fn restore(cx: &AwsContext, ctx: &Ctx, bucket_arn: &str) -> Result<()> {
    let Some(vpc) = find(cx).await? else {
        return Ok(());
    };
    let ec2 = cx.ec2();
    ctx.status(format!(
        "putting back the default VPC {} as AWS makes it",
        vpc.id
    ))
    .await;
    stop_flow_logs(cx, &vpc, bucket_arn).await?;
    if let Some((id, inbound, outbound)) = &vpc.group {
        if inbound.is_empty() {
            let itself = IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(id).build())
                .build();
            found(
                "ec2:AuthorizeSecurityGroupIngress",
                ec2.authorize_security_group_ingress()
                    .group_id(id)
                    .ip_permissions(itself)
                    .send()
                    .await,
                |e| e.code() == Some("InvalidPermission.Duplicate"),
            )?;
        }
        if outbound.is_empty() {
            let mut anywhere = IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip(ANYWHERE_V4).build());
            if vpc.ipv6 {
                anywhere =
                    anywhere.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(ANYWHERE_V6).build());
            }
            found(
                "ec2:AuthorizeSecurityGroupEgress",
                ec2.authorize_security_group_egress()
                    .group_id(id)
                    .ip_permissions(anywhere.build())
                    .send()
                    .await,
                |e| e.code() == Some("InvalidPermission.Duplicate"),
            )?;
        }
    }
    if let Some((id, entries)) = &vpc.acl {
        let mut wanted = vec![(ALLOW_ALL_V4, ANYWHERE_V4)];
        if vpc.ipv6 {
            wanted.push((ALLOW_ALL_V6, ANYWHERE_V6));
        }
        for (number, cidr) in wanted {
            let present = entries
                .iter()
                .any(|e| e.egress() == Some(false) && e.rule_number() == Some(number));
            if present {
                continue;
            }
            let entry = ec2
                .create_network_acl_entry()
                .network_acl_id(id)
                .rule_number(number)
                .egress(false)
                .protocol("-1")
                .rule_action(RuleAction::Allow);
            let entry = if cidr == ANYWHERE_V6 {
                entry.ipv6_cidr_block(cidr)
            } else {
                entry.cidr_block(cidr)
            };
            found("ec2:CreateNetworkAclEntry", entry.send().await, |e| {
                e.code() == Some("NetworkAclEntryAlreadyExists")
            })?;
        }
    }
    for (subnet, public, aws_made) in &vpc.subnets {
        if *aws_made && !public {
            set_public_ip(cx, subnet, true).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "default_vpc_tests.rs"]
mod tests;
