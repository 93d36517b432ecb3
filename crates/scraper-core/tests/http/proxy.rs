//! Upstream proxies: a proxy named by a private host name is reached (the public-only rule is
//! for targets), `socks5://` works through a real SOCKS5 exchange and resolves targets here
//! under the public-only rule, and an unsupported scheme is refused when the client is built.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use scraper_core::http::{HttpClient, HttpSettings, Stats};
use scraper_core::{ErrorCode, Request, ScrapeError, SiteDescription};
use tokio::io::{AsyncReadExt, AsyncWriteExt, copy_bidirectional};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

static SITE: SiteDescription =
    SiteDescription::new("proxied", "Proxied", "http://www.example.test")
        .hosts(&["www.example.test", "localhost"]);

async fn fetch(client: &HttpClient, url: &str) -> Result<scraper_core::Response, ScrapeError> {
    client
        .fetch(
            &SITE,
            Request::get(url),
            Instant::now() + Duration::from_secs(10),
            &Stats::default(),
        )
        .await
        .map_err(ScrapeError::from)
}

/// A minimal SOCKS5 server (no authentication, CONNECT only) on 127.0.0.1: counts the
/// connections it relays and records their destinations.
struct Socks5 {
    port: u16,
    relayed: Arc<AtomicUsize>,
    targets: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Socks5 {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let relayed = Arc::new(AtomicUsize::new(0));
        let targets = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (count, seen) = (relayed.clone(), targets.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (count, seen) = (count.clone(), seen.clone());
                tokio::spawn(async move {
                    let _ = relay(client, &count, &seen).await;
                });
            }
        });
        Self {
            port,
            relayed,
            targets,
        }
    }
}

/// One SOCKS5 exchange (RFC 1928): greeting, CONNECT (counted and recorded), then the bytes
/// both ways.
async fn relay(
    mut client: TcpStream,
    count: &AtomicUsize,
    seen: &std::sync::Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut greeting = [0u8; 2];
    client.read_exact(&mut greeting).await?;
    let mut methods = vec![0u8; usize::from(greeting[1])];
    client.read_exact(&mut methods).await?;
    client.write_all(&[5, 0]).await?;
    let mut request = [0u8; 4];
    client.read_exact(&mut request).await?;
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).await?;
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return Err(std::io::Error::other("unsupported address type")),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    let target = format!("{host}:{}", u16::from_be_bytes(port));
    // Only loopback targets: this server relays for the test and nothing else.
    let mut upstream = TcpStream::connect(("127.0.0.1", u16::from_be_bytes(port))).await?;
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await?;
    count.fetch_add(1, Ordering::Relaxed);
    seen.lock().unwrap().push(target);
    copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

#[tokio::test]
async fn socks5_proxies_carry_the_requests() {
    let server = MockServer::start().await;
    Mock::given(path("/via"))
        .respond_with(ResponseTemplate::new(200).set_body_string("through socks"))
        .mount(&server)
        .await;
    let socks = Socks5::start().await;
    let client = HttpClient::new(HttpSettings {
        upstream_override: Some(server.uri().parse().unwrap()),
        proxy: Some(format!("socks5://127.0.0.1:{}", socks.port)),
        ..HttpSettings::default()
    })
    .unwrap();
    let response = fetch(&client, "http://www.example.test/via").await.unwrap();
    assert_eq!(response.text(), "through socks");
    assert_eq!(socks.relayed.load(Ordering::Relaxed), 1);
    let port = server.address().port();
    assert_eq!(
        *socks.targets.lock().unwrap(),
        [format!("127.0.0.1:{port}")]
    );
}

#[tokio::test]
async fn socks5_targets_are_resolved_here_and_private_ones_refused() {
    let socks = Socks5::start().await;
    let client = HttpClient::new(HttpSettings {
        proxy: Some(format!("socks5://127.0.0.1:{}", socks.port)),
        max_attempts: 1,
        ..HttpSettings::default()
    })
    .unwrap();
    let error = fetch(&client, "http://localhost/secret").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::UpstreamChanged, "{error}");
    assert!(error.to_string().contains("no public address"), "{error}");
    assert_eq!(
        socks.relayed.load(Ordering::Relaxed),
        0,
        "nothing reaches the proxy for a private target"
    );
}

#[tokio::test]
async fn an_http_proxy_named_by_a_private_host_is_reached() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(std::sync::Mutex::new(String::new()));
    let line = seen.clone();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap();
        let head = String::from_utf8_lossy(&buf[..n]).into_owned();
        *line.lock().unwrap() = head.lines().next().unwrap_or_default().to_owned();
        let body = "from the proxy";
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await.unwrap();
    });
    // `localhost` stands for a compose sidecar (`squid`): a name with a private address.
    let client = HttpClient::new(HttpSettings {
        proxy: Some(format!("http://localhost:{port}")),
        max_attempts: 1,
        ..HttpSettings::default()
    })
    .unwrap();
    let response = fetch(&client, "http://www.example.test/page?x=1")
        .await
        .unwrap();
    assert_eq!(response.text(), "from the proxy");
    // The target went to the proxy by name, unresolved here: the proxy resolves it.
    assert_eq!(
        *seen.lock().unwrap(),
        "GET http://www.example.test/page?x=1 HTTP/1.1"
    );
}

#[test]
fn unsupported_proxy_schemes_are_refused_at_once() {
    for (proxy, why) in [
        ("ftp://proxy.example:21", "not supported"),
        ("socks4://proxy.example:1080", "not supported"),
        ("squid:3128", "not supported"),
        ("http://", "not a URL"),
        ("not a url", "not a URL"),
    ] {
        let error = HttpClient::new(HttpSettings {
            proxy: Some(proxy.into()),
            ..HttpSettings::default()
        })
        .unwrap_err();
        assert!(error.contains(why), "{proxy}: {error}");
    }
    let secret = HttpClient::new(HttpSettings {
        proxy: Some("gopher://user:hunter2@proxy.example".into()),
        ..HttpSettings::default()
    })
    .unwrap_err();
    assert!(!secret.contains("hunter2"), "{secret}");
    for proxy in [
        "http://squid:3128",
        "https://user:pw@proxy.example",
        "socks5://10.0.0.2:1080",
        "socks5h://tor:9050",
    ] {
        assert!(
            HttpClient::new(HttpSettings {
                proxy: Some(proxy.into()),
                ..HttpSettings::default()
            })
            .is_ok(),
            "{proxy}"
        );
    }
}
