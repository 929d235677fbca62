//! S3 buckets a resource owns: made once under their name, every setting put in place on
//! each converge, read back for the state, emptied and deleted only when asked.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketLoggingStatus, BucketVersioningStatus,
    CreateBucketConfiguration, DefaultRetention, Delete, LoggingEnabled, ObjectIdentifier,
    ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging,
    VersioningConfiguration,
};
use pulumi_provider::Ctx;

use super::AwsContext;
use super::lag::{BUSY, LATE_DELIVERY, Lag, NEW_BUCKET, NEW_ROLE, resend, settle};
use super::wait::{self, Backoff, Poll};
use crate::error::{Error, Result, found};

/// How a bucket's objects are encrypted by default.
#[derive(Debug, Clone, PartialEq)]
pub enum Encryption {
    /// SSE-KMS with this key, with an S3 Bucket Key.
    Kms(String),
    /// SSE-S3 (the only default encryption S3 server access logs can be delivered under).
    S3,
}

/// Object Lock's default retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lock {
    pub compliance: bool,
    pub days: i32,
}

/// A bucket as S3 reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    pub tags: BTreeMap<String, String>,
    /// All four public access block settings are on.
    pub public_blocked: bool,
    pub versioning: bool,
    /// The default encryption's algorithm (`aws:kms`, `AES256`) and key.
    pub sse: Option<(String, Option<String>)>,
    pub policy: Option<serde_json::Value>,
    /// Object Lock is enabled on the bucket, and its default retention.
    pub lock_enabled: bool,
    pub lock: Option<Lock>,
    /// Where the bucket's access logs go.
    pub logging_target: Option<String>,
}

fn code_is<E: ProvideErrorMetadata>(codes: &'static [&'static str]) -> impl Fn(&E) -> bool {
    move |e| e.code().is_some_and(|c| codes.contains(&c))
}

/// The bucket's tags, or `None` when the bucket does not exist.
pub async fn tags(cx: &AwsContext, name: &str) -> Result<Option<BTreeMap<String, String>>> {
    let head = found(
        "s3:HeadBucket",
        cx.s3().head_bucket().bucket(name).send().await,
        code_is(&["NotFound", "NoSuchBucket"]),
    )?;
    if head.is_none() {
        return Ok(None);
    }
    let tagging = found(
        "s3:GetBucketTagging",
        cx.s3().get_bucket_tagging().bucket(name).send().await,
        code_is(&["NoSuchTagSet", "NoSuchBucket"]),
    )?;
    Ok(Some(
        tagging
            .map(|t| {
                t.tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
    ))
}

/// The tags of a bucket that showed none: S3 may show the tags an attempt a moment ago wrote
/// only later, so they are read again until some show, for at most `wait::UNSEEN_GRACE`;
/// none by then (or the bucket gone) is none.
pub async fn tags_once_shown(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
) -> Result<BTreeMap<String, String>> {
    let what = format!("the tags of S3 bucket {name} to show");
    let shown = wait::until(ctx, &what, Backoff::default(), || async {
        Ok(match tags(cx, name).await? {
            Some(t) if !t.is_empty() => Poll::Ready(t),
            None => Poll::Ready(BTreeMap::new()),
            Some(_) => Poll::Unseen(Error::Vanished {
                what: format!("the tags of S3 bucket {name}"),
                when: "never showed",
            }),
        })
    })
    .await;
    match shown {
        Err(Error::Vanished { .. }) => Ok(BTreeMap::new()),
        other => other,
    }
}

/// True when the bucket holds no object (and no version of one).
pub async fn is_empty(cx: &AwsContext, name: &str) -> Result<bool> {
    let listed = cx
        .s3()
        .list_object_versions()
        .bucket(name)
        .max_keys(1)
        .send()
        .await
        .map_err(|e| Error::aws("s3:ListObjectVersions", e))?;
    Ok(listed.versions().is_empty() && listed.delete_markers().is_empty())
}

/// S3 frees a deleted bucket's name some time after DeleteBucket, and refuses to make it
/// again meanwhile (`OperationAborted`, "a conflicting conditional operation is currently in
/// progress"): a baseline destroyed and brought up again, or replaced under its name.
const NAME_RELEASING: Lag = BUSY.for_at_most(Duration::from_secs(5 * 60));

/// Makes the bucket (with Object Lock enabled when `lock`). A bucket of the name already ours
/// in this account (an earlier attempt) is fine; one of another account is an error.
pub async fn create(cx: &AwsContext, ctx: &Ctx, name: &str, lock: bool) -> Result<()> {
    ctx.status(format!("creating S3 bucket {name}")).await;
    let mut req = cx
        .s3()
        .create_bucket()
        .bucket(name)
        .object_lock_enabled_for_bucket(lock);
    if cx.region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(cx.region.as_str()))
                .build(),
        );
    }
    let what = format!("S3 bucket {name}");
    settle(ctx, &what, &[&NAME_RELEASING], || {
        let req = req.clone();
        async move {
            match req.send().await {
                Ok(_) => Ok(()),
                Err(e) if e.code() == Some("BucketAlreadyOwnedByYou") => Ok(()),
                Err(e) => Err(Error::aws("s3:CreateBucket", e)),
            }
        }
    })
    .await
}

