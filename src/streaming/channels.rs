//! The Kubernetes remote-command channel protocol shared by SPDY and
//! WebSocket: channel numbers, protocol names, resize messages and the
//! status a runtime reports when the command ends.

use serde_json::Value;

/// Channel of the command's standard input.
pub const STDIN: u8 = 0;
/// Channel of the command's standard output.
pub const STDOUT: u8 = 1;
/// Channel of the command's standard error.
pub const STDERR: u8 = 2;
/// Channel on which the runtime reports how the command ended.
pub const ERROR: u8 = 3;
/// Channel for terminal size changes.
pub const RESIZE: u8 = 4;
/// WebSocket v5 marker: a message `[CLOSE, channel]` half-closes `channel`.
pub const CLOSE: u8 = 255;

/// Remote-command protocol versions, newest first, as offered over SPDY.
pub const V5: &str = "v5.channel.k8s.io";
pub const V4: &str = "v4.channel.k8s.io";
pub const V3: &str = "v3.channel.k8s.io";
pub const V2: &str = "v2.channel.k8s.io";
pub const V1: &str = "channel.k8s.io";
/// The SPDY port-forward protocol.
pub const PORT_FORWARD: &str = "portforward.k8s.io";

/// A negotiated remote-command protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V1,
    V2,
    V3,
    V4,
    V5,
}

impl Version {
    /// Returns the version a server picked, by its protocol name. A missing
    /// or unknown name means v1, as in client-go.
    pub fn from_name(name: Option<&str>) -> Version {
        match name.map(str::trim) {
            Some(V5) => Version::V5,
            Some(V4) => Version::V4,
            Some(V3) => Version::V3,
            Some(V2) => Version::V2,
            _ => Version::V1,
        }
    }

    /// Returns whether the error channel carries a JSON status (v4 and
    /// later) rather than plain text.
    pub fn json_status(self) -> bool {
        self >= Version::V4
    }

    /// Returns whether the protocol has a resize channel (v3 and later).
    pub fn has_resize(self) -> bool {
        self >= Version::V3
    }
}

/// The end of a remote command, as its error channel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteStatus {
    Success,
    /// The command exited with this non-zero status.
    Exited(i32),
    /// The runtime reported a failure other than an exit status.
    Failed(String),
}

/// Reads the error channel's content. Under v4 and later it is one JSON
/// object: the short form of current servers and the full `metav1.Status`
/// of older ones (with `metadata` and more) are both accepted. Before v4 an
/// empty channel means success and any text is the failure message.
pub fn parse_status(version: Version, content: &[u8]) -> RemoteStatus {
    let text = String::from_utf8_lossy(content);
    let text = text.trim();
    if text.is_empty() {
        return RemoteStatus::Success;
    }
    if !version.json_status() {
        return RemoteStatus::Failed(text.to_owned());
    }
    let Ok(status) = serde_json::from_str::<Value>(text) else {
        return RemoteStatus::Failed(text.to_owned());
    };
    if status.get("status").and_then(Value::as_str) == Some("Success") {
        return RemoteStatus::Success;
    }
    let message = status
        .get("message")
        .and_then(Value::as_str)
        .filter(|message| !message.is_empty())
        .unwrap_or(text)
        .to_owned();
    if status.get("reason").and_then(Value::as_str) == Some("NonZeroExitCode")
        && let Some(code) = exit_code_cause(&status)
    {
        return RemoteStatus::Exited(code);
    }
    RemoteStatus::Failed(message)
}

/// Finds the exit status in `details.causes`. The cause's type travels
/// under the JSON key `reason`. The code is parsed as 0-255, as client-go
/// does.
fn exit_code_cause(status: &Value) -> Option<i32> {
    let causes = status.get("details")?.get("causes")?.as_array()?;
    causes
        .iter()
        .find(|cause| cause.get("reason").and_then(Value::as_str) == Some("ExitCode"))
        .and_then(|cause| cause.get("message")?.as_str()?.trim().parse::<u8>().ok())
        .map(i32::from)
}

/// Builds a resize message with Go's field names `Width` and `Height`.
pub fn resize_message(width: u16, height: u16) -> Vec<u8> {
    format!("{{\"Width\":{width},\"Height\":{height}}}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXIT_3_SHORT: &str = r#"{"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#;
    const EXIT_3_FULL: &str = r#"{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}"#;

    #[test]
    fn success_status_parsed() {
        let status = parse_status(Version::V4, br#"{"metadata":{},"status":"Success"}"#);
        assert_eq!(status, RemoteStatus::Success);
    }

    #[test]
    fn exit_code_short_shape() {
        let status = parse_status(Version::V4, EXIT_3_SHORT.as_bytes());
        assert_eq!(status, RemoteStatus::Exited(3));
    }

    #[test]
    fn exit_code_full_shape() {
        let status = parse_status(Version::V4, EXIT_3_FULL.as_bytes());
        assert_eq!(status, RemoteStatus::Exited(3));
    }

    #[test]
    fn internal_error_keeps_message() {
        let text = br#"{"status":"Failure","message":"Internal error occurred: no such process","reason":"InternalError","code":500}"#;
        let status = parse_status(Version::V4, text);
        assert_eq!(
            status,
            RemoteStatus::Failed("Internal error occurred: no such process".into())
        );
    }

    #[test]
    fn exit_code_out_of_range() {
        let text = br#"{"status":"Failure","message":"m","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"300"}]}}"#;
        assert_eq!(
            parse_status(Version::V4, text),
            RemoteStatus::Failed("m".into())
        );
    }

    #[test]
    fn v1_text_is_failure() {
        let status = parse_status(Version::V1, b"exit status 3");
        assert_eq!(status, RemoteStatus::Failed("exit status 3".into()));
    }

    #[test]
    fn empty_channel_is_success() {
        assert_eq!(parse_status(Version::V4, b""), RemoteStatus::Success);
    }

    #[test]
    fn garbage_json_is_failure() {
        let status = parse_status(Version::V4, b"{not json");
        assert_eq!(status, RemoteStatus::Failed("{not json".into()));
    }

    #[test]
    fn version_names_negotiated() {
        assert_eq!(Version::from_name(Some(V4)), Version::V4);
        assert_eq!(Version::from_name(None), Version::V1);
        assert_eq!(Version::from_name(Some("bogus")), Version::V1);
    }

    #[test]
    fn resize_uses_go_names() {
        assert_eq!(resize_message(80, 24), br#"{"Width":80,"Height":24}"#);
    }
}
