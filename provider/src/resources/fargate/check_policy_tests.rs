//! What a service's task policy and environment may hold.

use super::*;

#[test]
fn task_policies_are_least_privilege() {
    let statement = |actions: &[&str], resources: &[&str]| {
        let (a, f, _) = run(
            with(ServiceArgs {
                task_policy_statements: Some(vec![PolicyStatement {
                    actions: actions.iter().map(|a| a.to_string()).collect(),
                    resources: resources.iter().map(|r| r.to_string()).collect(),
                }]),
                ..service()
            }),
            None,
        );
        (a, f)
    };
    let (a, f) = statement(
        &["s3:PutObject", "s3:GetObject", "s3:GetObject"],
        &["arn:aws:s3:::b/*"],
    );
    assert!(f.is_empty(), "{f:?}");
    let statements = api(&a).task_policy_statements.clone().expect("statements");
    assert_eq!(statements[0].actions, ["s3:GetObject", "s3:PutObject"]);
    let (_, f) = statement(&[], &["*"]);
    assert_eq!(props(&f), ["services.api.taskPolicyStatements[0].actions"]);
    let (_, f) = statement(&["s3:GetObject"], &[]);
    assert_eq!(
        props(&f),
        ["services.api.taskPolicyStatements[0].resources"]
    );
    for admin in ["*", "*:*", "iam:*", "IAM:*"] {
        let (_, f) = statement(&["s3:GetObject", admin], &["*"]);
        assert_eq!(
            props(&f),
            ["services.api.taskPolicyStatements[0].actions[1]"],
            "{admin}"
        );
        assert!(
            f[0].reason
                .contains("iam-policy-no-statements-with-admin-access")
        );
    }
    // Ways to raise the task's own privileges, and whole services on every resource.
    for (action, resource) in [
        ("iam:PassRole", "*"),
        ("iam:Put*", "arn:aws:iam::123456789012:role/x"),
        ("iam:AttachRolePolicy", "arn:aws:iam::123456789012:role/x"),
        ("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/x"),
        ("iam:*Policy", "arn:aws:iam::123456789012:role/x"),
        ("sts:AssumeRole", "*"),
        ("s3:*", "*"),
        ("kms:*", "*"),
        ("s*:GetObject", "arn:aws:s3:::b/*"),
    ] {
        let (_, f) = statement(&["s3:GetObject", action], &[resource]);
        assert_eq!(
            props(&f),
            ["services.api.taskPolicyStatements[0].actions[1]"],
            "{action} on {resource}"
        );
        assert!(
            f[0].reason
                .contains("iam-policy-no-statements-with-admin-access"),
            "{}",
            f[0].reason
        );
    }
    // What a task may hold: IAM reads, passing a named role, a service on named resources.
    for (action, resource) in [
        ("iam:GetRole", "*"),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/worker"),
        ("sts:AssumeRole", "arn:aws:iam::123456789012:role/reader"),
        ("s3:*", "arn:aws:s3:::b/*"),
        ("s3:Get*", "*"),
    ] {
        let (_, f) = statement(&[action], &[resource]);
        assert!(f.is_empty(), "{action} on {resource}: {f:?}");
    }
    let (_, f) = statement(&["GetObject"], &["*"]);
    assert_eq!(
        props(&f),
        ["services.api.taskPolicyStatements[0].actions[0]"]
    );
}

#[test]
fn an_environment_value_marked_secret_is_refused_and_never_repeated() {
    let mut s = service();
    s.environment = Some(BTreeMap::from([
        ("LOG_LEVEL".into(), "info".into()),
        ("UPSTREAM".into(), "hunter2-token-value".into()),
    ]));
    for marked in [
        "services.api.environment.UPSTREAM",
        "services.api.environment",
        "services",
    ] {
        let mut ctx = CheckCtx::default();
        ctx.mark_secret(marked);
        let (_, f) = check(&mut ctx, with(s.clone()), None);
        let refused: Vec<&CheckFailure> = f
            .iter()
            .filter(|f| f.property.starts_with("services.api.environment"))
            .collect();
        let expected = if marked == "services.api.environment.UPSTREAM" {
            vec!["services.api.environment.UPSTREAM"]
        } else {
            vec![
                "services.api.environment.LOG_LEVEL",
                "services.api.environment.UPSTREAM",
            ]
        };
        assert_eq!(
            refused
                .iter()
                .map(|f| f.property.as_str())
                .collect::<Vec<_>>(),
            expected,
            "{marked}"
        );
        for f in refused {
            assert!(f.reason.contains("services.api.secrets."), "{}", f.reason);
            assert!(!f.reason.contains("hunter2"), "{}", f.reason);
        }
    }
    // Unmarked, the same values pass.
    let (_, f) = check(&mut CheckCtx::default(), with(s), None);
    assert!(
        !f.iter()
            .any(|f| f.property.starts_with("services.api.environment")),
        "{f:?}"
    );
}