/// Puts every setting of the bucket in place. S3 may not know a bucket made a moment ago
/// (`NoSuchBucket`): each call waits that out.
#[allow(clippy::too_many_arguments)]
pub async fn configure(
    cx: &AwsContext,
    ctx: &Ctx,
    name: &str,
    encryption: &Encryption,
    policy: &serde_json::Value,
    lock: Option<Lock>,
    logging: Option<(&str, &str)>,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let what = format!("S3 bucket {name}");
    let s3 = cx.s3();
    // Each put waits out S3 not knowing a bucket made a moment ago, and a conflicting
    // change of the bucket still in progress (`OperationAborted`).
    macro_rules! put {
        ($req:expr, $op:literal) => {
            settle(ctx, &what, &[&NEW_BUCKET, &BUSY], resend!($req, $op)).await?
        };
    }
    let tag_set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build().map_err(Error::from))
        .collect::<Result<Vec<_>>>()?;
    let tagging = Tagging::builder().set_tag_set(Some(tag_set)).build()?;
    put!(
        s3.put_bucket_tagging()
            .bucket(name)
            .tagging(tagging.clone()),
        "s3:PutBucketTagging"
    );
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    put!(
        s3.put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(block.clone()),
        "s3:PutPublicAccessBlock"
    );
    let versioning = VersioningConfiguration::builder()
        .status(BucketVersioningStatus::Enabled)
        .build();
    put!(
        s3.put_bucket_versioning()
            .bucket(name)
            .versioning_configuration(versioning.clone()),
        "s3:PutBucketVersioning"
    );
    let default = match encryption {
        Encryption::Kms(key) => ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::AwsKms)
            .kms_master_key_id(key)
            .build()?,
        Encryption::S3 => ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()?,
    };
    let sse = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(default)
                .bucket_key_enabled(matches!(encryption, Encryption::Kms(_)))
                .build(),
        )
        .build()?;
    put!(
        s3.put_bucket_encryption()
            .bucket(name)
            .server_side_encryption_configuration(sse.clone()),
        "s3:PutBucketEncryption"
    );
    // S3 refuses a policy naming a role IAM has not spread yet ("Invalid principal").
    let req = s3
        .put_bucket_policy()
        .bucket(name)
        .policy(policy.to_string());
    settle(
        ctx,
        &what,
        &[&NEW_BUCKET, &BUSY, &NEW_ROLE],
        resend!(req, "s3:PutBucketPolicy"),
    )
    .await?;
    if let Some(lock) = lock {
        let retention = DefaultRetention::builder()
            .mode(if lock.compliance {
                ObjectLockRetentionMode::Compliance
            } else {
                ObjectLockRetentionMode::Governance
            })
            .days(lock.days)
            .build();
        let config = ObjectLockConfiguration::builder()
            .object_lock_enabled(ObjectLockEnabled::Enabled)
            .rule(
                ObjectLockRule::builder()
                    .default_retention(retention)
                    .build(),
            )
            .build();
        put!(
            s3.put_object_lock_configuration()
                .bucket(name)
                .object_lock_configuration(config.clone()),
            "s3:PutObjectLockConfiguration"
        );
    }
    let status = match logging {
        Some((target, prefix)) => BucketLoggingStatus::builder()
            .logging_enabled(
                LoggingEnabled::builder()
                    .target_bucket(target)
                    .target_prefix(prefix)
                    .build()?,
            )
            .build(),
        None => BucketLoggingStatus::builder().build(),
    };
    put!(
        s3.put_bucket_logging()
            .bucket(name)
            .bucket_logging_status(status.clone()),
        "s3:PutBucketLogging"
    );
    // A bucket's settings read back late (terraform reads each one until it shows): read
    // them until all show, so the state read that follows records what was put.
    let target = logging.map(|(target, _)| target);
    let label = format!("{what} to show its settings");
    wait::until(ctx, &label, Backoff::default(), || async {
        Ok(match observe(cx, name).await? {
            Some(b) if shows(&b, encryption, lock, target) => Poll::Ready(()),
            _ => Poll::Unseen(Error::Vanished {
                what: what.clone(),
                when: "did not show its settings right after they were put",
            }),
        })
    })
    .await
}

