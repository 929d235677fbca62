//! AWS's documented lags: the answers that mean "not yet" rather than "no", and the one way
//! every call gets through them.
//!
//! Real AWS is eventually consistent. An EC2 object just made may answer `*.NotFound` to a
//! call that names it; a new IAM role is refused by the services that check roles until it
//! has propagated; a new KMS key may answer `NotFoundException`; a database, cache or stream
//! in a transitional state refuses a change; a delete meets `DependencyViolation` while
//! dependents drain. Each [`Lag`] names such a condition by AWS's error code (and, where AWS
//! uses that code for other faults too, by a word of its message), with how long it is
//! waited for at most. [`settle`] retries a call through the lags given, with backoff, a
//! progress line on the resource, the operation's timeout and cancellation as bounds.
//! docs/aws-consistency.md lists which calls go through which lag.

use std::future::Future;
use std::time::{Duration, Instant};

use pulumi_provider::Ctx;

use super::wait::Backoff;
use crate::error::{Error, Result};

/// One condition AWS documents as passing.
#[derive(Debug, Clone, Copy)]
pub struct Lag {
    /// What is still settling, for the progress line ("EC2 to know the new object").
    pub waiting_for: &'static str,
    /// The error codes that mean it.
    codes: &'static [&'static str],
    /// When not empty, the message must also hold one of these words (lowercase): for
    /// codes AWS also gives for faults that never pass, such as a malformed parameter.
    hints: &'static [&'static str],
    /// The longest this condition is waited for; the operation's timeout bounds it too.
    pub limit: Duration,
}

impl Lag {
    /// The same condition, waited for at most `limit`.
    pub const fn for_at_most(self, limit: Duration) -> Lag {
        Lag { limit, ..self }
    }

    /// True when `code` is one of this condition's codes (whatever the message).
    pub fn matches_code(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }

    /// True when `e` is this condition.
    pub fn matches(&self, e: &Error) -> bool {
        match e {
            Error::Aws { code, message, .. } if self.codes.contains(&code.as_str()) => {
                let message = message.to_lowercase();
                self.hints.is_empty() || self.hints.iter().any(|h| message.contains(h))
            }
            _ => false,
        }
    }
}

/// EC2's "Eventual consistency" page: an object just made may be unknown, by id, to the
/// next call that names it (a describe, a tag, an attach, a route, another create).
pub const NEW_EC2_OBJECT: Lag = Lag {
    waiting_for: "EC2 to know an object just made",
    codes: &[
        "InvalidVpcID.NotFound",
        "InvalidSubnetID.NotFound",
        "InvalidGroup.NotFound",
        "InvalidGroupId.NotFound",
        "InvalidRouteTableID.NotFound",
        "InvalidRouteTableId.NotFound",
        "InvalidInternetGatewayID.NotFound",
        "NatGatewayNotFound",
        "InvalidNatGatewayID.NotFound",
        "InvalidAllocationID.NotFound",
        "InvalidVpcEndpointId.NotFound",
        "InvalidFlowLogId.NotFound",
        "InvalidNetworkAclID.NotFound",
        "InvalidNetworkInterfaceID.NotFound",
        "InvalidAssociationID.NotFound",
    ],
    hints: &[],
    limit: Duration::from_secs(120),
};

/// S3's bucket configuration calls may not know a bucket made a moment ago.
pub const NEW_BUCKET: Lag = Lag {
    waiting_for: "S3 to know a bucket just made",
    codes: &["NoSuchBucket"],
    hints: &[],
    limit: Duration::from_secs(120),
};

/// CloudTrail and AWS Config check, when a trail or delivery channel is set, that the
/// bucket policy, key policy and role they are given let them deliver; a policy or role put
/// in place a moment ago may not be seen yet.
pub const NEW_GRANTS: Lag = Lag {
    waiting_for: "a service to see a policy or role just put in place",
    codes: &[
        "InsufficientS3BucketPolicyException",
        "InsufficientEncryptionPolicyException",
        "InvalidCloudWatchLogsRoleArnException",
        "InvalidCloudWatchLogsLogGroupArnException",
        "CloudWatchLogsDeliveryUnavailableException",
        "InsufficientDeliveryPolicyException",
        "NoSuchBucketException",
        "S3BucketDoesNotExistException",
        "KmsKeyNotFoundException",
        "InvalidRoleException",
    ],
    hints: &[],
    limit: Duration::from_secs(120),
};

