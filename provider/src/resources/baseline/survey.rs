//! What the account already has of each one-per-region part, found before anything is made,
//! and whose each part is.

use std::collections::BTreeMap;

use aws_sdk_s3control::types::PublicAccessBlockConfiguration;

use super::args::{ADOPTED, BaselineArgs, CREATED, Names, Part};
use super::ec2_account::{self, IMAGES_BLOCKED, SNAPSHOTS_BLOCKED, TOKENS_REQUIRED, UNBLOCKED};
use super::{account, default_vpc, guards, recorder};
use crate::aws::{AwsContext, s3control};
use crate::error::{Error, Result};

pub struct Found {
    pub recorder: Option<recorder::Recorder>,
    pub detector: Option<(String, bool)>,
    pub hub: Option<String>,
    pub password_policy: bool,
    pub ebs: bool,
    /// The account's S3 Block Public Access settings.
    pub public_access: Option<PublicAccessBlockConfiguration>,
    /// The Region's IMDS default and snapshot and AMI block public access.
    pub ec2: ec2_account::Defaults,
    /// The Region's default VPC, when it has one.
    pub default_vpc: Option<default_vpc::DefaultVpc>,
}

pub async fn survey(cx: &AwsContext) -> Result<Found> {
    let (recorder, detector, hub, policy, ebs, public_access, ec2, vpc) = futures::join!(
        recorder::find(cx),
        guards::detector(cx),
        guards::hub(cx),
        account::password_policy(cx),
        account::ebs_encrypted(cx),
        s3control::public_access_block(cx),
        ec2_account::read(cx),
        default_vpc::find(cx),
    );
    Ok(Found {
        recorder: recorder?,
        detector: detector?,
        hub: hub?,
        password_policy: policy?.is_some(),
        ebs: ebs?,
        public_access: public_access?,
        ec2: ec2?,
        default_vpc: vpc?,
    })
}

impl Found {
    /// What the account has of `part` (in words, for an error naming it), and whether it is
    /// already as the baseline sets it.
    fn has(&self, part: Part, names: &Names) -> (Option<String>, bool) {
        match part {
            Part::ConfigRecorder => (
                self.recorder
                    .as_ref()
                    .filter(|r| r.name != names.recorder)
                    .map(|r| format!("the AWS Config recorder {} in this region", r.name)),
                false,
            ),
            Part::GuardDuty => (
                self.detector
                    .as_ref()
                    .map(|(id, _)| format!("the GuardDuty detector {id} in this region")),
                false,
            ),
            Part::SecurityHub => (
                self.hub
                    .as_ref()
                    .map(|arn| format!("Security Hub ({arn}) in this region")),
                false,
            ),
            Part::PasswordPolicy => (
                self.password_policy
                    .then(|| "an IAM password policy".to_string()),
                false,
            ),
            Part::EbsEncryption => (
                self.ebs
                    .then(|| "EBS encryption by default in this region".to_string()),
                true,
            ),
            Part::S3PublicAccessBlock => (
                self.public_access.as_ref().map(|c| {
                    format!(
                        "S3 Block Public Access settings for the account ({})",
                        s3control::describe(c)
                    )
                }),
                self.public_access
                    .as_ref()
                    .is_some_and(s3control::blocks_all),
            ),
            Part::ImdsDefaults => (
                self.ec2.http_tokens.as_ref().map(|t| {
                    format!("an instance metadata default in this region (HttpTokens {t})")
                }),
                self.ec2.http_tokens.as_deref() == Some(TOKENS_REQUIRED),
            ),
            Part::SnapshotBlockPublicAccess => (
                (self.ec2.snapshots != UNBLOCKED).then(|| {
                    format!(
                        "block public access for EBS snapshots in this region ({})",
                        self.ec2.snapshots
                    )
                }),
                self.ec2.snapshots == SNAPSHOTS_BLOCKED,
            ),
            Part::ImageBlockPublicAccess => (
                (self.ec2.images != UNBLOCKED).then(|| {
                    format!(
                        "block public access for AMIs in this region ({})",
                        self.ec2.images
                    )
                }),
                self.ec2.images == IMAGES_BLOCKED,
            ),
            // An unused default VPC as AWS made it is the baseline's to lock down and put
            // back; one locked down already, in use or changed is someone's choice.
            Part::DefaultVpc => match &self.default_vpc {
                Some(v) if v.locked() || !v.as_aws_made() => (Some(v.describe()), v.locked()),
                _ => (None, false),
            },
        }
    }
}

/// Whose each one-per-region part would be, and what stands in the way.
#[derive(Debug, Default)]
pub struct Outlook {
    /// Each part the inputs want: `created` or `adopted`.
    pub parts: BTreeMap<String, String>,
    /// A part the account has that the inputs do not allow taking over: the `adopt.*`
    /// property and the reason.
    pub refused: Vec<(String, String)>,
    /// A part the account has, not as the baseline sets it, that `adopt` takes over: the
    /// property and what the account has.
    pub taken_over: Vec<(String, String)>,
}

/// Whose each one-per-region part is: the saved state's word first; then a part the account
/// does not have yet is this baseline's to make; one it has is taken over only when `adopt`
/// allows it, or when it is already as the baseline sets it (EBS encryption by default, S3
/// Block Public Access all on, IMDSv2 required, snapshots and AMIs blocked, the default VPC
/// locked down: simply left so). A part the inputs leave alone (`defaultVpc: LEAVE`) has no
/// entry.
pub fn outlook(
    a: &BaselineArgs,
    names: &Names,
    found: &Found,
    previous: &BTreeMap<String, String>,
) -> Outlook {
    let mut seen = Outlook::default();
    for part in Part::ALL.into_iter().filter(|p| a.wants(*p)) {
        let (existing, as_wanted) = found.has(part, names);
        let property = format!("adopt.{}", part.key());
        let decided = match (previous.get(part.key()), existing) {
            (Some(kept), Some(_)) => kept.clone(),
            (_, None) => CREATED.to_string(),
            (None, Some(_)) if as_wanted => ADOPTED.to_string(),
            (None, Some(what)) if a.adopts(part) => {
                seen.taken_over.push((property, what));
                ADOPTED.to_string()
            }
            (None, Some(what)) => {
                seen.refused.push((
                    property.clone(),
                    format!(
                        "the account already has {what}; set {property}: true to take it over \
                         (it is then set to the baseline's settings and left in place at delete)"
                    ),
                ));
                continue;
            }
        };
        seen.parts.insert(part.key().to_string(), decided);
    }
    seen
}

/// [`outlook`]'s parts, or an error naming the first part the inputs do not allow taking
/// over.
pub fn decide(
    a: &BaselineArgs,
    names: &Names,
    found: &Found,
    previous: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let seen = outlook(a, names, found, previous);
    match seen.refused.into_iter().next() {
        Some((property, reason)) => Err(Error::Input { property, reason }),
        None => Ok(seen.parts),
    }
}
