use std::sync::Mutex;

use super::*;
use crate::aws::tags::URN_TAG;

/// A service whose reads lag: `find` answers "none" for the first `blind` calls, whatever
/// exists; `create` is refused as existing when the group exists already.
#[derive(Default)]
struct Lagging {
    group: Mutex<Option<SubnetGroupView>>,
    blind: Mutex<u32>,
    creates: Mutex<u32>,
}

impl Lagging {
    fn holding(owner: &str, blind: u32) -> Self {
        let group = SubnetGroupView {
            arn: "arn:group".into(),
            vpc_id: "vpc-1".into(),
            subnets: vec!["subnet-a".into(), "subnet-b".into()],
            tags: BTreeMap::from([(URN_TAG.to_string(), owner.to_string())]),
        };
        Lagging {
            group: Mutex::new(Some(group)),
            blind: Mutex::new(blind),
            ..Default::default()
        }
    }

    fn empty(blind: u32) -> Self {
        Lagging {
            blind: Mutex::new(blind),
            ..Default::default()
        }
    }
}

fn aws(code: &str) -> Error {
    Error::Aws {
        operation: "op",
        message: code.into(),
        code: code.into(),
        throttled: false,
        denied: false,
    }
}

impl Tagging for Lagging {
    const LAGS: &'static [&'static crate::aws::lag::Lag] = &[&crate::aws::lag::NEW_NAMED];

    async fn add(&self, _: &str, _: &BTreeMap<String, String>) -> Result<()> {
        Ok(())
    }
    async fn remove(&self, _: &str, _: Vec<String>) -> Result<()> {
        Ok(())
    }
}

impl SubnetGroups for Lagging {
    const KIND: &'static str = "DB subnet group";
    const EXISTS: &'static str = "DBSubnetGroupAlreadyExists";

    async fn find(&self, _: &str) -> Result<Option<SubnetGroupView>> {
        let mut blind = self.blind.lock().map_err(|_| aws("poisoned"))?;
        if *blind > 0 {
            *blind -= 1;
            return Ok(None);
        }
        let mut g = self.group.lock().map_err(|_| aws("poisoned"))?.clone();
        if let Some(g) = g.as_mut() {
            g.tags = BTreeMap::new();
        }
        Ok(g)
    }

    async fn list_tags(&self, _: &str) -> Result<BTreeMap<String, String>> {
        let g = self.group.lock().map_err(|_| aws("poisoned"))?;
        Ok(g.as_ref().map(|g| g.tags.clone()).unwrap_or_default())
    }

    async fn create(
        &self,
        _: &str,
        _: &str,
        subnets: &[String],
        tags: &BTreeMap<String, String>,
    ) -> Result<()> {
        *self.creates.lock().map_err(|_| aws("poisoned"))? += 1;
        let mut g = self.group.lock().map_err(|_| aws("poisoned"))?;
        if g.is_some() {
            return Err(aws(Self::EXISTS));
        }
        *g = Some(SubnetGroupView {
            arn: "arn:group".into(),
            vpc_id: "vpc-1".into(),
            subnets: subnets.to_vec(),
            tags: tags.clone(),
        });
        Ok(())
    }

    async fn modify(&self, _: &str, _: &[String]) -> Result<()> {
        Ok(())
    }

    async fn delete_group(&self, _: &str) -> Result<()> {
        Ok(())
    }
}

fn ctx() -> Ctx {
    Ctx::new(
        "urn:me",
        pulumi_provider::CancellationToken::new(),
        Default::default(),
    )
}

fn subnets() -> Vec<String> {
    vec!["subnet-a".into(), "subnet-b".into()]
}

fn tags() -> BTreeMap<String, String> {
    BTreeMap::from([(URN_TAG.to_string(), "urn:me".to_string())])
}

async fn ensure_on(svc: &Lagging) -> Result<SubnetGroupView> {
    ensure(svc, &ctx(), "db", "d", &subnets(), &tags(), "identifier").await
}

#[tokio::test]
async fn a_group_not_yet_listed_right_after_its_create_is_waited_for_not_called_vanished() {
    let svc = Lagging::empty(2);
    let g = ensure_on(&svc)
        .await
        .expect("the group is read once listed");
    assert_eq!(g.subnets, subnets());
    assert_eq!(*svc.creates.lock().expect("lock"), 1);
}

#[tokio::test]
async fn a_create_refused_as_existing_takes_over_the_group_carrying_this_urn() {
    // The read before the create lagged an earlier create of ours (a lost answer).
    let svc = Lagging::holding("urn:me", 1);
    let g = ensure_on(&svc).await.expect("ours is claimed");
    assert_eq!(g.tags.get(URN_TAG).map(String::as_str), Some("urn:me"));
}

#[tokio::test]
async fn a_create_refused_as_existing_refuses_a_group_of_someone_else() {
    let svc = Lagging::holding("urn:other", 1);
    let r = ensure_on(&svc).await;
    assert!(
        matches!(r, Err(Error::NotOwned { property, .. }) if property == "identifier"),
        "{r:?}"
    );
}
