use super::*;

fn parse(args: &[&str]) -> Launch {
    Launch::parse(args.iter().map(|s| s.to_string()))
}

#[test]
fn the_engine_address_is_the_last_argument_after_flags() {
    let l = parse(&[
        "--logtostderr",
        "-v=9",
        "--tracing",
        "file:/x",
        "127.0.0.1:4567",
    ]);
    assert_eq!(l.engine_address.as_deref(), Some("127.0.0.1:4567"));
    assert_eq!(l.verbosity, 9);
    assert!(l.log_to_stderr);
}

#[test]
fn no_argument_means_attach_mode() {
    assert_eq!(parse(&[]).engine_address, None);
}

#[tokio::test]
async fn accepted_connections_send_small_replies_at_once() {
    use futures::StreamExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut incoming = accepted(listener);
    let _client = tokio::net::TcpStream::connect(address).await.unwrap();
    let socket = incoming.next().await.unwrap().unwrap();
    assert!(
        socket.nodelay().unwrap(),
        "TCP_NODELAY is set on accepted sockets"
    );
}
