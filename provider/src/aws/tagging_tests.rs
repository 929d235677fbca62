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

fn waited<T: Tagging>(e: &Error) -> bool {
    T::LAGS.iter().any(|l| l.matches(e))
}

#[test]
fn each_services_tag_calls_wait_out_its_answer_for_an_object_just_made() {
    assert!(waited::<aws_sdk_kms::Client>(&aws(
        "NotFoundException",
        "Key 'arn:aws:kms:eu-west-1:1:key/x' does not exist"
    )));
    assert!(waited::<aws_sdk_secretsmanager::Client>(&aws(
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret."
    )));
    assert!(waited::<aws_sdk_rds::Client>(&aws(
        "DBInstanceNotFound",
        "DBInstance db-1 not found."
    )));
    assert!(waited::<aws_sdk_elasticache::Client>(&aws(
        "ReplicationGroupNotFoundFault",
        "ReplicationGroup not found: events"
    )));
    assert!(waited::<aws_sdk_ecs::Client>(&aws(
        "ResourceNotFoundException",
        "The specified resource could not be found."
    )));
    assert!(waited::<aws_sdk_ecs::Client>(&aws(
        "ClusterNotFoundException",
        "Cluster not found."
    )));
    assert!(waited::<aws_sdk_ecs::Client>(&aws(
        "ClientException",
        "Unable to describe task definition."
    )));
}

#[test]
fn elasticache_tag_changes_wait_for_a_group_in_a_transitional_state() {
    assert!(waited::<aws_sdk_elasticache::Client>(&aws(
        "InvalidReplicationGroupState",
        "Replication group events is not in available state."
    )));
}

#[test]
fn a_key_pending_deletion_is_not_waited_for() {
    assert!(!waited::<aws_sdk_kms::Client>(&aws(
        "KMSInvalidStateException",
        "arn:aws:kms:eu-west-1:1:key/x is pending deletion."
    )));
}

#[test]
fn faults_that_never_pass_are_not_waited_for() {
    assert!(!waited::<aws_sdk_rds::Client>(&aws(
        "InvalidParameterValue",
        "Tag keys may not start with aws:"
    )));
    assert!(!waited::<aws_sdk_ecs::Client>(&aws(
        "InvalidParameterException",
        "Tag keys may not start with aws:"
    )));
}
