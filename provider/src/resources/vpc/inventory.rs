//! Everything a VPC holds, as EC2 reports it, gathered in one pass. Create, update, read
//! and delete all start from this, so each decides from what is really there.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::collections::BTreeMap;

use aws_sdk_ec2::operation::describe_addresses::DescribeAddressesOutput;
use aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsOutput;
use aws_sdk_ec2::operation::describe_nat_gateways::DescribeNatGatewaysOutput;
use aws_sdk_ec2::operation::describe_network_acls::DescribeNetworkAclsOutput;
use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
use aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput;
use aws_sdk_ec2::operation::describe_vpc_attribute::DescribeVpcAttributeOutput;
use aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, FlowLog, InternetGateway, NatGateway, NatGatewayState,
    RouteState, RouteTable, SecurityGroup, Subnet, Tag, VpcAttributeName, VpcEndpoint,
};

use pulumi_provider::Ctx;

use super::acls::AclView;
use super::layout::Tier;
use crate::aws::AwsContext;
use crate::error::{Error, Result};

/// Names which part of the SecureVpc an EC2 object is (`subnet/private/us-east-1a`).
pub const PART_TAG: &str = "healthcare:part";
/// On objects that have no VPC of their own (Elastic IPs): the VPC they serve.
pub const VPC_TAG: &str = "healthcare:vpc";
/// Set by earlier releases on a VPC whose create had finished; kept out of the user's tags.
/// Whether a VPC of this URN is adopted now depends on whether the create replaces one the
/// engine holds (`Ctx::is_replacing`), not on this tag: a create killed right after it was
/// set still left a VPC the engine never heard of.
pub const COMPLETE_TAG: &str = "healthcare:complete";

