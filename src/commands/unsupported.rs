//! Errors for calls that the runtime does not implement. Newer CRI calls
//! (container events, metrics) are missing from older runtimes, and the
//! useful message names the runtime and its version rather than a gRPC
//! code.

use std::time::Duration;

use tonic::Code;

use crate::error::Error;
use crate::transport::{RuntimeClient, call, request};

/// Turns the failure of `rpc`, made by `crictl command` while `action`, into
/// an error.
///
/// `Unimplemented` becomes one line naming the runtime and its version, such
/// as `containerd 1.6.20 does not implement GetContainerEvents, which
/// "crictl events" needs`. Any other status gives the usual RPC error, and
/// so does `Unimplemented` when the `Version` call fails too.
pub async fn rpc_error(
    client: &mut RuntimeClient,
    timeout: Option<Duration>,
    status: tonic::Status,
    rpc: &str,
    command: &str,
    action: &str,
) -> Error {
    if status.code() != Code::Unimplemented {
        return Error::rpc(action, status);
    }
    let version = call(
        timeout,
        client.version(request(
            crate::proto::cri::VersionRequest {
                version: "v1".to_owned(),
            },
            timeout,
        )),
    )
    .await;
    match version {
        Ok(reply) => Error::Runtime(format!(
            "{} {} does not implement {rpc}, which \"crictl {command}\" needs",
            reply.runtime_name, reply.runtime_version
        )),
        Err(_) => Error::rpc(action, status),
    }
}
