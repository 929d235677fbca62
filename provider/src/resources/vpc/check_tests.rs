use super::*;

fn failures_of(a: VpcArgs) -> Vec<String> {
    check(a).1.into_iter().map(|f| f.property).collect()
}

#[test]
fn the_defaults_pass_and_are_filled_in() {
    let (a, f) = check(VpcArgs::default());
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(a.cidr_block.as_deref(), Some("10.0.0.0/16"));
    assert_eq!(a.availability_zone_count, Some(2));
    assert_eq!(a.nat_gateways, Some(NatStrategy::PerAz));
    assert_eq!(a.flow_logs.unwrap().retention_days, Some(365));
}

#[test]
fn each_bad_input_fails_on_its_property() {
    assert_eq!(
        failures_of(VpcArgs {
            cidr_block: Some("10.0.0.0/8".into()),
            ..Default::default()
        }),
        vec!["cidrBlock"]
    );
    assert_eq!(
        failures_of(VpcArgs {
            availability_zone_count: Some(7),
            ..Default::default()
        }),
        vec!["availabilityZoneCount"]
    );
    let no_public = SubnetsArgs {
        public: Some(TierArgs {
            enabled: Some(false),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        failures_of(VpcArgs {
            subnets: Some(no_public),
            ..Default::default()
        }),
        vec!["natGateways"]
    );
    let off = FlowLogArgs {
        enabled: Some(false),
        ..Default::default()
    };
    assert_eq!(
        failures_of(VpcArgs {
            flow_logs: Some(off),
            ..Default::default()
        }),
        vec!["flowLogs.enabled"]
    );
    let short = FlowLogArgs {
        retention_days: Some(30),
        ..Default::default()
    };
    assert_eq!(
        failures_of(VpcArgs {
            flow_logs: Some(short),
            ..Default::default()
        }),
        vec!["flowLogs.retentionDays"]
    );
}

#[test]
fn overlapping_and_outside_cidrs_are_refused() {
    let cidrs = BTreeMap::from([("us-east-1a".to_string(), "10.0.128.0/22".to_string())]);
    let private = TierArgs {
        cidrs: Some(cidrs),
        ..Default::default()
    };
    let a = VpcArgs {
        availability_zones: Some(vec!["us-east-1a".into()]),
        subnets: Some(SubnetsArgs {
            private: Some(private),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(failures_of(a), vec!["subnets.private"]);
    let outside = TierArgs {
        cidrs: Some(BTreeMap::from([(
            "us-east-1a".to_string(),
            "192.168.0.0/24".to_string(),
        )])),
        ..Default::default()
    };
    let a = VpcArgs {
        availability_zones: Some(vec!["us-east-1a".into()]),
        subnets: Some(SubnetsArgs {
            isolated: Some(outside),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(failures_of(a), vec!["subnets.isolated.cidrs.us-east-1a"]);
}

#[test]
fn growing_the_count_keeps_the_chosen_azs_in_place() {
    let offered: Vec<String> = ["us-east-1a", "us-east-1b", "us-east-1c"]
        .map(String::from)
        .to_vec();
    let two = zones(
        &VpcArgs {
            availability_zone_count: Some(2),
            ..Default::default()
        },
        &[],
        &offered,
    );
    assert_eq!(two, ["us-east-1a", "us-east-1b"]);
    let kept = vec!["us-east-1b".to_string(), "us-east-1a".to_string()];
    let three = zones(
        &VpcArgs {
            availability_zone_count: Some(3),
            ..Default::default()
        },
        &kept,
        &offered,
    );
    assert_eq!(three, ["us-east-1b", "us-east-1a", "us-east-1c"]);
}
