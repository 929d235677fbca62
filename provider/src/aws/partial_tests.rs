use std::sync::atomic::{AtomicBool, Ordering};

use pulumi_provider::{CancellationToken, EngineLog};

use super::*;

fn reported(e: Error) -> serde_json::Value {
    match pulumi_provider::Error::from(e) {
        pulumi_provider::Error::PartialFailure { state, .. } => state.0,
        other => panic!("not a partial failure: {other}"),
    }
}

#[tokio::test]
async fn a_live_operation_reports_what_aws_holds() {
    let ctx = Ctx::new("urn", CancellationToken::new(), EngineLog::default());
    let e = report(
        &ctx,
        "id",
        Error::Unexpected("boom".into()),
        serde_json::json!({"from": "known"}),
        async { Ok(Some(serde_json::json!({"from": "aws"}))) },
    )
    .await;
    assert_eq!(reported(e)["from"], "aws");
}

#[tokio::test]
async fn a_cancelled_operation_asks_aws_nothing_and_reports_what_it_knows() {
    let token = CancellationToken::new();
    token.cancel();
    let ctx = Ctx::new("urn", token, EngineLog::default());
    let asked = AtomicBool::new(false);
    let e = report(
        &ctx,
        "id",
        Error::Unexpected("boom".into()),
        serde_json::json!({"from": "known"}),
        async {
            asked.store(true, Ordering::SeqCst);
            Ok(Some(serde_json::json!({"from": "aws"})))
        },
    )
    .await;
    assert_eq!(reported(e)["from"], "known");
    assert!(!asked.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_failed_read_reports_what_it_knows() {
    let ctx = Ctx::new("urn", CancellationToken::new(), EngineLog::default());
    let e = report(
        &ctx,
        "id",
        Error::Unexpected("boom".into()),
        serde_json::json!({"from": "known"}),
        async { Err(Error::Unexpected("read failed".into())) },
    )
    .await;
    assert_eq!(reported(e)["from"], "known");
}