/// Any other service's read or write naming an object this provider made a moment ago (a
/// secret, a log group, a database, cache, subnet or parameter group, a stream, a service,
/// a scalable target, a tagged ARN): the service may answer its not-found code until it
/// knows the object. Given only for objects just made, since for anything else the same
/// code means gone.
pub const NEW_NAMED: Lag = Lag {
    waiting_for: "AWS to know an object just made",
    codes: &[
        "ResourceNotFoundException",
        "ResourceNotFoundFault",
        "NotFoundException",
        "ObjectNotFoundException",
        "DBInstanceNotFound",
        "DBInstanceNotFoundFault",
        "DBClusterNotFoundFault",
        "DBClusterNotFound",
        "DBSubnetGroupNotFoundFault",
        "DBSubnetGroupNotFound",
        "DBParameterGroupNotFound",
        "DBParameterGroupNotFoundFault",
        "DBClusterParameterGroupNotFound",
        "DBClusterParameterGroupNotFoundFault",
        "ReplicationGroupNotFoundFault",
        "CacheClusterNotFound",
        "CacheClusterNotFoundFault",
        "CacheSubnetGroupNotFoundFault",
        "ClusterNotFoundException",
        "ServiceNotFoundException",
        "NoSuchEntity",
        "NoSuchEntityException",
        "TrailNotFoundException",
    ],
    hints: &[],
    limit: Duration::from_secs(60),
};

/// SNS and Security Hub, right after their own create or enable: SNS may answer `NotFound`
/// for a topic just made, and Security Hub `InvalidAccessException` ("not subscribed") for a
/// hub just enabled; RDS, given a topic SNS made a moment ago for an event subscription,
/// `SNSTopicArnNotFound` or `SNSInvalidTopic`. Given only right after the provider's own create.
pub const NEW_SUBSCRIPTION: Lag = Lag {
    waiting_for: "AWS to know a topic or hub just made",
    codes: &[
        "NotFound",
        "NotFoundException",
        "InvalidAccessException",
        "SNSTopicArnNotFound",
        "SNSInvalidTopic",
    ],
    hints: &[],
    limit: Duration::from_secs(60),
};

/// Services that answer "not yet" for an object just made with a generic code and words:
/// ECS DescribeTaskDefinition (`ClientException` "Unable to describe task definition") for a
/// revision just registered, Application Auto Scaling (`ValidationException` "ECS service
/// doesn't exist") for a service just made.
pub const NEW_NAMED_IN_WORDS: Lag = Lag {
    waiting_for: "AWS to know an object just made",
    codes: &[
        "ClientException",
        "ValidationException",
        "InvalidParameterException",
        "InvalidParameterValue",
    ],
    hints: &[
        "doesn't exist",
        "does not exist",
        "unable to describe",
        "not found",
    ],
    limit: Duration::from_secs(60),
};

/// RDS, ElastiCache and ECS objects that other objects name (parameter and subnet groups,
/// clusters): one made a moment ago may be unknown to the next call that names it.
pub const NEW_OBJECT: Lag = Lag {
    waiting_for: "AWS to know an object just made",
    codes: &[
        "DBParameterGroupNotFound",
        "DBParameterGroupNotFoundFault",
        "DBClusterParameterGroupNotFound",
        "DBClusterParameterGroupNotFoundFault",
        "DBSubnetGroupNotFoundFault",
        "DBSubnetGroupNotFound",
        "CacheSubnetGroupNotFoundFault",
        "CacheParameterGroupNotFound",
        "CacheParameterGroupNotFoundFault",
        "ClusterNotFoundException",
    ],
    hints: &[],
    limit: Duration::from_secs(120),
};

/// Another service (RDS, ElastiCache, ECS) given a subnet or security group made a moment
/// ago that EC2 does not show it yet: each says so in its own words.
pub const NEW_EC2_OBJECT_ELSEWHERE: Lag = Lag {
    waiting_for: "a service to see a subnet or security group just made",
    codes: &[
        "InvalidSubnet",
        "InvalidSubnetID.NotFound",
        "InvalidGroup.NotFound",
        "InvalidVPCNetworkStateFault",
        "InvalidParameterValue",
        "InvalidParameterException",
        "InvalidParameterCombination",
    ],
    hints: &[
        "does not exist",
        "not found",
        "are invalid",
        "invalid subnet",
        "invalid security group",
    ],
    limit: Duration::from_secs(120),
};

