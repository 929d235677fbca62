//! Garbage in: every resource's Check and Diff, called through the gRPC service as the engine
//! calls them, with arbitrary property values (wrong types, nesting, secrets, unknowns,
//! resource references, output values) under the schema's own input names and random ones.
//! None may panic, hang or answer Internal; a refusal names a property.
//!
//! `PROPTEST_CASES` sets how many maps each resource gets (default 256; `make test-garbage`
//! runs many more).

use std::time::Duration;

use proptest::prelude::*;
use pulumi_provider::proto::pulumirpc::{
    CheckRequest, ConstructRequest, DiffRequest, resource_provider_server::ResourceProvider,
};
use pulumi_provider::value::{PropertyMap, Value, to_struct};
use tonic::{Code, Request};

const TOKENS: [&str; 6] = [
    "healthcare:streaming:KinesisPipeline",
    "healthcare:network:SecureVpc",
    "healthcare:cache:EncryptedRedis",
    "healthcare:database:HipaaPostgres",
    "healthcare:compute:FargateCluster",
    "healthcare:index:AccountBaseline",
];

fn input_names(token: &str) -> Vec<String> {
    let schema = crate::provider::server().schema();
    schema["resources"][token]["inputProperties"]
        .as_object()
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            (-1.0e15f64..1.0e15),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            (0u32..70000).prop_map(f64::from),
        ]
        .prop_map(Value::Number),
        prop_oneof![
            "[a-z0-9 ./:*-]{0,24}",
            "10\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}/[0-9]{1,2}",
            "(vpc|subnet|sg|arn:aws:[a-z]{2,6}:us-east-1:123456789012:[a-z]{1,8})-[0-9a-f]{0,8}",
            "\\PC{0,40}",
        ]
        .prop_map(Value::String),
        Just(Value::Unknown),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner.clone(), 0..5)
                .prop_map(Value::Object),
            inner.clone().prop_map(|v| Value::Secret(Box::new(v))),
            (prop::option::of(inner.clone()), any::<bool>()).prop_map(|(value, secret)| {
                Value::Output {
                    value: value.map(Box::new),
                    secret,
                    dependencies: vec![],
                }
            }),
            "[a-z0-9-]{1,12}".prop_map(|id| Value::ResourceRef {
                urn: "urn:pulumi:s::p::aws:ec2/vpc:Vpc::v".into(),
                id: Some(Box::new(Value::String(id))),
                package_version: String::new(),
            }),
        ]
    })
}

/// A property map under the resource's input names (and a few random ones).
fn props(names: Vec<String>) -> impl Strategy<Value = PropertyMap> {
    let known = prop::sample::select(names);
    let key = prop_oneof![4 => known, 1 => "[a-zA-Z]{1,10}"];
    prop::collection::btree_map(key, value(), 0..10)
}

fn urn(token: &str) -> String {
    format!("urn:pulumi:fuzz::healthcare::{token}::subject")
}

/// A refusal must be one the user can act on: never Internal or Unknown, and it names what.
fn acceptable(code: Code, message: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !matches!(code, Code::Internal | Code::Unknown | Code::Unavailable),
        "answered {code:?}: {message}"
    );
    prop_assert!(!message.is_empty(), "an error with no message ({code:?})");
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}

fn check_and_diff(token: &str, news: PropertyMap, olds: PropertyMap) -> Result<(), TestCaseError> {
    let server = std::sync::Arc::new(crate::provider::server());
    let names = input_names(token);
    let rt = runtime();
    let call = async {
        let checked = server
            .check(Request::new(CheckRequest {
                urn: urn(token),
                r#type: token.to_string(),
                name: "subject".into(),
                news: Some(to_struct(&news)),
                olds: Some(to_struct(&olds)),
                random_seed: vec![7; 32],
                ..Default::default()
            }))
            .await;
        let diffed = server
            .diff(Request::new(DiffRequest {
                urn: urn(token),
                r#type: token.to_string(),
                id: "subject-id".into(),
                olds: Some(to_struct(&olds)),
                old_inputs: Some(to_struct(&olds)),
                news: Some(to_struct(&news)),
                ..Default::default()
            }))
            .await;
        (checked, diffed)
    };
    let (checked, diffed) = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), call).await })
        .map_err(|_| TestCaseError::fail(format!("{token}: check or diff hung")))?;
    match checked {
        Ok(answer) => {
            for f in &answer.get_ref().failures {
                prop_assert!(!f.reason.is_empty(), "{token}: a failure with no reason");
                // A failure whose value must not be shown (a secret, an undecodable input)
                // has no property and names it in its reason instead.
                let named = if f.property.is_empty() {
                    names
                        .iter()
                        .chain(news.keys())
                        .any(|n| f.reason.contains(n.as_str()))
                } else {
                    let top = f.property.split(['.', '[']).next().unwrap_or_default();
                    names.iter().any(|n| n == top) || news.contains_key(top)
                };
                prop_assert!(
                    named,
                    "{token}: a check failure that names no input: {:?}: {}",
                    f.property,
                    f.reason
                );
            }
        }
        Err(status) => acceptable(status.code(), status.message())?,
    }
    if let Err(status) = diffed {
        acceptable(status.code(), status.message())?;
    }
    Ok(())
}

