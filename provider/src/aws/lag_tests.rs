use super::*;

fn aws(code: &str, message: &str) -> Error {
    Error::Aws {
        operation: "op",
        message: message.into(),
        code: code.into(),
        throttled: false,
        denied: false,
    }
}

fn ctx() -> Ctx {
    Ctx::new(
        "urn",
        pulumi_provider::CancellationToken::new(),
        Default::default(),
    )
}

#[test]
fn a_lag_is_known_by_its_code_and_where_needed_a_word_of_its_message() {
    assert!(NEW_EC2_OBJECT.matches(&aws("InvalidSubnetID.NotFound", "no such subnet")));
    assert!(!NEW_EC2_OBJECT.matches(&aws("InvalidParameterValue", "bad cidr")));
    assert!(NEW_ROLE.matches(&aws("InvalidParameter", "Unable to assume given IAM role")));
    assert!(!NEW_ROLE.matches(&aws("InvalidParameter", "CIDR block is malformed")));
    assert!(NEW_KEY.matches(&aws("NotFoundException", "Key does not exist")));
    assert!(!IN_USE.matches(&Error::Unexpected("DependencyViolation".into())));
    assert!(NEW_EC2_OBJECT_ELSEWHERE.matches(&aws(
        "InvalidSubnet",
        "Some input subnets in :[subnet-1] are invalid."
    )));
    assert!(!NEW_EC2_OBJECT_ELSEWHERE.matches(&aws(
        "InvalidParameterValue",
        "Cannot find version 9.1 for postgres"
    )));
    // The other services' answers for a subnet or group EC2 made a moment ago.
    for (code, message) in [
        (
            "InvalidParameterValue",
            "Invalid security group, groupId= sg-0a1b2c3d, groupName=.",
        ),
        (
            "InvalidSubnet",
            "The subnet ID subnet-0a1b2c3d does not exist.",
        ),
        (
            "InvalidParameterValue",
            "The security group sg-0a1b2c3d does not exist.",
        ),
        (
            "InvalidParameterException",
            "Error retrieving subnet information for [subnet-0a1b2c3d]: The subnet ID \
             'subnet-0a1b2c3d' does not exist",
        ),
    ] {
        assert!(
            NEW_EC2_OBJECT_ELSEWHERE.matches(&aws(code, message)),
            "{code}: {message}"
        );
    }
    assert!(NEW_ROLE.matches(&aws(
        "AccessDeniedException",
        "User is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/x"
    )));
    assert!(!NEW_ROLE.matches(&aws(
        "AccessDeniedException",
        "User arn:aws:sts::1:assumed-role/ci/x is not authorized to perform: ecs:CreateCluster"
    )));
    // A secret's name still held by one deleted a moment ago, but no other refusal.
    assert!(NAME_FREEING.matches(&aws(
        "InvalidRequestException",
        "You can't create this secret because a secret with this name is already scheduled \
         for deletion."
    )));
    assert!(!NAME_FREEING.matches(&aws(
        "InvalidRequestException",
        "A previous rotation isn't complete. That rotation will be reattempted."
    )));
}

#[tokio::test]
async fn a_call_is_retried_through_its_lag_until_it_succeeds() {
    let ctx = ctx();
    let mut calls = 0;
    let r = settle(&ctx, "subnet", &[&NEW_EC2_OBJECT], || {
        calls += 1;
        let n = calls;
        async move {
            if n < 3 {
                Err(aws(
                    "InvalidVpcID.NotFound",
                    "The vpc ID 'vpc-1' does not exist",
                ))
            } else {
                Ok(n)
            }
        }
    })
    .await;
    assert_eq!(r.ok(), Some(3));
}

#[tokio::test]
async fn an_error_that_is_no_lag_fails_at_once() {
    let ctx = ctx();
    let mut calls = 0;
    let r: Result<()> = settle(&ctx, "subnet", &[&NEW_EC2_OBJECT], || {
        calls += 1;
        async { Err(aws("InvalidSubnet.Conflict", "overlaps")) }
    })
    .await;
    assert!(matches!(r, Err(Error::Aws { code, .. }) if code == "InvalidSubnet.Conflict"));
    assert_eq!(calls, 1);
}

#[tokio::test]
async fn a_lag_that_outlasts_its_limit_ends_with_aws_answer() {
    let ctx = ctx();
    let short = Lag {
        limit: Duration::from_millis(300),
        ..NEW_KEY
    };
    let started = std::time::Instant::now();
    let mut calls = 0;
    let r: Result<()> = settle(&ctx, "key", &[&short], || {
        calls += 1;
        async { Err(aws("NotFoundException", "Key does not exist")) }
    })
    .await;
    assert!(matches!(r, Err(Error::Aws { code, .. }) if code == "NotFoundException"));
    assert_eq!(
        calls, 2,
        "one try, one retry after 0.5 s, then past the limit"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_cancel_ends_the_wait_within_a_second() {
    let ctx = ctx();
    let token = ctx.cancellation().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        token.cancel();
    });
    let started = std::time::Instant::now();
    let r: Result<()> = settle(&ctx, "x", &[&IN_USE], || async {
        Err(aws("DependencyViolation", "has dependencies"))
    })
    .await;
    assert!(matches!(
        r,
        Err(Error::Framework(pulumi_provider::Error::Cancelled))
    ));
    assert!(started.elapsed() < Duration::from_secs(1));
}
