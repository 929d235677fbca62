use aws_sdk_ec2::types::{IpPermission, IpRange, NetworkAclEntry, RuleAction, UserIdGroupPair};

use super::DefaultVpc;

const GROUP: &str = "sg-0default";

fn itself() -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .user_id_group_pairs(UserIdGroupPair::builder().group_id(GROUP).build())
        .build()
}

fn anywhere() -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build()
}

fn entry(number: i32, egress: bool, action: RuleAction, cidr: &str) -> NetworkAclEntry {
    NetworkAclEntry::builder()
        .rule_number(number)
        .egress(egress)
        .rule_action(action)
        .protocol("-1")
        .cidr_block(cidr)
        .build()
}

/// A default VPC as AWS makes it: two rules, allow-all entries, three public subnets.
fn as_made() -> DefaultVpc {
    DefaultVpc {
        id: "vpc-0default".into(),
        ipv6: false,
        group: Some((GROUP.into(), vec![itself()], vec![anywhere()])),
        acl: Some((
            "acl-0default".into(),
            vec![
                entry(100, false, RuleAction::Allow, "0.0.0.0/0"),
                entry(32767, false, RuleAction::Deny, "0.0.0.0/0"),
                entry(100, true, RuleAction::Allow, "0.0.0.0/0"),
                entry(32767, true, RuleAction::Deny, "0.0.0.0/0"),
            ],
        )),
        subnets: (0..3)
            .map(|i| (format!("subnet-{i}"), true, true))
            .collect(),
        flow_logs: vec![],
        interfaces: 0,
    }
}

fn locked_down() -> DefaultVpc {
    let mut v = as_made();
    v.group = Some((GROUP.into(), vec![], vec![]));
    if let Some((_, entries)) = &mut v.acl {
        entries.retain(|e| !(e.egress() == Some(false) && e.rule_number() == Some(100)));
    }
    for s in &mut v.subnets {
        s.1 = false;
    }
    v.flow_logs = vec![("fl-1".into(), "arn:aws:s3:::trail".into())];
    v
}

#[test]
fn a_default_vpc_as_aws_makes_it_is_neither_changed_nor_locked() {
    let v = as_made();
    assert!(v.as_aws_made());
    assert!(!v.locked() && !v.group_closed() && !v.acl_closed());
    assert_eq!(v.public_subnets().len(), 3);
}

#[test]
fn a_half_done_lock_down_still_counts_as_made_by_aws() {
    let mut v = as_made();
    v.group = Some((GROUP.into(), vec![], vec![anywhere()]));
    v.subnets[0].1 = false;
    assert!(v.as_aws_made() && !v.locked());
}

#[test]
fn a_locked_down_vpc_is_locked_and_says_so() {
    let v = locked_down();
    assert!(v.locked() && v.as_aws_made());
    assert!(
        v.describe().contains("already locked down"),
        "{}",
        v.describe()
    );
    let mut no_flow_logs = v.clone();
    no_flow_logs.flow_logs.clear();
    assert!(!no_flow_logs.locked());
}

#[test]
fn anything_running_in_it_or_a_change_is_named() {
    let mut used = as_made();
    used.interfaces = 2;
    assert!(!used.as_aws_made());
    assert!(
        used.describe().contains("2 network interfaces"),
        "{}",
        used.describe()
    );

    let mut opened = as_made();
    if let Some((_, inbound, _)) = &mut opened.group {
        inbound.push(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        );
    }
    assert!(!opened.as_aws_made());
    assert!(
        opened.describe().contains("changed since AWS made"),
        "{}",
        opened.describe()
    );

    let mut entry_added = as_made();
    if let Some((_, entries)) = &mut entry_added.acl {
        entries.push(entry(90, false, RuleAction::Deny, "10.0.0.0/8"));
    }
    assert!(!entry_added.as_aws_made());

    let mut own_subnet = as_made();
    own_subnet
        .subnets
        .push(("subnet-mine".into(), false, false));
    assert!(!own_subnet.as_aws_made());
}
