use super::*;

#[test]
fn only_an_ip_address_is_used_as_it_is() {
    assert!(AtAddress::for_endpoint("http://127.0.0.1:4566").is_some());
    assert!(AtAddress::for_endpoint("http://[::1]:4566/").is_some());
    assert!(AtAddress::for_endpoint("https://10.0.0.7").is_some());
    assert!(AtAddress::for_endpoint("http://localhost:4566").is_none());
    assert!(AtAddress::for_endpoint("https://s3-control.example.com").is_none());
    assert!(AtAddress::for_endpoint("not a url").is_none());
}

#[tokio::test]
async fn the_account_is_not_prefixed_to_an_address() {
    let at = AtAddress::for_endpoint("http://127.0.0.1:4566/").unwrap();
    let params = Params::builder()
        .region("us-east-1")
        .account_id("123456789012")
        .requires_account_id(true)
        .endpoint("http://127.0.0.1:4566")
        .build()
        .unwrap();
    let standard = DefaultResolver::new()
        .resolve_endpoint(&params)
        .await
        .unwrap();
    assert_eq!(standard.url(), "http://123456789012.127.0.0.1:4566");
    let ep = at.resolve_endpoint(&params).await.unwrap();
    assert_eq!(ep.url(), "http://127.0.0.1:4566");
    assert_eq!(ep.properties(), standard.properties());
}