pub fn tags_of(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

pub fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

#[derive(Debug, Clone, Default)]
pub struct SubnetView {
    pub id: String,
    pub az: String,
    pub cidr: String,
    pub tier: Option<Tier>,
    pub part: Option<String>,
    pub public_ip_on_launch: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RouteTableView {
    pub id: String,
    pub part: Option<String>,
    pub main: bool,
    /// Destination CIDR to target id (gateway, NAT gateway, ...), active routes only.
    pub routes: BTreeMap<String, String>,
    /// Subnet id to association id.
    pub associations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
pub struct NatView {
    pub id: String,
    pub part: Option<String>,
    pub subnet_id: String,
    pub allocation_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EndpointView {
    pub id: String,
    pub service: String,
    pub part: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    /// The policy document as EC2 answers it.
    pub policy: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub part: Option<String>,
    pub ingress: usize,
    pub egress: usize,
}

#[derive(Debug, Clone, Default)]
pub struct FlowLogView {
    pub id: String,
    pub log_group: String,
    pub traffic: String,
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub vpc_id: String,
    pub cidr: String,
    pub vpc_tags: BTreeMap<String, String>,
    pub dns_support: bool,
    pub dns_hostnames: bool,
    /// The internet gateway: the attached one, else one made for this VPC (tagged with it)
    /// by an attempt that died before attaching it.
    pub igw: Option<String>,
    pub igw_attached: bool,
    pub subnets: Vec<SubnetView>,
    pub route_tables: Vec<RouteTableView>,
    /// NAT gateways not deleted or deleting.
    pub nats: Vec<NatView>,
    /// NAT gateways deleted, deleting or failed, which EC2 lists for about an hour.
    pub gone_nats: Vec<NatView>,
    /// Elastic IPs tagged for this VPC: part to allocation id.
    pub eips: BTreeMap<String, String>,
    pub endpoints: Vec<EndpointView>,
    /// Endpoints deleted or deleting, which EC2 lists for a while.
    pub gone_endpoints: Vec<EndpointView>,
    pub groups: Vec<GroupView>,
    pub flow_logs: Vec<FlowLogView>,
    pub acls: Vec<AclView>,
}

impl Inventory {
    pub fn subnet(&self, part: &str) -> Option<&SubnetView> {
        self.subnets
            .iter()
            .find(|s| s.part.as_deref() == Some(part))
    }

    pub fn route_table(&self, part: &str) -> Option<&RouteTableView> {
        self.route_tables
            .iter()
            .find(|r| r.part.as_deref() == Some(part))
    }

    pub fn nat(&self, part: &str) -> Option<&NatView> {
        self.nats.iter().find(|n| n.part.as_deref() == Some(part))
    }

    pub fn group(&self, part: &str) -> Option<&GroupView> {
        self.groups.iter().find(|g| g.part.as_deref() == Some(part))
    }

    pub fn endpoint(&self, service: &str) -> Option<&EndpointView> {
        self.endpoints.iter().find(|e| e.service == service)
    }

    /// True when `id` is the VPC or one of the parts listed here.
    pub fn lists(&self, id: &str) -> bool {
        self.vpc_id == id
            || self.igw.as_deref() == Some(id)
            || self.subnets.iter().any(|s| s.id == id)
            || self.route_tables.iter().any(|t| t.id == id)
            || self.nats.iter().any(|n| n.id == id)
            || self.eips.values().any(|a| a == id)
            || self.endpoints.iter().any(|e| e.id == id)
            || self.acls.iter().any(|a| a.id == id)
            || self.groups.iter().any(|g| g.id == id)
            || self.flow_logs.iter().any(|f| f.id == id)
    }

    pub fn default_group(&self) -> Option<&GroupView> {
        self.groups.iter().find(|g| g.name == "default")
    }
}

/// The id of a VPC this URN owns that the engine does not hold: made by an earlier attempt
/// of this create whose end the engine never heard. A create that replaces a VPC finds none
/// (the VPC tagged with the URN is the old one).
pub async fn owned_vpc(cx: &AwsContext, ctx: &Ctx) -> Result<Option<String>> {
    if ctx.is_replacing() {
        return Ok(None);
    }
    Ok(urn_vpcs(cx, ctx).await?.into_iter().next())
}

/// Every VPC tagged with this resource's URN.
pub async fn urn_vpcs(cx: &AwsContext, ctx: &Ctx) -> Result<Vec<String>> {
    let found = cx
        .ec2()
        .describe_vpcs()
        .filters(filter(
            &format!("tag:{}", crate::aws::tags::URN_TAG),
            &crate::aws::tags::urn_value(ctx.urn()),
        ))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeVpcs", e))?;
    Ok(found
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(String::from))
        .collect())
}

/// The object of `part` tagged as made for `vpc_id` (`ec2:DescribeInternetGateways` or
/// `ec2:DescribeAddresses` by tags): what a create whose answer was lost may have made.
pub async fn tagged_part(cx: &AwsContext, vpc_id: &str, part: &str) -> Result<Option<String>> {
    let filters = vec![
        filter(&format!("tag:{VPC_TAG}"), vpc_id),
        filter(&format!("tag:{PART_TAG}"), part),
    ];
    if part.starts_with("eip/") {
        let found = cx
            .ec2()
            .describe_addresses()
            .set_filters(Some(filters))
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeAddresses", e))?;
        return Ok(found
            .addresses()
            .iter()
            .find_map(|a| a.allocation_id().map(String::from)));
    }
    let found = cx
        .ec2()
        .describe_internet_gateways()
        .set_filters(Some(filters))
        .send()
        .await
        .map_err(|e| Error::aws("ec2:DescribeInternetGateways", e))?;
    Ok(found
        .internet_gateways()
        .iter()
        .find_map(|g| g.internet_gateway_id().map(String::from)))
}

/// Gathers the VPC's contents; `None` when the VPC does not exist.
pub async fn gather(cx: &AwsContext, vpc_id: &str) -> Result<Option<Inventory>> {
    let vpcs = match cx.ec2().describe_vpcs().vpc_ids(vpc_id).send().await {
        Ok(v) => v,
        Err(e) if e.code() == Some("InvalidVpcID.NotFound") => return Ok(None),
        Err(e) => return Err(Error::aws("ec2:DescribeVpcs", e)),
    };
    let Some(vpc) = vpcs.vpcs().first() else {
        return Ok(None);
    };
    let a = describe_contents(cx, vpc_id).await?;
    let region_prefix = format!("com.amazonaws.{}.", cx.region);
    let on = |v: Option<&AttributeBooleanValue>| v.and_then(|a| a.value()).unwrap_or(false);
    Ok(Some(Inventory {
        vpc_id: vpc_id.to_string(),
        cidr: vpc.cidr_block().unwrap_or_default().to_string(),
        vpc_tags: tags_of(vpc.tags()),
        dns_support: on(a.dns_support.enable_dns_support()),
        dns_hostnames: on(a.dns_hostnames.enable_dns_hostnames()),
        igw: a
            .igws
            .iter()
            .find(|g| !g.attachments().is_empty())
            .or(a.igws.first())
            .and_then(|g| g.internet_gateway_id().map(String::from)),
        igw_attached: a.igws.iter().any(|g| !g.attachments().is_empty()),
        subnets: a.subnets.subnets().iter().map(subnet_view).collect(),
        route_tables: a.tables.route_tables().iter().map(table_view).collect(),
        nats: a
            .nats
            .nat_gateways()
            .iter()
            .filter(|n| !nat_gone(n))
            .map(nat_view)
            .collect(),
        gone_nats: a
            .nats
            .nat_gateways()
            .iter()
            .filter(|n| nat_gone(n))
            .map(nat_view)
            .collect(),
        eips: a
            .eips
            .addresses()
            .iter()
            .filter_map(|a| {
                Some((
                    tags_of(a.tags()).get(PART_TAG)?.clone(),
                    a.allocation_id()?.to_string(),
                ))
            })
            .collect(),
        endpoints: a
            .endpoints
            .vpc_endpoints()
            .iter()
            .filter(|e| !endpoint_gone(e))
            .map(|e| endpoint_view(e, &region_prefix))
            .collect(),
        gone_endpoints: a
            .endpoints
            .vpc_endpoints()
            .iter()
            .filter(|e| endpoint_gone(e))
            .map(|e| endpoint_view(e, &region_prefix))
            .collect(),
        groups: a.groups.security_groups().iter().map(group_view).collect(),
        flow_logs: a.flows.flow_logs().iter().map(flow_log_view).collect(),
        acls: a
            .acls
            .network_acls()
            .iter()
            .map(super::acls::view)
            .collect(),
    }))
}

async fn igws_where(cx: &AwsContext, name: &str, value: &str) -> Result<Vec<InternetGateway>> {
    cx.ec2()
        .describe_internet_gateways()
        .filters(filter(name, value))
        .send()
        .await
        .map(|out| out.internet_gateways().to_vec())
        .map_err(|e| Error::aws("ec2:DescribeInternetGateways", e))
}

/// What EC2 says about everything in a VPC, asked all at once.
struct Contents {
    /// Attached to the VPC, or tagged as made for it.
    igws: Vec<InternetGateway>,
    subnets: DescribeSubnetsOutput,
    tables: DescribeRouteTablesOutput,
    nats: DescribeNatGatewaysOutput,
    eips: DescribeAddressesOutput,
    endpoints: DescribeVpcEndpointsOutput,
    groups: DescribeSecurityGroupsOutput,
    flows: DescribeFlowLogsOutput,
    acls: DescribeNetworkAclsOutput,
    dns_support: DescribeVpcAttributeOutput,
    dns_hostnames: DescribeVpcAttributeOutput,
}

async fn describe_contents(cx: &AwsContext, vpc_id: &str) -> Result<Contents> {
    let by_vpc = || filter("vpc-id", vpc_id);
    let ec2 = &cx.ec2();
    let attribute = |name: VpcAttributeName| async move {
        ec2.describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(name)
            .send()
            .await
            .map_err(|e| Error::aws("ec2:DescribeVpcAttribute", e))
    };
    let (
        igws,
        subnets,
        tables,
        nats,
        eips,
        endpoints,
        groups,
        flows,
        acls,
        dns_support,
        dns_hostnames,
    ) = tokio::try_join!(
        async {
            let by_tag = format!("tag:{VPC_TAG}");
            let (attached, tagged) = tokio::try_join!(
                igws_where(cx, "attachment.vpc-id", vpc_id),
                igws_where(cx, &by_tag, vpc_id),
            )?;
            let mut all = attached;
            all.extend(tagged.into_iter().filter(|g| g.attachments().is_empty()));
            Ok::<_, Error>(all)
        },
        async {
            ec2.describe_subnets()
                .filters(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeSubnets", e))
        },
        async {
            ec2.describe_route_tables()
                .filters(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeRouteTables", e))
        },
        async {
            ec2.describe_nat_gateways()
                .filter(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeNatGateways", e))
        },
        async {
            ec2.describe_addresses()
                .filters(filter(&format!("tag:{VPC_TAG}"), vpc_id))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeAddresses", e))
        },
        async {
            ec2.describe_vpc_endpoints()
                .filters(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeVpcEndpoints", e))
        },
        async {
            ec2.describe_security_groups()
                .filters(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeSecurityGroups", e))
        },
        async {
            ec2.describe_flow_logs()
                .filter(filter("resource-id", vpc_id))
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeFlowLogs", e))
        },
        async {
            ec2.describe_network_acls()
                .filters(by_vpc())
                .send()
                .await
                .map_err(|e| Error::aws("ec2:DescribeNetworkAcls", e))
        },
        attribute(VpcAttributeName::EnableDnsSupport),
        attribute(VpcAttributeName::EnableDnsHostnames),
    )?;
    Ok(Contents {
        igws,
        subnets,
        tables,
        nats,
        eips,
        endpoints,
        groups,
        flows,
        acls,
        dns_support,
        dns_hostnames,
    })
}

fn subnet_view(s: &Subnet) -> SubnetView {
    let tags = tags_of(s.tags());
    SubnetView {
        id: s.subnet_id().unwrap_or_default().to_string(),
        az: s.availability_zone().unwrap_or_default().to_string(),
        cidr: s.cidr_block().unwrap_or_default().to_string(),
        tier: tags
            .get("healthcare:tier")
            .and_then(|t| Tier::ALL.into_iter().find(|x| x.name() == t)),
        part: tags.get(PART_TAG).cloned(),
        public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
    }
}

fn table_view(t: &RouteTable) -> RouteTableView {
    RouteTableView {
        id: t.route_table_id().unwrap_or_default().to_string(),
        part: tags_of(t.tags()).get(PART_TAG).cloned(),
        main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
        routes: t
            .routes()
            .iter()
            .filter(|r| r.state().is_none_or(|s| *s == RouteState::Active))
            .filter_map(|r| {
                let target = r.nat_gateway_id().or(r.gateway_id())?;
                Some((r.destination_cidr_block()?.to_string(), target.to_string()))
            })
            .collect(),
        associations: t
            .associations()
            .iter()
            .filter_map(|a| {
                Some((
                    a.subnet_id()?.to_string(),
                    a.route_table_association_id()?.to_string(),
                ))
            })
            .collect(),
    }
}

fn nat_gone(n: &NatGateway) -> bool {
    matches!(
        n.state(),
        Some(NatGatewayState::Deleted | NatGatewayState::Deleting | NatGatewayState::Failed)
    )
}

fn nat_view(n: &NatGateway) -> NatView {
    NatView {
        id: n.nat_gateway_id().unwrap_or_default().to_string(),
        part: tags_of(n.tags()).get(PART_TAG).cloned(),
        subnet_id: n.subnet_id().unwrap_or_default().to_string(),
        allocation_id: n
            .nat_gateway_addresses()
            .iter()
            .find_map(|a| a.allocation_id().map(String::from)),
    }
}

fn endpoint_gone(e: &VpcEndpoint) -> bool {
    matches!(
        e.state().map(|s| s.as_str()),
        Some("deleted") | Some("deleting")
    )
}

fn endpoint_view(e: &VpcEndpoint, region_prefix: &str) -> EndpointView {
    EndpointView {
        id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
        service: e
            .service_name()
            .unwrap_or_default()
            .trim_start_matches(region_prefix)
            .to_string(),
        part: tags_of(e.tags()).get(PART_TAG).cloned(),
        route_table_ids: e.route_table_ids().to_vec(),
        subnet_ids: e.subnet_ids().to_vec(),
        policy: e.policy_document().map(String::from),
    }
}

fn group_view(g: &SecurityGroup) -> GroupView {
    GroupView {
        id: g.group_id().unwrap_or_default().to_string(),
        name: g.group_name().unwrap_or_default().to_string(),
        part: tags_of(g.tags()).get(PART_TAG).cloned(),
        ingress: g.ip_permissions().len(),
        egress: g.ip_permissions_egress().len(),
    }
}

fn flow_log_view(f: &FlowLog) -> FlowLogView {
    FlowLogView {
        id: f.flow_log_id().unwrap_or_default().to_string(),
        log_group: f.log_group_name().unwrap_or_default().to_string(),
        traffic: f
            .traffic_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        role_arn: f.deliver_logs_permission_arn().map(String::from),
    }
}