/// The bucket shows every setting `configure` puts.
fn shows(b: &Bucket, encryption: &Encryption, lock: Option<Lock>, logging: Option<&str>) -> bool {
    let sse = match encryption {
        Encryption::Kms(key) => b.sse == Some(("aws:kms".to_string(), Some(key.clone()))),
        Encryption::S3 => b.sse.as_ref().is_some_and(|(alg, _)| alg == "AES256"),
    };
    b.public_blocked
        && b.versioning
        && sse
        && b.policy.is_some()
        && (lock.is_none() || b.lock == lock)
        && b.logging_target.as_deref() == logging
}

/// Reads the bucket's settings; `None` when it does not exist.
pub async fn observe(cx: &AwsContext, name: &str) -> Result<Option<Bucket>> {
    let Some(tags) = tags(cx, name).await? else {
        return Ok(None);
    };
    let s3 = cx.s3();
    let (block, versioning, sse, policy, lock, logging) = futures::join!(
        s3.get_public_access_block().bucket(name).send(),
        s3.get_bucket_versioning().bucket(name).send(),
        s3.get_bucket_encryption().bucket(name).send(),
        s3.get_bucket_policy().bucket(name).send(),
        s3.get_object_lock_configuration().bucket(name).send(),
        s3.get_bucket_logging().bucket(name).send(),
    );
    let block = found(
        "s3:GetPublicAccessBlock",
        block,
        code_is(&["NoSuchPublicAccessBlockConfiguration"]),
    )?;
    let public_blocked = block
        .and_then(|b| b.public_access_block_configuration)
        .is_some_and(|c| {
            [
                c.block_public_acls,
                c.ignore_public_acls,
                c.block_public_policy,
                c.restrict_public_buckets,
            ]
            .iter()
            .all(|v| *v == Some(true))
        });
    let versioning = versioning.map_err(|e| Error::aws("s3:GetBucketVersioning", e))?;
    let sse = found(
        "s3:GetBucketEncryption",
        sse,
        code_is(&["ServerSideEncryptionConfigurationNotFoundError"]),
    )?
    .and_then(|o| o.server_side_encryption_configuration)
    .and_then(|c| c.rules.into_iter().next())
    .and_then(|r| r.apply_server_side_encryption_by_default)
    .map(|d| (d.sse_algorithm.as_str().to_string(), d.kms_master_key_id));
    let policy = found(
        "s3:GetBucketPolicy",
        policy,
        code_is(&["NoSuchBucketPolicy"]),
    )?
    .and_then(|p| p.policy)
    .map(|text| {
        serde_json::from_str(&text).map_err(|source| Error::Json {
            what: "the bucket policy S3 returned",
            source,
        })
    })
    .transpose()?;
    let lock = found(
        "s3:GetObjectLockConfiguration",
        lock,
        code_is(&["ObjectLockConfigurationNotFoundError"]),
    )?
    .and_then(|o| o.object_lock_configuration);
    let lock_enabled = lock
        .as_ref()
        .is_some_and(|c| c.object_lock_enabled == Some(ObjectLockEnabled::Enabled));
    let lock = lock
        .and_then(|c| c.rule)
        .and_then(|r| r.default_retention)
        .and_then(|d| {
            Some(Lock {
                compliance: d.mode? == ObjectLockRetentionMode::Compliance,
                days: d.days?,
            })
        });
    let logging_target = logging
        .map_err(|e| Error::aws("s3:GetBucketLogging", e))?
        .logging_enabled
        .map(|l| l.target_bucket);
    Ok(Some(Bucket {
        tags,
        public_blocked,
        versioning: versioning.status == Some(BucketVersioningStatus::Enabled),
        sse,
        policy,
        lock_enabled,
        lock,
        logging_target,
    }))
}