/// IAM's "Changes that I make are not always immediately visible": a new role, or a new
/// policy on a role, reaches the services that check it (EC2 flow logs, KMS and Secrets
/// Manager key and resource policies, RDS Enhanced Monitoring, ECS, Application Auto
/// Scaling) seconds later; until then they refuse it as invalid.
pub const NEW_ROLE: Lag = Lag {
    waiting_for: "IAM to propagate a role just made",
    codes: &[
        "InvalidParameter",
        "InvalidParameterValue",
        // Lambda: "The role defined for the function cannot be assumed by Lambda."
        "InvalidParameterValueException",
        "InvalidParameterException",
        "InvalidParameterCombination",
        "MalformedPolicyDocumentException",
        "MalformedPolicyDocument",
        // S3's bucket policies: "Invalid principal in policy".
        "MalformedPolicy",
        "ClientException",
        "ValidationException",
        // ECS checks the caller may pass a task's roles; a new role is refused as not passable.
        "AccessDeniedException",
        "AccessDenied",
    ],
    hints: &[
        "unable to assume",
        "invalid principal",
        "role arn",
        "iam:passrole",
        "role is not valid",
        "cannot be assumed",
        "could not be assumed",
    ],
    limit: Duration::from_secs(120),
};

/// IAM itself: a role just made may be unknown for a moment to the next IAM call on it.
pub const NEW_IAM_ENTITY: Lag = Lag {
    waiting_for: "IAM to know a role just made",
    codes: &["NoSuchEntity", "NoSuchEntityException"],
    hints: &[],
    limit: Duration::from_secs(60),
};

/// KMS's eventual consistency: a key just made may answer `NotFoundException` to the next
/// call that names it, and services given it may not find it yet.
pub const NEW_KEY: Lag = Lag {
    waiting_for: "KMS to know a key just made",
    codes: &[
        "NotFoundException",
        "KMSNotFoundException",
        "KMSInvalidStateException",
        "KmsNotFound",
    ],
    hints: &[],
    limit: Duration::from_secs(120),
};

/// A service given a key just made that does not see it yet, with its own code.
pub const NEW_KEY_ELSEWHERE: Lag = Lag {
    waiting_for: "a service to see a KMS key just made",
    codes: &[
        "InvalidParameterException",
        "InvalidParameterValue",
        "InvalidParameterValueException",
        "AccessDeniedException",
        "KMSAccessDeniedException",
        "KMSInvalidStateException",
        "KMSNotFoundException",
        "KMSKeyNotAccessibleFault",
        "InvalidKMSKeyFault",
        "EncryptionFailure",
    ],
    hints: &["kms", "key"],
    limit: Duration::from_secs(120),
};

/// A database, cache, stream or service in a transitional state (`modifying`, `updating`,
/// `backing-up`...) refuses another change until it is back to rest.
pub const BUSY: Lag = Lag {
    waiting_for: "the object to finish its current change",
    codes: &[
        "InvalidDBInstanceState",
        "InvalidDBInstanceStateFault",
        "InvalidDBClusterStateFault",
        "InvalidDBClusterState",
        "InvalidReplicationGroupState",
        "InvalidReplicationGroupStateFault",
        "InvalidCacheClusterState",
        "InvalidCacheClusterStateFault",
        "ResourceInUseException",
        "ConcurrentModificationException",
        "ConcurrentModification",
        "OperationAbortedException",
        // S3: a conflicting change of the same bucket is in progress.
        "OperationAborted",
        "IncorrectState",
        "SnapshotQuotaExceededFault",
        "UpdateInProgressException",
        "ConcurrentUpdateException",
        "InvalidDBParameterGroupState",
        "InvalidDBParameterGroupStateFault",
        // Lambda: a function still Pending, or a change to it in progress.
        "ResourceConflictException",
    ],
    hints: &[],
    limit: Duration::from_secs(30 * 60),
};

/// Secrets Manager refuses a rotation, or a new value, while a previous rotation of the
/// secret is still running (RDS rotates its master secret when the database is made).
pub const ROTATION_IN_PROGRESS: Lag = Lag {
    waiting_for: "Secrets Manager to finish a rotation",
    codes: &["InvalidRequestException"],
    hints: &[
        "previous rotation",
        "rotation is in progress",
        "rotation in progress",
        "rotation is not complete",
        "isn't complete",
    ],
    limit: Duration::from_secs(5 * 60),
};

/// A name whose object was deleted a moment ago, asked for again: Secrets Manager deletes a
/// secret forced out without a recovery window in the background ("a short delay", its
/// DeleteSecret reference says, with no bound), and refuses a new secret of that name
/// meanwhile. A secret someone scheduled for deletion with a recovery window holds its name
/// for days: that ends at the limit, with AWS's message.
pub const NAME_FREEING: Lag = Lag {
    waiting_for: "AWS to free the name of an object just deleted",
    codes: &["InvalidRequestException"],
    hints: &["scheduled for deletion", "was deleted"],
    limit: Duration::from_secs(120),
};

