//! The three list calls (pods, containers, images). Each tries the runtime's
//! streaming variant first, which has no reply-size limit, and falls back to
//! the unary call when the runtime does not implement it.

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
    let streamed = collect(timeout, async {
        let stream = client
            .stream_pod_sandboxes(request(
                cri::StreamPodSandboxesRequest {
                    filter: Some(filter.clone()),
                },
                timeout,
            ))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.pod_sandboxes)))
    })
    .await;
    if let Some(result) = unless_unimplemented(streamed, "StreamPodSandboxes") {
        return result;
    }
    call(
        timeout,
        client.list_pod_sandbox(request(
            cri::ListPodSandboxRequest {
                filter: Some(filter),
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.items)
}

/// Lists containers matching `filter`.
pub async fn containers(
    client: &mut RuntimeClient,
    filter: cri::ContainerFilter,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Container>, tonic::Status> {
    let streamed = collect(timeout, async {
        let stream = client
            .stream_containers(request(
                cri::StreamContainersRequest {
                    filter: Some(filter.clone()),
                },
                timeout,
            ))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.containers)))
    })
    .await;
    if let Some(result) = unless_unimplemented(streamed, "StreamContainers") {
        return result;
    }
    call(
        timeout,
        client.list_containers(request(
            cri::ListContainersRequest {
                filter: Some(filter),
            },
            timeout,
        )),
    )
    .await
    .map(|reply| reply.containers)
}

/// Lists images matching `filter`.
pub async fn images(
    client: &mut ImageClient,
    filter: Option<cri::ImageFilter>,
    timeout: Option<Duration>,
) -> Result<Vec<cri::Image>, tonic::Status> {
    let streamed = collect(timeout, async {
        let stream = client
            .stream_images(request(
                cri::StreamImagesRequest {
                    filter: filter.clone(),
                },
                timeout,
            ))
            .await?
            .into_inner();
        Ok(stream.map(|batch| batch.map(|b| b.images)))
    })
    .await;
    if let Some(result) = unless_unimplemented(streamed, "StreamImages") {
        return result;
    }
    call(
        timeout,
        client.list_images(request(cri::ListImagesRequest { filter }, timeout)),
    )
    .await
    .map(|reply| reply.images)
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

/// Passes a streaming result on, or `None` when the runtime lacks the call.
fn unless_unimplemented<T>(
    result: Result<Vec<T>, tonic::Status>,
    rpc: &str,
) -> Option<Result<Vec<T>, tonic::Status>> {
    match result {
        Err(status) if status.code() == Code::Unimplemented => {
            debug!(rpc, "streaming list not implemented, using the unary call");
            None
        }
        other => Some(other),
    }
}
