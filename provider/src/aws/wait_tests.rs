use super::*;

#[test]
fn the_delay_grows_and_stays_under_the_cap() {
    let b = Backoff {
        first: Duration::from_millis(100),
        cap: Duration::from_secs(2),
    };
    assert!(b.delay(0) <= Duration::from_millis(120));
    assert!(b.delay(3) >= Duration::from_millis(640));
    assert!(b.delay(30) <= Duration::from_millis(2400));
}

#[tokio::test]
async fn waiting_stops_promptly_when_cancelled() {
    let ctx = Ctx::new(
        "urn",
        pulumi_provider::CancellationToken::new(),
        Default::default(),
    );
    let token = ctx.cancellation().clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        token.cancel();
    });
    let start = std::time::Instant::now();
    let r: Result<()> = until(&ctx, "nothing", Backoff::default(), || async {
        Ok(Poll::Pending("busy".into()))
    })
    .await;
    assert!(matches!(
        r,
        Err(Error::Framework(pulumi_provider::Error::Cancelled))
    ));
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn throttling_is_retried_not_fatal() {
    let ctx = Ctx::new(
        "urn",
        pulumi_provider::CancellationToken::new(),
        Default::default(),
    );
    let mut calls = 0;
    let fast = Backoff {
        first: Duration::from_millis(1),
        cap: Duration::from_millis(2),
    };
    let r = until(&ctx, "x", fast, || {
        calls += 1;
        let n = calls;
        async move {
            if n < 3 {
                Err(Error::Aws {
                    operation: "Describe",
                    message: "slow down".into(),
                    code: "Throttling".into(),
                    throttled: true,
                    denied: false,
                })
            } else {
                Ok(Poll::Ready(n))
            }
        }
    })
    .await;
    assert_eq!(r.unwrap(), 3);
}