/// Secrets Manager, asked to rotate with a function whose permission was given a moment
/// ago, may be refused the invocation until Lambda has propagated it.
pub const NEW_INVOKE_GRANT: Lag = Lag {
    waiting_for: "Secrets Manager to be allowed to run the rotation function",
    codes: &["AccessDeniedException"],
    // "Secrets Manager cannot invoke the specified Lambda function...": only that refusal,
    // never the caller's own missing permission.
    hints: &["cannot invoke"],
    limit: Duration::from_secs(120),
};

/// A delete refused while what depends on the object drains (ENIs of a NAT gateway, an
/// endpoint, a task or a database being released; a policy still attached to a role; tasks
/// still stopping in a cluster). A dependency that never drains ends at the limit with
/// AWS's own message.
pub const IN_USE: Lag = Lag {
    waiting_for: "what depends on it to go away",
    codes: &[
        "DependencyViolation",
        "CacheSubnetGroupInUse",
        "InvalidDBSubnetGroupStateFault",
        "InvalidDBParameterGroupState",
        "InvalidDBParameterGroupStateFault",
        "InvalidCacheParameterGroupState",
        "DeleteConflict",
        "DeleteConflictException",
        "ClusterContainsTasksException",
        "ClusterContainsServicesException",
        "ClusterContainsContainerInstancesException",
        "ResourceInUseException",
        "InvalidNetworkInterface.InUse",
        "InvalidIPAddress.InUse",
        "LastDeliveryChannelDeleteFailedException",
    ],
    hints: &[],
    limit: Duration::from_secs(20 * 60),
};

/// S3 delivers server access logs, CloudTrail logs and AWS Config files on a best-effort
/// basis, minutes after what they record (the emptying of a bucket included): a bucket just
/// emptied can hold a new object when DeleteBucket comes. Emptied again, then deleted.
pub const LATE_DELIVERY: Lag = Lag {
    waiting_for: "log deliveries still arriving in the bucket",
    codes: &["BucketNotEmpty"],
    hints: &[],
    limit: Duration::from_secs(10 * 60),
};

/// AWS Backup refuses to delete a plan while it still lists a selection of it, for a moment
/// after the selection's delete.
pub const SELECTIONS_LEFT: Lag = Lag {
    waiting_for: "AWS Backup to let go of the plan's selection",
    codes: &["InvalidRequestException"],
    hints: &["selection"],
    limit: Duration::from_secs(120),
};

/// A call for [`settle`] that sends a clone of the request `req` each time (a request is
/// built once; a refused send made nothing, so the same request goes again), its error
/// named by the operation `op` ("rds:ModifyDBInstance").
macro_rules! resend {
    ($req:expr, $op:literal) => {
        || {
            let req = $req.clone();
            async move {
                req.send()
                    .await
                    .map_err(|e| $crate::error::Error::aws($op, e))
            }
        }
    };
}
pub(crate) use resend;

/// How a call is retried: short at first (most lags are a second or two), never past 10 s
/// between tries.
const RETRY: Backoff = Backoff {
    first: Duration::from_millis(500),
    cap: Duration::from_secs(10),
};

/// Runs `call` until it succeeds, fails with an error that is none of `lags`, or a lag
/// outlasts its limit (then AWS's last answer is the error). Throttling is waited out too.
/// `what` reads as "flow logs for vpc-1a2b". Each wait shows on the resource's status line;
/// a cancel or the operation's timeout ends it within a second.
pub async fn settle<T, F, Fut>(ctx: &Ctx, what: &str, lags: &[&Lag], mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let err = match call().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let waiting_for = match lags.iter().find(|l| l.matches(&err)) {
            Some(lag) if started.elapsed() < lag.limit => lag.waiting_for,
            Some(_) => return Err(err),
            None if is_throttled(&err) => "AWS to stop throttling",
            None => return Err(err),
        };
        let code = match &err {
            Error::Aws { code, .. } => code.as_str(),
            _ => "",
        };
        let waited = started.elapsed().as_secs();
        tracing::debug!(what, code, waited, "lagged answer, retrying");
        ctx.status(format!(
            "{what}: waiting for {waiting_for} ({code}), {}m{:02}s",
            waited / 60,
            waited % 60
        ))
        .await;
        tokio::select! {
            _ = tokio::time::sleep(RETRY.delay(attempt)) => {}
            _ = ctx.cancellation().cancelled() => return Err(pulumi_provider::Error::Cancelled.into()),
        }
        attempt += 1;
    }
}

fn is_throttled(e: &Error) -> bool {
    matches!(
        e,
        Error::Aws {
            throttled: true,
            ..
        }
    )
}

#[cfg(test)]
#[path = "lag_tests.rs"]
mod tests;
