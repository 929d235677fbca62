use super::*;

fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap()
}

#[test]
fn the_default_layout_of_a_slash_16() {
    let vpc = net("10.0.0.0/16");
    assert_eq!(
        default_cidr(vpc, Tier::Private, 20, "us-east-1a").unwrap(),
        net("10.0.0.0/20")
    );
    assert_eq!(
        default_cidr(vpc, Tier::Private, 20, "us-east-1c").unwrap(),
        net("10.0.32.0/20")
    );
    assert_eq!(
        default_cidr(vpc, Tier::Public, 22, "us-east-1a").unwrap(),
        net("10.0.128.0/22")
    );
    assert_eq!(
        default_cidr(vpc, Tier::Isolated, 22, "us-east-1b").unwrap(),
        net("10.0.164.0/22")
    );
}

#[test]
fn tiers_never_overlap_and_stay_inside_the_vpc() {
    let vpc = net("172.16.0.0/18");
    let mut all = Vec::new();
    for tier in Tier::ALL {
        for az in [
            "x-1a", "x-1b", "x-1c", "x-1d", "x-1e", "x-1f", "x-1g", "x-1h",
        ] {
            let c = default_cidr(vpc, tier, tier.default_prefix(18), az).unwrap();
            assert!(vpc.contains(&c));
            assert!(
                all.iter()
                    .all(|o: &Ipv4Net| !o.contains(&c.network()) && !c.contains(&o.network())),
                "{c} overlaps"
            );
            all.push(c);
        }
    }
}

#[test]
fn a_subnet_keeps_its_cidr_whatever_other_azs_exist() {
    let vpc = net("10.0.0.0/16");
    let before = default_cidr(vpc, Tier::Private, 20, "eu-west-1b").unwrap();
    // The answer depends on the AZ alone, so adding eu-west-1a or -1c cannot move it.
    assert_eq!(
        default_cidr(vpc, Tier::Private, 20, "eu-west-1b").unwrap(),
        before
    );
}

#[test]
fn a_prefix_too_short_for_eight_slots_is_refused() {
    let err = default_cidr(net("10.0.0.0/16"), Tier::Public, 19, "us-east-1a").unwrap_err();
    assert!(err.contains("/22 to /28"), "{err}");
}
