//! The stream URL a runtime returns from `Exec`, `Attach` and `PortForward`:
//! parsing, resolution of relative URLs, and the address to dial.
//!
//! Only the host and port the runtime named are ever dialed: redirects are
//! not followed, and nothing is taken from the environment (no proxies).

use std::fmt;

use super::StreamError;

/// Base for relative URLs (`/exec/abc`): the kubelet's streaming address on
/// the local node, which is what crictl means to use, although it builds an
/// invalid URL from it.
pub const RELATIVE_BASE: &str = "http://127.0.0.1:10250";

/// A parsed `http://` or `https://` stream URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamUrl {
    pub secure: bool,
    /// Host as written in the URL; IPv6 addresses keep their brackets.
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl StreamUrl {
    /// Parses the URL from a runtime reply. An empty scheme means `http`,
    /// and a URL with no host is resolved against [`RELATIVE_BASE`].
    pub fn parse(text: &str) -> Result<StreamUrl, StreamError> {
        let invalid = |reason: &str| StreamError::Url {
            url: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(invalid("the runtime returned no URL"));
        }
        if trimmed.starts_with('/') && !trimmed.starts_with("//") {
            let resolved = format!("{RELATIVE_BASE}{trimmed}");
            return StreamUrl::parse_absolute(&resolved, text);
        }
        StreamUrl::parse_absolute(trimmed, text)
    }

    fn parse_absolute(text: &str, original: &str) -> Result<StreamUrl, StreamError> {
        let invalid = |reason: String| StreamError::Url {
            url: original.to_owned(),
            reason,
        };
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None => ("http".to_owned(), text.strip_prefix("//").unwrap_or(text)),
        };
        let secure = match scheme.as_str() {
            "http" | "ws" => false,
            "https" | "wss" => true,
            other => return Err(invalid(format!("unsupported scheme {other:?}"))),
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(index) => (&rest[..index], &rest[index..]),
            None => (rest, "/"),
        };
        let path = if path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_owned()
        };
        if authority.contains('@') {
            return Err(invalid(
                "user information is not allowed in a stream URL".into(),
            ));
        }
        let (host, port) = split_host_port(authority).map_err(invalid)?;
        let port = match port {
            Some(port) => port,
            None if secure => 443,
            None => 80,
        };
        Ok(StreamUrl {
            secure,
            host,
            port,
            path,
        })
    }

    /// Returns the `host:port` to dial and to send as the `Host` header.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Returns the host without IPv6 brackets, for name resolution.
    pub fn bare_host(&self) -> &str {
        self.host
            .strip_prefix('[')
            .and_then(|host| host.strip_suffix(']'))
            .unwrap_or(&self.host)
    }

    /// Returns the same URL with a WebSocket scheme.
    pub fn websocket(&self) -> String {
        let scheme = if self.secure { "wss" } else { "ws" };
        format!("{scheme}://{}{}", self.authority(), self.path)
    }
}

impl fmt::Display for StreamUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.secure { "https" } else { "http" };
        write!(f, "{scheme}://{}{}", self.authority(), self.path)
    }
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return Err("unclosed '[' in the host".to_owned());
        };
        let host = &authority[..end + 2];
        match &rest[end + 1..] {
            "" => (host, None),
            tail => match tail.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("unexpected {tail:?} after the host")),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("the URL has no host".to_owned());
    }
    let port = match port {
        None | Some("") => None,
        Some(text) => match text.parse::<u16>() {
            Ok(0) | Err(_) => return Err(format!("invalid port {text:?}")),
            Ok(port) => Some(port),
        },
    };
    Ok((host.to_owned(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_url_parsed() {
        let url = StreamUrl::parse("http://127.0.0.1:38451/exec/AbCdEf12").unwrap();
        assert_eq!(url.host, "127.0.0.1");
        assert_eq!(url.port, 38451);
        assert_eq!(url.path, "/exec/AbCdEf12");
        assert!(!url.secure);
    }

    #[test]
    fn relative_url_uses_kubelet_base() {
        let url = StreamUrl::parse("/attach/abc").unwrap();
        assert_eq!(url.to_string(), "http://127.0.0.1:10250/attach/abc");
    }

    #[test]
    fn missing_scheme_means_http() {
        let url = StreamUrl::parse("127.0.0.1:9/exec/abc").unwrap();
        assert_eq!(url.to_string(), "http://127.0.0.1:9/exec/abc");
    }

    #[test]
    fn ipv6_host_keeps_brackets() {
        let url = StreamUrl::parse("http://[::1]:1234/portforward/x").unwrap();
        assert_eq!(url.host, "[::1]");
        assert_eq!(url.bare_host(), "::1");
        assert_eq!(url.authority(), "[::1]:1234");
    }

    #[test]
    fn default_ports_by_scheme() {
        assert_eq!(StreamUrl::parse("http://node/exec/a").unwrap().port, 80);
        assert_eq!(StreamUrl::parse("https://node/exec/a").unwrap().port, 443);
    }

    #[test]
    fn websocket_scheme_swapped() {
        let url = StreamUrl::parse("http://127.0.0.1:5/exec/a?x=1").unwrap();
        assert_eq!(url.websocket(), "ws://127.0.0.1:5/exec/a?x=1");
    }

    #[test]
    fn bad_urls_rejected() {
        for text in [
            "",
            "ftp://host/x",
            "http://:80/x",
            "http://host:99999/x",
            "http://host:abc/x",
            "http://user@host/x",
            "http://[::1/x",
        ] {
            assert!(StreamUrl::parse(text).is_err(), "{text:?} accepted");
        }
    }
}
