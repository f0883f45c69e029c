//! The three list calls (pods, containers, images). Each makes the unary
//! call crictl makes. When the reply is over the size limit, it requests the list again
//! with the runtime's streaming variant, which sends the list in batches.

use std::time::Duration;

use tokio_stream::StreamExt as _;
use tonic::Code;
use tracing::debug;

use crate::proto::cri;
use crate::transport::{
    ImageClient, RuntimeClient, call, deadline_exceeded, deadline_status, request,
};

/// Lists pod sandboxes matching `filter`.
pub async fn pods(
    client: &mut RuntimeClient,
    filter: cri::PodSandboxFilter,
    timeout: Option<Duration>,
) -> Result<Vec<cri::PodSandbox>, tonic::Status> {
    let filter = Some(filter);
    let unary = async |client: &mut RuntimeClient| {
        let message = cri::ListPodSandboxRequest {
            filter: filter.clone(),
        };
        let reply = call(timeout, client.list_pod_sandbox(request(message, timeout))).await?;
        Ok(reply.items)
    };
    let streamed = async |client: &mut RuntimeClient| {
        let message = cri::StreamPodSandboxesRequest {
            filter: filter.clone(),
        };
        let stream = client
            .stream_pod_sandboxes(request(message, timeout))
            .await?;
        Ok(stream
            .into_inner()
            .map(|batch| batch.map(|b| b.pod_sandboxes)))
    };
    unary_then_streamed(client, timeout, "StreamPodSandboxes", unary, streamed).await
}

/// Lists containers matching `filter`.
pub async fn containers(
    client: &mut RuntimeClient,
    filter: cri::ContainerFilter,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Container>, tonic::Status> {
    let filter = Some(filter);
    let unary = async |client: &mut RuntimeClient| {
        let message = cri::ListContainersRequest {
            filter: filter.clone(),
        };
        let reply = call(timeout, client.list_containers(request(message, timeout))).await?;
        Ok(reply.containers)
    };
    let streamed = async |client: &mut RuntimeClient| {
        let message = cri::StreamContainersRequest {
            filter: filter.clone(),
        };
        let stream = client.stream_containers(request(message, timeout)).await?;
        Ok(stream.into_inner().map(|batch| batch.map(|b| b.containers)))
    };
    unary_then_streamed(client, timeout, "StreamContainers", unary, streamed).await
}

/// Lists images matching `filter`.
pub async fn images(
    client: &mut ImageClient,
    filter: Option<cri::ImageFilter>,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Image>, tonic::Status> {
    let unary = async |client: &mut ImageClient| {
        let message = cri::ListImagesRequest {
            filter: filter.clone(),
        };
        let reply = call(timeout, client.list_images(request(message, timeout))).await?;
        Ok(reply.images)
    };
    let streamed = async |client: &mut ImageClient| {
        let message = cri::StreamImagesRequest {
            filter: filter.clone(),
        };
        let stream = client.stream_images(request(message, timeout)).await?;
        Ok(stream.into_inner().map(|batch| batch.map(|b| b.images)))
    };
    unary_then_streamed(client, timeout, "StreamImages", unary, streamed).await
}

/// Makes the unary list call and, when its reply was too large, the
/// streaming call `rpc`, which `streamed` opens.
async fn unary_then_streamed<C, T, S>(
    client: &mut C,
    timeout: Option<Duration>,
    rpc: &str,
    unary: impl AsyncFnOnce(&mut C) -> Result<Vec<T>, tonic::Status>,
    streamed: impl AsyncFnOnce(&mut C) -> Result<S, tonic::Status>,
) -> Result<Vec<T>, tonic::Status>
where
    S: tokio_stream::Stream<Item = Result<Vec<T>, tonic::Status>> + Unpin,
{
    let first = unary(client).await;
    if !too_large(&first, rpc) {
        return first;
    }
    let result = collect(timeout, streamed(client)).await;
    unless_unimplemented(result, first)
}

/// Opens a stream of batches and gathers every item, all within `timeout`.
async fn collect<T, S>(
    timeout: Option<Duration>,
    open: impl Future<Output = Result<S, tonic::Status>>,
) -> Result<Vec<T>, tonic::Status>
where
    S: tokio_stream::Stream<Item = Result<Vec<T>, tonic::Status>> + Unpin,
{
    let gather = async {
        let mut stream = open.await?;
        let mut items = Vec::new();
        while let Some(batch) = stream.next().await {
            items.extend(batch?);
        }
        Ok(items)
    };
    match timeout {
        None => gather.await,
        Some(limit) => match tokio::time::timeout(limit, gather).await {
            Ok(result) => result.map_err(|status| deadline_status(status, limit)),
            Err(_) => Err(deadline_exceeded(limit)),
        },
    }
}

/// Returns whether a unary list failed only because its reply was over a size
/// limit: ours when decoding (OutOfRange), or the runtime's when sending
/// (ResourceExhausted). Then the streaming call `rpc` is worth a try.
fn too_large<T>(result: &Result<Vec<T>, tonic::Status>, rpc: &str) -> bool {
    match result {
        Err(status) if matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted) => {
            debug!(
                rpc,
                message = status.message(),
                "list reply too large, trying the streaming call"
            );
            true
        }
        _ => false,
    }
}

/// Returns the streaming result, or the unary call's error when the runtime
/// lacks the streaming call, since that error explains the failure.
fn unless_unimplemented<T>(
    streamed: Result<Vec<T>, tonic::Status>,
    unary: Result<Vec<T>, tonic::Status>,
) -> Result<Vec<T>, tonic::Status> {
    match streamed {
        Err(status) if status.code() == Code::Unimplemented => unary,
        other => other,
    }
}
