//! Endpoint strings (`unix:///run/containerd/containerd.sock`, bare socket
//! paths) and the list of sockets tried when none is configured.

use std::path::PathBuf;

/// Sockets tried in order when no endpoint is configured: containerd, CRI-O,
/// cri-dockerd.
pub const DEFAULT_ENDPOINTS: [&str; 3] = [
    "unix:///run/containerd/containerd.sock",
    "unix:///run/crio/crio.sock",
    "unix:///var/run/cri-dockerd.sock",
];

/// An endpoint that cannot be used on this platform or does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid endpoint {endpoint:?}: {reason}")]
pub struct EndpointError {
    pub endpoint: String,
    pub reason: String,
}

/// Resolves an endpoint to the path of its Unix socket.
///
/// As in crictl, the host part of a `unix://` URL is ignored
/// (`unix://host/x.sock` is `/x.sock`), and a string without a scheme is a
/// socket path.
pub fn socket_path(endpoint: &str) -> Result<PathBuf, EndpointError> {
    let fail = |reason: &str| EndpointError {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        if endpoint.is_empty() {
            return Err(fail("empty"));
        }
        return Ok(PathBuf::from(endpoint));
    };
    match scheme {
        "unix" => {
            let path = match rest.find('/') {
                Some(slash) => &rest[slash..],
                None => "",
            };
            if path.is_empty() {
                return Err(fail(
                    "no socket path; write it as unix:///absolute/path.sock",
                ));
            }
            Ok(PathBuf::from(path))
        }
        "tcp" => Err(fail(
            "only Unix socket endpoints are supported on this platform (unix:///path.sock)",
        )),
        other => Err(fail(&format!(
            "protocol {other:?} is not supported; use unix:///path.sock"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_url_gives_path() {
        assert_eq!(
            socket_path("unix:///run/containerd/containerd.sock").unwrap(),
            PathBuf::from("/run/containerd/containerd.sock")
        );
    }

    #[test]
    fn unix_url_host_ignored() {
        assert_eq!(
            socket_path("unix://rel/x.sock").unwrap(),
            PathBuf::from("/x.sock")
        );
    }

    #[test]
    fn bare_path_is_unix() {
        assert_eq!(
            socket_path("/run/x.sock").unwrap(),
            PathBuf::from("/run/x.sock")
        );
    }

    #[test]
    fn tcp_rejected() {
        let error = socket_path("tcp://127.0.0.1:1234").unwrap_err();
        assert!(error.reason.contains("Unix socket"), "{error}");
    }

    #[test]
    fn other_scheme_rejected() {
        let error = socket_path("npipe:////./pipe/x").unwrap_err();
        assert!(error.reason.contains("\"npipe\""), "{error}");
    }

    #[test]
    fn empty_rejected() {
        assert!(socket_path("").is_err());
        assert!(socket_path("unix://").is_err());
    }
}
