//! The client's address. Only when the TCP peer is one of the configured trusted proxies
//! (`PARKBRIDGE_TRUSTED_PROXIES`) is the proxy's forwarded header believed, and then only its
//! rightmost hop that is not itself a trusted proxy: everything to the left of it was written
//! by whoever sent the request and can say anything.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// Which header the trusted proxies set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2`
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`
    Forwarded,
}

#[derive(Debug, Clone)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ProxyHeader,
}

impl Default for TrustedProxies {
    fn default() -> Self {
        TrustedProxies {
            nets: Vec::new(),
            header: ProxyHeader::XForwardedFor,
        }
    }
}

impl TrustedProxies {
    /// `list`: addresses or CIDRs separated by commas or spaces (`10.0.0.0/8, 127.0.0.1`).
    pub fn parse(list: Option<&str>, header: &str) -> anyhow::Result<TrustedProxies> {
        let header = match header.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => ProxyHeader::XForwardedFor,
            "forwarded" => ProxyHeader::Forwarded,
            other => anyhow::bail!(
                "PARKBRIDGE_PROXY_HEADER must be x-forwarded-for or forwarded, not {other:?}"
            ),
        };
        let mut nets = Vec::new();
        for item in list
            .unwrap_or("")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
        {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => item.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    anyhow::anyhow!(
                        "PARKBRIDGE_TRUSTED_PROXIES: {item:?} is neither an address nor a CIDR"
                    )
                })?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies { nets, header })
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(|p| p.to_canonical())?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops = match self.header {
            ProxyHeader::XForwardedFor => headers
                .get_all("x-forwarded-for")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|h| h.trim().to_string())
                .collect::<Vec<_>>(),
            ProxyHeader::Forwarded => headers
                .get_all("forwarded")
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.trim().split_once('='))
                        .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                        .map(|(_, v)| v.trim().trim_matches('"').to_string())
                        .unwrap_or_default()
                })
                .collect(),
        };
        // Walk from the proxy nearest to us outwards; the last address a trusted proxy vouched
        // for is the answer (a hop that is not an address ends the walk).
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (ip, _) = rest.split_once(']')?;
        return ip.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (ip, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_headers_are_believed_only_from_trusted_proxies() {
        let t = TrustedProxies::parse(Some("10.0.0.0/8, 127.0.0.1"), "x-forwarded-for").unwrap();
        let spoofed = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(t.client(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
        // Through one proxy: the client is what it appended.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        // Through two proxies, and with the header split over two lines.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.7"),
            ("x-forwarded-for", "10.1.2.3"),
        ]);
        assert_eq!(t.client(ip("10.9.9.9"), &h), ip("198.51.100.7"));
        // Ports, IPv6 and IPv4-mapped peers.
        let h = headers(&[("x-forwarded-for", "198.51.100.7:4711")]);
        assert_eq!(t.client(ip("::ffff:127.0.0.1"), &h), ip("198.51.100.7"));
        let h = headers(&[("x-forwarded-for", "[2001:db8::1]:4711")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("2001:db8::1"));
        // Garbage next to the proxy: the proxy's own address, never the garbage's neighbour.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, not-an-ip")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        // No header at all: the proxy.
        assert_eq!(
            t.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
        // A proxy that sets Forwarded is not fooled by an X-Forwarded-For, and the reverse.
        let f = TrustedProxies::parse(Some("127.0.0.1"), "forwarded").unwrap();
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            (
                "forwarded",
                r#"for=6.6.6.6, for="[2001:db8::7]:80";proto=https"#,
            ),
        ]);
        assert_eq!(f.client(ip("127.0.0.1"), &h), ip("2001:db8::7"));
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("6.6.6.6"));
        // Nothing trusted: the peer, always.
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(TrustedProxies::parse(Some("10.0.0.0/33"), "x-forwarded-for").is_err());
        assert!(TrustedProxies::parse(Some("proxy.internal"), "x-forwarded-for").is_err());
        assert!(TrustedProxies::parse(None, "x-real-ip").is_err());
        assert!(TrustedProxies::parse(Some(""), "Forwarded")
            .unwrap()
            .is_empty());
    }
}