const PLATFORM: &str = "healthcare:index:Platform";

/// Construct of a Platform with garbage inputs and no monitor listening: the inputs are
/// refused naming one of them, or, when they pass, the unreachable monitor is the answer;
/// never a panic, a hang or an internal error.
fn construct(inputs: PropertyMap) -> Result<(), TestCaseError> {
    let server = std::sync::Arc::new(crate::provider::server());
    let names = input_names(PLATFORM);
    let call = server.construct(Request::new(ConstructRequest {
        r#type: PLATFORM.into(),
        name: "subject".into(),
        monitor_endpoint: "127.0.0.1:1".into(),
        inputs: Some(to_struct(&inputs)),
        dry_run: true,
        ..Default::default()
    }));
    let answer = runtime()
        .block_on(async { tokio::time::timeout(Duration::from_secs(15), call).await })
        .map_err(|_| TestCaseError::fail("construct hung"))?;
    let status = match answer {
        Ok(_) => {
            return Err(TestCaseError::fail(
                "constructed with no monitor to register with",
            ));
        }
        Err(status) => status,
    };
    if status
        .message()
        .contains("cannot reach the engine's resource monitor")
    {
        return Ok(());
    }
    prop_assert_eq!(status.code(), Code::InvalidArgument, "{}", status.message());
    prop_assert!(
        names
            .iter()
            .chain(inputs.keys())
            .any(|n| status.message().contains(n.as_str())),
        "a refusal that names no input: {}",
        status.message()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn platform_construct_takes_any_garbage(inputs in props(input_names(PLATFORM))) {
        construct(inputs)?;
    }

    #[test]
    fn kinesis_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[0])), olds in props(input_names(TOKENS[0])),
    ) {
        check_and_diff(TOKENS[0], news, olds)?;
    }

    #[test]
    fn vpc_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[1])), olds in props(input_names(TOKENS[1])),
    ) {
        check_and_diff(TOKENS[1], news, olds)?;
    }

    #[test]
    fn redis_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[2])), olds in props(input_names(TOKENS[2])),
    ) {
        check_and_diff(TOKENS[2], news, olds)?;
    }

    #[test]
    fn postgres_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[3])), olds in props(input_names(TOKENS[3])),
    ) {
        check_and_diff(TOKENS[3], news, olds)?;
    }

    #[test]
    fn fargate_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[4])), olds in props(input_names(TOKENS[4])),
    ) {
        check_and_diff(TOKENS[4], news, olds)?;
    }

    #[test]
    fn baseline_check_and_diff_take_any_garbage(
        news in props(input_names(TOKENS[5])), olds in props(input_names(TOKENS[5])),
    ) {
        check_and_diff(TOKENS[5], news, olds)?;
    }
}

#[test]
fn the_fuzzed_tokens_are_every_registered_custom_resource() {
    let schema = crate::provider::server().schema();
    // Components have no Check or Diff: the engine sends their inputs to Construct.
    let mut registered: Vec<&str> = schema["resources"]
        .as_object()
        .map(|r| {
            r.iter()
                .filter(|(_, spec)| spec.get("isComponent").is_none())
                .map(|(token, _)| token.as_str())
                .collect()
        })
        .unwrap_or_default();
    registered.sort_unstable();
    let mut fuzzed = TOKENS.to_vec();
    fuzzed.sort_unstable();
    assert_eq!(fuzzed, registered);
}
