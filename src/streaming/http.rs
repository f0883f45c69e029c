//! Dialing the runtime's stream server and the HTTP/1.1 upgrade to SPDY.
//! The request is written by hand because the whole exchange is one
//! request and one response header block, after which the socket belongs
//! to the SPDY session.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::debug;

use super::StreamError;
use super::url::StreamUrl;

/// Largest response header block accepted.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest error body quoted in a message.
const MAX_BODY_BYTES: usize = 4096;

/// Connects to the host and port `url` names, and nowhere else.
pub async fn dial(url: &StreamUrl, timeout: Duration) -> Result<TcpStream, StreamError> {
    if url.secure {
        return Err(StreamError::TlsUnsupported {
            url: url.to_string(),
        });
    }
    let connect = async {
        // NOTE: the binary links glibc statically, so a host name (not an IP
        // address) is resolved through NSS modules loaded at run time, which
        // may fail on a node whose glibc differs from the build machine's.
        let addresses = tokio::net::lookup_host((url.bare_host(), url.port)).await?;
        let mut last_error = None;
        for address in addresses {
            debug!(%address, "connecting to the stream server");
            match TcpStream::connect(address).await {
                Ok(stream) => {
                    stream.set_nodelay(true)?;
                    return Ok(stream);
                }
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "the host has no address")
        }))
    };
    match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(source)) => Err(StreamError::Connect {
            url: url.to_string(),
            source,
        }),
        Err(_) => Err(StreamError::TimedOut {
            what: format!("connecting to {url}"),
            timeout,
        }),
    }
}

/// A connection switched to SPDY.
pub struct Upgraded {
    pub stream: TcpStream,
    /// Bytes the server sent after its response headers.
    pub already_read: Vec<u8>,
    /// The protocol the server picked from `X-Stream-Protocol-Version`.
    pub protocol: Option<String>,
}

/// Sends the SPDY/3.1 upgrade request offering `protocols` in order of
/// preference, and reads the server's response.
pub async fn upgrade_spdy(
    url: &StreamUrl,
    protocols: &[&str],
    timeout: Duration,
) -> Result<Upgraded, StreamError> {
    let mut stream = dial(url, timeout).await?;
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: crictl-rs/{}\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n",
        url.path,
        url.authority(),
        env!("CARGO_PKG_VERSION")
    );
    for protocol in protocols {
        request.push_str(&format!("X-Stream-Protocol-Version: {protocol}\r\n"));
    }
    request.push_str("\r\n");

    let exchange = async {
        stream.write_all(request.as_bytes()).await?;
        read_head(&mut stream).await
    };
    let (head, rest) = match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(parts)) => parts,
        Ok(Err(source)) => {
            return Err(StreamError::Connect {
                url: url.to_string(),
                source,
            });
        }
        Err(_) => {
            return Err(StreamError::TimedOut {
                what: format!("upgrading the connection to {url}"),
                timeout,
            });
        }
    };
    let response = parse_head(&head).map_err(|reason| StreamError::Upgrade {
        url: url.to_string(),
        status: 0,
        detail: reason,
    })?;
    debug!(status = response.status, protocol = ?response.protocol, "upgrade response");
    if response.status != 101 {
        let body = read_body(&mut stream, rest, response.content_length).await;
        return Err(StreamError::Upgrade {
            url: url.to_string(),
            status: response.status,
            detail: describe_refusal(&response, &body),
        });
    }
    Ok(Upgraded {
        stream,
        already_read: rest,
        protocol: response.protocol,
    })
}

struct Head {
    status: u16,
    reason: String,
    protocol: Option<String>,
    accepted: Option<String>,
    content_length: Option<usize>,
}

/// Reads up to the blank line ending the response headers; returns the
/// header bytes and whatever followed them.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find_blank_line(&buffer) {
            let rest = buffer.split_off(end);
            return Ok((buffer, rest));
        }
        if buffer.len() > MAX_HEAD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the response headers are too long",
            ));
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection before answering",
            ));
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

fn find_blank_line(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|index| index + 4)
}

fn parse_head(bytes: &[u8]) -> Result<Head, String> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("incomplete HTTP response".to_owned()),
        Err(error) => return Err(format!("invalid HTTP response: {error}")),
    }
    let value = |name: &str| {
        response
            .headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| String::from_utf8_lossy(header.value).trim().to_owned())
    };
    Ok(Head {
        status: response.code.unwrap_or(0),
        reason: response.reason.unwrap_or("").to_owned(),
        protocol: value("X-Stream-Protocol-Version"),
        accepted: value("X-Accepted-Stream-Protocol-Versions"),
        content_length: value("Content-Length").and_then(|text| text.parse().ok()),
    })
}

async fn read_body(stream: &mut TcpStream, mut body: Vec<u8>, length: Option<usize>) -> String {
    let wanted = length.unwrap_or(MAX_BODY_BYTES).min(MAX_BODY_BYTES);
    let mut chunk = [0u8; 1024];
    while body.len() < wanted {
        let read = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut chunk)).await;
        match read {
            Ok(Ok(read)) if read > 0 => body.extend_from_slice(&chunk[..read]),
            _ => break,
        }
    }
    body.truncate(wanted);
    String::from_utf8_lossy(&body).trim().to_owned()
}

fn describe_refusal(head: &Head, body: &str) -> String {
    let mut text = format!("{} {}", head.status, head.reason).trim().to_owned();
    if head.status == 404 {
        text.push_str(
            " (the stream token is unknown or expired; tokens are single-use and last one minute)",
        );
    }
    if let Some(accepted) = &head.accepted {
        text.push_str(&format!("; the server accepts protocols {accepted}"));
    }
    if !body.is_empty() {
        text.push_str(&format!(": {body}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_response_parsed() {
        let head = parse_head(
            b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.status, 101);
        assert_eq!(head.protocol.as_deref(), Some("v4.channel.k8s.io"));
    }

    #[test]
    fn blank_line_found() {
        assert_eq!(find_blank_line(b"HTTP/1.1 101 x\r\n\r\nrest"), Some(18));
        assert_eq!(find_blank_line(b"HTTP/1.1 101 x\r\n"), None);
    }

    #[test]
    fn refusal_names_accepted_protocols() {
        let head = parse_head(
            b"HTTP/1.1 403 Forbidden\r\nX-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            describe_refusal(&head, "unable to upgrade"),
            "403 Forbidden; the server accepts protocols v4.channel.k8s.io: unable to upgrade"
        );
    }

    #[test]
    fn garbage_response_rejected() {
        assert!(parse_head(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
    }
}
