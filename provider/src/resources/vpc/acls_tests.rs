use super::*;

/// Whether the ACL's rules, evaluated in number order as AWS does, let `port` of
/// `protocol` in from anywhere.
fn admits(rules: &[Entry], protocol: &str, port: i32) -> bool {
    let mut ingress: Vec<&Entry> = rules
        .iter()
        .filter(|e| !e.egress && e.cidr == ANYWHERE)
        .filter(|e| e.protocol == protocol || e.protocol == ALL)
        .filter(|e| e.ports.is_none_or(|(from, to)| (from..=to).contains(&port)))
        .collect();
    ingress.sort_by_key(|e| e.number);
    ingress.first().is_some_and(|e| e.allow)
}

#[test]
fn no_tier_opens_every_port_ssh_or_rdp_from_anywhere() {
    for tier in Tier::ALL {
        let rules = wanted(tier, "10.0.0.0/16");
        for e in rules.iter().filter(|e| !e.egress && e.cidr == ANYWHERE) {
            assert_ne!(e.protocol, ALL, "{tier:?}: {e:?}");
        }
        for protocol in [TCP, UDP] {
            for port in [22, RDP] {
                assert!(
                    !admits(&rules, protocol, port),
                    "{tier:?} {protocol} {port}"
                );
            }
        }
    }
    // The public tier still takes answers on the rest of the NAT gateways' range.
    let public = wanted(Tier::Public, "10.0.0.0/16");
    for port in [1024, RDP - 1, RDP + 1, 65535] {
        assert!(
            admits(&public, TCP, port) && admits(&public, UDP, port),
            "{port}"
        );
    }
}

#[test]
fn the_isolated_tier_speaks_only_to_the_vpc() {
    let rules = wanted(Tier::Isolated, "10.0.0.0/16");
    assert_eq!(rules.len(), 2);
    assert!(rules.iter().all(|e| e.cidr == "10.0.0.0/16" && e.allow));
}

#[test]
fn drift_names_the_tier_the_subnet_and_the_open_default() {
    let tiers = BTreeMap::from([(Tier::Isolated, vec!["subnet-1".to_string()])]);
    let mut acl = AclView {
        id: "acl-1".into(),
        part: Some(part(Tier::Isolated)),
        entries: wanted(Tier::Isolated, "10.0.0.0/16"),
        associations: BTreeMap::from([("subnet-1".into(), "aclassoc-1".into())]),
        ..Default::default()
    };
    let default = AclView {
        id: "acl-0".into(),
        default: true,
        entries: vec![rule(false, 100, ALL, ANYWHERE)],
        ..Default::default()
    };
    assert_eq!(
        drift(&[acl.clone()], "10.0.0.0/16", &tiers),
        Vec::<String>::new()
    );
    assert_eq!(
        drift(&[acl.clone(), default], "10.0.0.0/16", &tiers),
        ["the default network ACL allows traffic"]
    );
    acl.entries.push(rule(false, 90, ALL, ANYWHERE));
    acl.associations.clear();
    assert_eq!(
        drift(&[acl], "10.0.0.0/16", &tiers),
        [
            "the network ACL of the isolated subnets has other rules",
            "subnet subnet-1 is not on the isolated network ACL"
        ]
    );
    assert_eq!(
        drift(&[], "10.0.0.0/16", &tiers),
        ["the isolated subnets have no network ACL of their own"]
    );
}
