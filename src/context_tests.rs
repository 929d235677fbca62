use super::*;
use crate::value::{PropertyMap, Value};

fn held(state: PropertyMap) -> Ctx {
    Ctx::new("urn:me", CancellationToken::new(), Default::default()).holding(&state)
}

#[test]
fn the_saved_state_holds_its_names_ids_and_arns_and_nothing_else() {
    let ctx = held(PropertyMap::from([
        ("securityGroupId".into(), Value::String("sg-0abc".into())),
        (
            "roles".into(),
            Value::Array(vec![Value::String(
                "arn:aws:iam::123456789012:role/clin-api-task".into(),
            )]),
        ),
        (
            "logs".into(),
            Value::Object(PropertyMap::from([(
                "group".into(),
                Value::String(
                    "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/clin/api:*".into(),
                ),
            )])),
        ),
        (
            "token".into(),
            Value::Secret(Box::new(Value::String("hunter2".into()))),
        ),
    ]));
    assert!(ctx.holds("sg-0abc"));
    assert!(ctx.holds("clin-api-task"), "a role's name, from its ARN");
    assert!(
        ctx.holds("/ecs/clin/api"),
        "a log group's name, from its ARN"
    );
    assert!(
        !ctx.holds("clin-worker-task"),
        "a part the state does not record"
    );
    assert!(!ctx.holds("api-task"), "only a whole last part of an ARN");
    assert!(!ctx.holds("hunter2"), "secrets are not held");
    assert!(!ctx.holds(""));
}

#[test]
fn a_new_context_holds_nothing() {
    let ctx = Ctx::new("urn:me", CancellationToken::new(), Default::default());
    assert!(!ctx.holds("sg-0abc"));
}
