//! Address rules for outgoing connections: only public unicast addresses are ever dialled, so a
//! site name that resolves to loopback, a private network or a cloud metadata address is refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is a globally routable unicast address (not loopback, private, link-local,
/// shared, documentation, benchmarking, multicast, reserved or unspecified).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..=19).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64, may embed private IPv4
        || first == 0x2002 // 6to4, may embed private IPv4
        || first == 0) // IPv4-compatible and other reserved forms
}

/// The refusal of a name that resolves to no public address. Retrying cannot help, so the
/// upstream client reports it at once instead of retrying.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to no public address; refused to connect")]
pub struct NonPublicAddress {
    /// The name that was looked up.
    pub host: String,
}

/// A DNS resolver that drops every non-public address, and fails with [`NonPublicAddress`]
/// when none is left. Installed on the shared client, it guards every connection of every site
/// at the moment of connecting (no gap between a check and the connection).
///
/// The one name it resolves freely is the configured proxy's (`squid` on a compose network has a
/// private address by design): the proxy is where we connect, not what we fetch. The targets
/// still meet the rule — here, for a `socks5://` proxy, which lets us resolve them; at the proxy
/// for `http://`, `https://` and `socks5h://` proxies, which resolve them themselves.
#[derive(Debug, Default, Clone)]
pub struct PublicOnlyResolver {
    proxy_host: Option<Arc<str>>,
}

impl PublicOnlyResolver {
    /// The same resolver, resolving the proxy host `host` (lowercase, no trailing dot) normally.
    pub fn resolving_freely(mut self, host: Option<String>) -> Self {
        self.proxy_host = host.map(Arc::from);
        self
    }
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let free = self.proxy_host.as_deref().is_some_and(|proxy| {
            name.as_str()
                .trim_end_matches('.')
                .eq_ignore_ascii_case(proxy)
        });
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if free {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let public: Vec<SocketAddr> =
                addrs.into_iter().filter(|a| is_public_ip(a.ip())).collect();
            if public.is_empty() {
                return Err(
                    Box::new(NonPublicAddress { host }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_of_private_addresses_are_refused_by_the_resolver() {
        let name: Name = "localhost".parse().unwrap();
        let Err(err) = PublicOnlyResolver::default().resolve(name).await else {
            panic!("localhost must be refused")
        };
        let refusal = err
            .downcast_ref::<NonPublicAddress>()
            .expect("a NonPublicAddress error");
        assert_eq!(refusal.host, "localhost");
    }

    #[tokio::test]
    async fn the_proxy_host_alone_is_resolved_freely() {
        let resolver = PublicOnlyResolver::default().resolving_freely(Some("localhost".into()));
        let Ok(addrs) = resolver.resolve("LocalHost".parse().unwrap()).await else {
            panic!("the proxy's own name must resolve")
        };
        assert!(addrs.into_iter().all(|a| a.ip().is_loopback()));
        let other = resolver.resolve("localhost.localdomain.invalid".parse().unwrap());
        assert!(other.await.is_err());
    }

    #[test]
    fn only_public_unicast_passes() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "2001:db8::1",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "::127.0.0.1",
        ] {
            assert!(!is_public_ip(private.parse().unwrap()), "{private}");
        }
        for public in [
            "151.101.1.140",
            "8.8.8.8",
            "2a04:4e42::396",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public_ip(public.parse().unwrap()), "{public}");
        }
    }
}
