//! The three list calls (pods, containers, images). Each makes the unary
//! call crictl makes. When the reply is over the size limit, it asks again
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
    let unary = call(
        timeout,
        client.list_pod_sandbox(request(
            cri::ListPodSandboxRequest {
                filter: Some(filter.clone()),
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.items);
    if !too_large(&unary, "StreamPodSandboxes") {
        return unary;
    }
    let streamed = collect(timeout, async {
        let stream = client
            .stream_pod_sandboxes(request(
                cri::StreamPodSandboxesRequest {
                    filter: Some(filter),
                },
                timeout,
            ))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.pod_sandboxes)))
    })
    .await;
    unless_unimplemented(streamed, unary)
}

/// Lists containers matching `filter`.
pub async fn containers(
    client: &mut RuntimeClient,
    filter: cri::ContainerFilter,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Container>, tonic::Status> {
    let unary = call(
        timeout,
        client.list_containers(request(
            cri::ListContainersRequest {
                filter: Some(filter.clone()),
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.containers);
    if !too_large(&unary, "StreamContainers") {
        return unary;
    }
    let streamed = collect(timeout, async {
        let stream = client
            .stream_containers(request(
                cri::StreamContainersRequest {
                    filter: Some(filter),
                },
                timeout,
            ))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.containers)))
    })
    .await;
    unless_unimplemented(streamed, unary)
}

/// Lists images matching `filter`.
pub async fn images(
    client: &mut ImageClient,
    filter: Option<cri::ImageFilter>,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Image>, tonic::Status> {
    let unary = call(
        timeout,
        client.list_images(request(
            cri::ListImagesRequest {
                filter: filter.clone(),
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.images);
    if !too_large(&unary, "StreamImages") {
        return unary;
    }
    let streamed = collect(timeout, async {
        let stream = client
            .stream_images(request(cri::StreamImagesRequest { filter }, timeout))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.images)))
    })
    .await;
    unless_unimplemented(streamed, unary)
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

/// Whether a unary list failed only because its reply was over a size
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
/// lacks the streaming call, since that error says what went wrong.
fn unless_unimplemented<T>(
    streamed: Result<Vec<T>, tonic::Status>,
    unary: Result<Vec<T>, tonic::Status>,
) -> Result<Vec<T>, tonic::Status> {
    match streamed {
        Err(status) if status.code() == Code::Unimplemented => unary,
        other => other,
    }
}
