//! Who is calling: client IP (for rate limits and the session record) and user agent.
//!
//! `X-Forwarded-For` is believed only when the connection comes from a configured trusted
//! proxy; otherwise anyone could pick their own rate-limit bucket. Behind proxies the list
//! is walked right to left, skipping the trusted hops.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::USER_AGENT;
use iam_auth::ClientInfo;
use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct ClientIpResolver {
    trusted_proxies: Vec<IpNet>,
}

impl ClientIpResolver {
    pub fn new(trusted_proxies: Vec<IpNet>) -> Self {
        Self { trusted_proxies }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }

    pub fn client_ip(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr().map(|a| canonical(a.ip()))?;
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(','))
            .filter_map(|ip| ip.trim().parse().ok())
            .map(canonical)
            .collect();
        // The last address not added by one of our proxies is the client; if every hop is
        // trusted, the first one is.
        let client = forwarded.iter().rev().find(|ip| !self.is_trusted(**ip)).or(forwarded.first());
        Some(client.copied().unwrap_or(peer))
    }

    pub fn client_info(&self, req: &HttpRequest) -> ClientInfo {
        ClientInfo {
            ip_address: self.client_ip(req).map(|ip| ip.to_string()),
            user_agent: req
                .headers()
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(512).collect()),
        }
    }
}

/// IPv4-mapped IPv6 addresses as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The rate-limit key part for an address: IPv6 clients are grouped per /64, since one
/// host usually owns a whole /64 (Better Auth's `ipv6Subnet`).
pub fn rate_limit_key(ip: Option<IpAddr>) -> String {
    match ip {
        Some(IpAddr::V6(v6)) => {
            let net = IpNet::new(IpAddr::V6(v6), 64).map(|n| n.trunc());
            net.map_or_else(|_| v6.to_string(), |n| n.to_string())
        }
        Some(v4) => v4.to_string(),
        None => "no-trusted-ip".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn request(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr(peer.parse().unwrap());
        if let Some(xff) = xff {
            req = req.insert_header(("x-forwarded-for", xff));
        }
        req.to_http_request()
    }

    #[test]
    fn ignores_forwarded_for_from_untrusted_peers() {
        let r = ClientIpResolver::default();
        let req = request("203.0.113.7:5000", Some("1.2.3.4"));
        assert_eq!(r.client_ip(&req), Some("203.0.113.7".parse().unwrap()));
    }

    #[test]
    fn walks_forwarded_for_behind_trusted_proxies() {
        let r = ClientIpResolver::new(vec!["10.0.0.0/8".parse().unwrap()]);
        let req = request("10.0.0.2:5000", Some("1.2.3.4, 198.51.100.9, 10.0.0.3"));
        assert_eq!(r.client_ip(&req), Some("198.51.100.9".parse().unwrap()));
        let req = request("10.0.0.2:5000", None);
        assert_eq!(r.client_ip(&req), Some("10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn groups_ipv6_by_64() {
        let a = rate_limit_key(Some("2001:db8::1".parse().unwrap()));
        let b = rate_limit_key(Some("2001:db8::ffff".parse().unwrap()));
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8::/64");
    }
}
