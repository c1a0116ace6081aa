//! The address of the client behind a request, for the sign-in throttles.
//!
//! Behind a reverse proxy (the usual way to serve naper with TLS) every request comes from the
//! proxy's address, and a throttle keyed by it would count all users of the town hall's
//! network as one. When the peer is a proxy the operator named (`--trusted-proxy`), the
//! client is the nearest address in `X-Forwarded-For` that is not one of those proxies; from
//! any other peer the header is ignored, since a client can write whatever it likes there.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::config::Config;

/// The client's address as far as the server can tell (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Any surface's state that hands out the configuration (for the trusted proxies).
impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Self, std::convert::Infallible> {
        let config = Arc::<Config>::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &config.trusted_proxies,
        )))
    }
}

/// The client's address: the peer, or when the peer is a trusted proxy, the nearest
/// `X-Forwarded-For` entry that is not a trusted proxy. Without a peer address (a router
/// served without connect info) it is the unspecified address, so the name alone counts.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let Some(peer) = peer else {
        return IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    };
    if !trusted.contains(&peer) {
        return peer;
    }
    // Each proxy appends the address it received the request from, so the entries read from
    // the right are ever further from the server; the first that is no proxy of ours is the
    // client. An unreadable entry ends the walk: what lies left of it cannot be trusted.
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(addr) if trusted.contains(&addr) => client = addr,
            Ok(addr) => return addr,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy];
        let headers = forwarded(&["203.0.113.7"]);
        assert_eq!(
            client_ip(Some(proxy), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Anyone else's header is ignored: a client could name any address there.
        let stranger = ip("198.51.100.9");
        assert_eq!(client_ip(Some(stranger), &headers, &trusted), stranger);
        assert_eq!(client_ip(Some(stranger), &headers, &[]), stranger);
        // A proxy without the header is the client as far as we can tell.
        assert_eq!(client_ip(Some(proxy), &HeaderMap::new(), &trusted), proxy);
        assert_eq!(
            client_ip(None, &headers, &trusted),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn the_nearest_untrusted_entry_is_the_client_and_a_forged_left_part_is_not() {
        let (outer, inner) = (ip("10.0.0.1"), ip("10.0.0.2"));
        let trusted = [outer, inner];
        // The client forged "1.2.3.4" on the left; the proxies appended the real address.
        let headers = forwarded(&["1.2.3.4, 203.0.113.7", "10.0.0.1"]);
        assert_eq!(
            client_ip(Some(inner), &headers, &trusted),
            ip("203.0.113.7")
        );
        // Garbage ends the walk at the last address a trusted proxy wrote.
        let headers = forwarded(&["203.0.113.7, not-an-ip, 10.0.0.1"]);
        assert_eq!(client_ip(Some(inner), &headers, &trusted), outer);
        // IPv6 entries are addresses like any other.
        let headers = forwarded(&["2001:db8::5"]);
        assert_eq!(
            client_ip(Some(inner), &headers, &trusted),
            ip("2001:db8::5")
        );
    }
}