/// Deletes every version of every object, then the bucket; a delivery that lands after the
/// emptying (`BucketNotEmpty`) is emptied too, for at most `LATE_DELIVERY`'s limit. A bucket
/// already gone is fine.
pub async fn empty_and_delete(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<()> {
    let what = format!("deleting S3 bucket {name}");
    settle(ctx, &what, &[&LATE_DELIVERY], || async {
        if !empty(cx, ctx, name).await? {
            return Ok(());
        }
        found(
            "s3:DeleteBucket",
            cx.s3().delete_bucket().bucket(name).send().await,
            code_is(&["NoSuchBucket"]),
        )?;
        Ok(())
    })
    .await
}

/// Deletes every version of every object in the bucket; false when the bucket is gone.
async fn empty(cx: &AwsContext, ctx: &Ctx, name: &str) -> Result<bool> {
    let s3 = cx.s3();
    ctx.status(format!("emptying S3 bucket {name}")).await;
    loop {
        let listed = found(
            "s3:ListObjectVersions",
            s3.list_object_versions().bucket(name).send().await,
            code_is(&["NoSuchBucket"]),
        )?;
        let Some(listed) = listed else {
            return Ok(false);
        };
        let mut ids = Vec::new();
        for v in listed.versions() {
            ids.push((v.key().unwrap_or_default(), v.version_id()));
        }
        for m in listed.delete_markers() {
            ids.push((m.key().unwrap_or_default(), m.version_id()));
        }
        if ids.is_empty() {
            return Ok(true);
        }
        let objects = ids
            .into_iter()
            .map(|(key, version)| {
                ObjectIdentifier::builder()
                    .key(key)
                    .set_version_id(version.map(String::from))
                    .build()
                    .map_err(Error::from)
            })
            .collect::<Result<Vec<_>>>()?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()?;
        let deleted = s3
            .delete_objects()
            .bucket(name)
            .delete(delete)
            .send()
            .await
            .map_err(|e| Error::aws("s3:DeleteObjects", e))?;
        // S3 answers 200 with the keys it refused (a version under Object Lock or legal hold).
        if let Some(refused) = deleted.errors().first() {
            return Err(Error::Unexpected(format!(
                "S3 bucket {name} could not be emptied: {} of version {} was refused ({}: {})",
                refused.key().unwrap_or_default(),
                refused.version_id().unwrap_or_default(),
                refused.code().unwrap_or_default(),
                refused.message().unwrap_or_default()
            )));
        }
    }
}
