//! Port forwarding: local TCP listeners on 127.0.0.1 and ::1, and the
//! loops that carry each accepted connection to a port in the pod.
//!
//! Over SPDY one connection to the stream server serves every local
//! connection: each gets an error stream and a data stream, tagged with
//! the remote port and a request ID. Over WebSocket each local connection
//! needs its own `PortForward` call and socket, with the data on channel 0
//! and errors on channel 1. Either way, a failure on one forwarded
//! connection closes that connection only.

mod spdy;
mod websocket;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tracing::debug;

use super::StreamError;

pub use spdy::{connect_spdy, forward_spdy};
pub use websocket::forward_websocket;

/// Bytes read from a local connection at a time.
const READ_CHUNK: usize = 32 * 1024;
/// Local connections are not read while this many bytes wait to be sent.
const MAX_BACKLOG: usize = 1024 * 1024;

/// A `[LOCAL:]REMOTE` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortPair {
    /// Local port; 0 picks a free one.
    pub local: u16,
    pub remote: u16,
}

/// Parses `LOCAL:REMOTE`, `:REMOTE` (any free local port) or `PORT`.
pub fn parse_port(text: &str) -> Result<PortPair, String> {
    let parts: Vec<&str> = text.split(':').collect();
    let (local, remote) = match parts[..] {
        [port] => (port, port),
        [local, remote] => (local, remote),
        _ => return Err(format!("invalid port {text:?}: use [LOCAL:]REMOTE")),
    };
    let local = if local.is_empty() {
        0
    } else {
        local
            .parse::<u16>()
            .map_err(|_| format!("invalid local port {local:?} in {text:?}"))?
    };
    let remote = remote
        .parse::<u16>()
        .map_err(|_| format!("invalid remote port {remote:?} in {text:?}"))?;
    if remote == 0 {
        return Err(format!(
            "invalid remote port in {text:?}: it must be above 0"
        ));
    }
    Ok(PortPair { local, remote })
}

/// One bound listener.
pub struct Listener {
    pub socket: TcpListener,
    pub address: SocketAddr,
    pub remote: u16,
}

/// Binds each pair on 127.0.0.1 and on ::1. A pair with local port 0 gets
/// one free port, used on both addresses. Fails when a pair binds on
/// neither.
pub async fn listen(pairs: &[PortPair]) -> Result<Vec<Listener>, StreamError> {
    let mut listeners = Vec::new();
    for pair in pairs {
        let mut port = pair.local;
        let mut bound = 0;
        let mut last_error = None;
        let hosts: [std::net::IpAddr; 2] = [Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()];
        for host in hosts {
            match TcpListener::bind(SocketAddr::new(host, port)).await {
                Ok(socket) => {
                    let address = socket.local_addr().map_err(|source| StreamError::Local {
                        action: "reading a listener's address",
                        source,
                    })?;
                    port = address.port();
                    bound += 1;
                    listeners.push(Listener {
                        socket,
                        address,
                        remote: pair.remote,
                    });
                }
                Err(error) => {
                    debug!(%host, port, %error, "cannot listen");
                    last_error = Some(error);
                }
            }
        }
        if bound == 0 {
            return Err(StreamError::Local {
                action: "listening on 127.0.0.1 and ::1",
                source: last_error.unwrap_or_else(|| std::io::Error::other("no address")),
            });
        }
    }
    Ok(listeners)
}

/// A local connection waiting to be forwarded.
pub struct Accepted {
    pub stream: TcpStream,
    pub local: u16,
    pub remote: u16,
}

/// Starts one accept loop per listener in `tasks`.
pub fn accept_all(listeners: Vec<Listener>, tasks: &mut JoinSet<()>) -> mpsc::Receiver<Accepted> {
    let (sender, receiver) = mpsc::channel(16);
    for listener in listeners {
        let sender = sender.clone();
        tasks.spawn(async move {
            loop {
                match listener.socket.accept().await {
                    Ok((stream, peer)) => {
                        debug!(%peer, local = %listener.address, "accepted");
                        let _ = stream.set_nodelay(true);
                        let accepted = Accepted {
                            stream,
                            local: listener.address.port(),
                            remote: listener.remote,
                        };
                        if sender.send(accepted).await.is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        crate::diag::error(&format!(
                            "accepting a connection on {}: {error}",
                            listener.address
                        ));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
    }
    receiver
}

/// Prints `Handling connection for PORT` on stdout, as crictl does.
pub fn announce(local: u16) {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "Handling connection for {local}");
    let _ = stdout.flush();
}

pub(super) fn report(local: u16, remote: u16, message: &str) {
    crate::diag::error(&format!(
        "an error occurred forwarding {local} -> {remote}: {}",
        message.trim()
    ));
}

#[cfg(test)]
mod tests {
    use super::websocket::strip_port_prefix;
    use super::*;
    use bytes::Bytes;

    #[test]
    fn port_forms_parsed() {
        assert_eq!(
            parse_port("8080:80"),
            Ok(PortPair {
                local: 8080,
                remote: 80
            })
        );
        assert_eq!(
            parse_port(":80"),
            Ok(PortPair {
                local: 0,
                remote: 80
            })
        );
        assert_eq!(
            parse_port("80"),
            Ok(PortPair {
                local: 80,
                remote: 80
            })
        );
    }

    #[test]
    fn bad_ports_rejected() {
        for text in ["1:2:3", "x:80", "80:y", "0", "8080:0", "70000", ""] {
            assert!(parse_port(text).is_err(), "{text:?} accepted");
        }
    }

    #[test]
    fn port_prefix_stripped() {
        let payload = Bytes::from_static(&[80, 0, b'h', b'i']);
        assert_eq!(
            strip_port_prefix(&payload, 80).unwrap(),
            Bytes::from_static(b"hi")
        );
    }

    #[test]
    fn wrong_port_prefix_rejected() {
        let payload = Bytes::from_static(&[81, 0]);
        assert!(strip_port_prefix(&payload, 80).is_err());
    }

    #[tokio::test]
    async fn listens_on_both_loopbacks() {
        let listeners = listen(&[PortPair {
            local: 0,
            remote: 80,
        }])
        .await
        .unwrap();
        assert!(listeners.iter().any(|l| l.address.is_ipv4()));
        let ports: Vec<u16> = listeners.iter().map(|l| l.address.port()).collect();
        assert!(ports.windows(2).all(|pair| pair[0] == pair[1]));
    }
}
