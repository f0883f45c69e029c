//! The gRPC side of the fake runtime: both CRI services replying from the
//! shared [`State`], logging every call and injecting the configured faults.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, MutexGuard};

use crictl_rs::proto::cri::{
    self,
    image_service_server::{ImageService, ImageServiceServer},
    runtime_service_server::{RuntimeService, RuntimeServiceServer},
};
use tokio_stream::Stream;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::{Request, Response, Status};
use tower::Service as _;
use tower::util::BoxCloneService;

use super::fake::{Shared, State};
use super::request_text;

type Reply<T> = Result<Response<T>, Status>;
type ReplyStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Both CRI services over one shared state.
#[derive(Clone)]
pub struct FakeService {
    shared: Arc<Shared>,
}

impl FakeService {
    pub fn new(shared: Arc<Shared>) -> Self {
        FakeService { shared }
    }

    /// Builds one HTTP service that sends each call to the CRI service its
    /// path names, since tonic's router is not among the enabled features.
    pub fn into_router(
        self,
    ) -> BoxCloneService<http::Request<Body>, http::Response<Body>, Infallible> {
        let runtime = RuntimeServiceServer::new(self.clone());
        let image = ImageServiceServer::new(self);
        BoxCloneService::new(tower::service_fn(move |request: http::Request<Body>| {
            let mut runtime = runtime.clone();
            let mut image = image.clone();
            async move {
                if request
                    .uri()
                    .path()
                    .starts_with("/runtime.v1.ImageService/")
                {
                    image.call(request).await
                } else {
                    runtime.call(request).await
                }
            }
        }))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state()
    }

    /// Returns the configured stream URL, or `Unimplemented` when there is
    /// none.
    fn stream_url(&self) -> Result<String, Status> {
        let url = self.state().stream_url.clone();
        if url.is_empty() {
            return Err(Status::unimplemented("the fake runtime has no stream URL"));
        }
        Ok(url)
    }

    /// Logs the call, waits out its configured delay and returns its
    /// configured fault, if any.
    async fn enter<M: prost::Message>(&self, method: &str, request: &M) -> Result<(), Status> {
        let type_name = std::any::type_name::<M>()
            .rsplit("::")
            .next()
            .unwrap_or_default();
        let text = request_text::render(&format!("runtime.v1.{type_name}"), request);
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(format!("{method} {text}"));

        let (delay, fault) = {
            let state = self.state();
            (
                state.delays.get(method).copied(),
                state.faults.get(method).cloned(),
            )
        };
        if let Some(delay) = delay {
            tokio::time::sleep(delay).await;
        }
        match fault {
            Some((code, message)) => Err(Status::new(code, message)),
            None => Ok(()),
        }
    }

    /// Logs a call the fake does not implement and rejects it.
    async fn reject<M: prost::Message, T>(&self, method: &str, request: &M) -> Result<T, Status> {
        self.enter(method, request).await?;
        Err(Status::unimplemented(format!(
            "the fake runtime does not implement {method}"
        )))
    }

    /// Returns how far to move pod and container times forward (see
    /// `State::clock_anchor`).
    fn clock_shift(&self) -> i64 {
        self.state()
            .clock_anchor
            .map_or(0, |anchor| now_nanos() - anchor)
    }

    fn listed_pods(&self, filter: Option<&cri::PodSandboxFilter>) -> Vec<cri::PodSandbox> {
        let shift = self.clock_shift();
        let state = self.state();
        state
            .pods
            .iter()
            .filter(|pod| state.ignore_filters || filter.is_none_or(|f| pod_selected(f, pod)))
            .cloned()
            .map(|mut pod| {
                pod.created_at += shift;
                pod
            })
            .collect()
    }

    fn listed_containers(&self, filter: Option<&cri::ContainerFilter>) -> Vec<cri::Container> {
        let shift = self.clock_shift();
        let state = self.state();
        state
            .containers
            .iter()
            .filter(|c| state.ignore_filters || filter.is_none_or(|f| container_selected(f, c)))
            .cloned()
            .map(|mut container| {
                container.created_at += shift;
                container
            })
            .collect()
    }

    fn listed_images(&self, filter: Option<&cri::ImageFilter>) -> Vec<cri::Image> {
        let state = self.state();
        let name = filter
            .and_then(|f| f.image.as_ref())
            .map_or("", |spec| spec.image.as_str());
        state
            .images
            .iter()
            .filter(|image| state.ignore_filters || name.is_empty() || image_named(image, name))
            .cloned()
            .collect()
    }

    /// Replies to a `Stream*` list call in batches, or rejects it when
    /// streaming is off.
    fn batches<T, R>(&self, items: Vec<T>, wrap: fn(Vec<T>) -> R) -> Reply<ReplyStream<R>>
    where
        T: Clone + Send + 'static,
        R: Send + 'static,
    {
        let Some(size) = self.state().stream_batch else {
            return Err(Status::unimplemented(
                "streaming lists are off in the fake runtime",
            ));
        };
        let replies: Vec<Result<R, Status>> = items
            .chunks(size.max(1))
            .map(|chunk| Ok(wrap(chunk.to_vec())))
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(replies))))
    }
}

impl FakeService {
    /// Counts the calls of `method` the fake has received, this one included.
    fn call_count(&self, method: &str) -> usize {
        let prefix = format!("{method} ");
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|line| line.starts_with(&prefix))
            .count()
    }
}

/// Returns the sample for call number `index` (from 0). Calls past the last
/// sample get the last one again, and no samples give an empty reply.
fn nth_sample<T: Clone>(samples: &[Vec<T>], index: usize) -> Vec<T> {
    samples
        .get(index)
        .or_else(|| samples.last())
        .cloned()
        .unwrap_or_default()
}

/// Applies a container stats filter as a runtime does. Stats carry no pod
/// ID, so the pod comes from the container list.
fn container_stats_selected(
    state: &State,
    filter: &cri::ContainerStatsFilter,
    stats: &cri::ContainerStats,
) -> bool {
    let attributes = stats.attributes.clone().unwrap_or_default();
    let pod = state
        .containers
        .iter()
        .find(|container| container.id == attributes.id)
        .map_or("", |container| container.pod_sandbox_id.as_str());
    attributes.id.starts_with(&filter.id)
        && pod.starts_with(&filter.pod_sandbox_id)
        && labels_selected(&attributes.labels, &filter.label_selector)
}

fn pod_stats_selected(filter: &cri::PodSandboxStatsFilter, stats: &cri::PodSandboxStats) -> bool {
    let attributes = stats.attributes.clone().unwrap_or_default();
    attributes.id.starts_with(&filter.id)
        && labels_selected(&attributes.labels, &filter.label_selector)
}

/// Returns the current time in Unix nanoseconds.
pub fn now_nanos() -> i64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(elapsed.as_nanos()).expect("the time fits in i64 nanoseconds")
}

fn labels_selected(
    labels: &std::collections::BTreeMap<String, String>,
    selector: &std::collections::BTreeMap<String, String>,
) -> bool {
    selector
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

fn pod_selected(filter: &cri::PodSandboxFilter, pod: &cri::PodSandbox) -> bool {
    pod.id.starts_with(&filter.id)
        && filter.state.as_ref().is_none_or(|s| s.state == pod.state)
        && labels_selected(&pod.labels, &filter.label_selector)
}

fn container_selected(filter: &cri::ContainerFilter, container: &cri::Container) -> bool {
    container.id.starts_with(&filter.id)
        && container.pod_sandbox_id.starts_with(&filter.pod_sandbox_id)
        && filter
            .state
            .as_ref()
            .is_none_or(|s| s.state == container.state)
        && labels_selected(&container.labels, &filter.label_selector)
}

/// Reports whether `name` refers to `image`: by ID or ID prefix, or by a
/// tag or digest reference, with Docker Hub's defaults filled in (`nginx` is
/// `docker.io/library/nginx:latest`).
pub fn image_named(image: &cri::Image, name: &str) -> bool {
    let hex = name.strip_prefix("sha256:").unwrap_or(name);
    let id_hex = image.id.strip_prefix("sha256:").unwrap_or(&image.id);
    if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) && id_hex.starts_with(hex) {
        return true;
    }
    let full = full_reference(name);
    image.repo_tags.contains(&full) || image.repo_digests.contains(&full)
}

fn full_reference(name: &str) -> String {
    let (repository, digest) = match name.split_once('@') {
        Some((repository, digest)) => (repository, Some(digest)),
        None => (name, None),
    };
    let repository = match repository.split_once('/') {
        None => format!("docker.io/library/{repository}"),
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => {
            repository.to_owned()
        }
        Some(_) => format!("docker.io/{repository}"),
    };
    match digest {
        Some(digest) => format!("{repository}@{digest}"),
        None if repository
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':')) =>
        {
            repository
        }
        None => format!("{repository}:latest"),
    }
}

/// Finds the one ID among `ids` that starts with `prefix`.
fn resolve<'a>(
    ids: impl Iterator<Item = &'a String>,
    prefix: &str,
    kind: &str,
) -> Result<String, Status> {
    let matches: Vec<&String> = ids
        .filter(|id| !prefix.is_empty() && id.starts_with(prefix))
        .collect();
    match matches[..] {
        [one] => Ok(one.clone()),
        [] => Err(Status::not_found(format!(
            "an error occurred when try to find {kind} {prefix}: not found"
        ))),
        _ => Err(Status::invalid_argument(format!(
            "{kind} ID prefix {prefix} is ambiguous"
        ))),
    }
}

impl State {
    fn pod_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.pods.iter().map(|pod| pod.id.clone()).collect();
        ids.extend(
            self.pod_statuses
                .keys()
                .filter(|id| !ids.contains(id))
                .cloned()
                .collect::<Vec<_>>(),
        );
        ids
    }

    fn container_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.containers.iter().map(|c| c.id.clone()).collect();
        ids.extend(
            self.container_statuses
                .keys()
                .filter(|id| !ids.contains(id))
                .cloned()
                .collect::<Vec<_>>(),
        );
        ids
    }

    fn pod_status(&self, id: &str) -> cri::PodSandboxStatusResponse {
        if let Some(reply) = self.pod_statuses.get(id) {
            return reply.clone();
        }
        let pod = self
            .pods
            .iter()
            .find(|pod| pod.id == id)
            .cloned()
            .unwrap_or_default();
        cri::PodSandboxStatusResponse {
            status: Some(cri::PodSandboxStatus {
                id: pod.id,
                metadata: pod.metadata,
                state: pod.state,
                created_at: pod.created_at,
                labels: pod.labels,
                annotations: pod.annotations,
                runtime_handler: pod.runtime_handler,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn container_status(&self, id: &str) -> cri::ContainerStatusResponse {
        if let Some(reply) = self.container_statuses.get(id) {
            return reply.clone();
        }
        let container = self
            .containers
            .iter()
            .find(|c| c.id == id)
            .cloned()
            .unwrap_or_default();
        cri::ContainerStatusResponse {
            status: Some(cri::ContainerStatus {
                id: container.id,
                metadata: container.metadata,
                state: container.state,
                created_at: container.created_at,
                image: container.image,
                image_ref: container.image_ref,
                labels: container.labels,
                annotations: container.annotations,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn set_pod_state(&mut self, id: &str, state: cri::PodSandboxState) {
        for pod in self.pods.iter_mut().filter(|pod| pod.id == id) {
            pod.state = state as i32;
        }
        if let Some(status) = self
            .pod_statuses
            .get_mut(id)
            .and_then(|r| r.status.as_mut())
        {
            status.state = state as i32;
        }
    }

    fn set_container_state(&mut self, id: &str, state: cri::ContainerState) {
        for container in self.containers.iter_mut().filter(|c| c.id == id) {
            container.state = state as i32;
        }
        if let Some(status) = self
            .container_statuses
            .get_mut(id)
            .and_then(|r| r.status.as_mut())
        {
            status.state = state as i32;
        }
    }
}

#[tonic::async_trait]
impl RuntimeService for FakeService {
    type StreamPodSandboxesStream = ReplyStream<cri::StreamPodSandboxesResponse>;
    type StreamContainersStream = ReplyStream<cri::StreamContainersResponse>;
    type StreamContainerStatsStream = ReplyStream<cri::StreamContainerStatsResponse>;
    type StreamPodSandboxStatsStream = ReplyStream<cri::StreamPodSandboxStatsResponse>;
    type GetContainerEventsStream = ReplyStream<cri::ContainerEventResponse>;
    type StreamPodSandboxMetricsStream = ReplyStream<cri::StreamPodSandboxMetricsResponse>;

    async fn version(&self, request: Request<cri::VersionRequest>) -> Reply<cri::VersionResponse> {
        self.enter("Version", request.get_ref()).await?;
        Ok(Response::new(self.state().version.clone()))
    }

    async fn run_pod_sandbox(
        &self,
        request: Request<cri::RunPodSandboxRequest>,
    ) -> Reply<cri::RunPodSandboxResponse> {
        self.enter("RunPodSandbox", request.get_ref()).await?;
        let request = request.into_inner();
        let config = request.config.unwrap_or_default();
        let mut state = self.state();
        let id = state.new_pod_id.clone();
        state.pods.push(cri::PodSandbox {
            id: id.clone(),
            metadata: config.metadata,
            state: cri::PodSandboxState::SandboxReady as i32,
            created_at: now_nanos(),
            labels: config.labels,
            annotations: config.annotations,
            runtime_handler: request.runtime_handler,
        });
        Ok(Response::new(cri::RunPodSandboxResponse {
            pod_sandbox_id: id,
        }))
    }

    async fn stop_pod_sandbox(
        &self,
        request: Request<cri::StopPodSandboxRequest>,
    ) -> Reply<cri::StopPodSandboxResponse> {
        self.enter("StopPodSandbox", request.get_ref()).await?;
        let mut state = self.state();
        let id = resolve(
            state.pod_ids().iter(),
            &request.get_ref().pod_sandbox_id,
            "sandbox",
        )?;
        state.set_pod_state(&id, cri::PodSandboxState::SandboxNotready);
        Ok(Response::new(cri::StopPodSandboxResponse {}))
    }

    async fn remove_pod_sandbox(
        &self,
        request: Request<cri::RemovePodSandboxRequest>,
    ) -> Reply<cri::RemovePodSandboxResponse> {
        self.enter("RemovePodSandbox", request.get_ref()).await?;
        let mut state = self.state();
        let id = resolve(
            state.pod_ids().iter(),
            &request.get_ref().pod_sandbox_id,
            "sandbox",
        )?;
        state.pods.retain(|pod| pod.id != id);
        state.pod_statuses.remove(&id);
        Ok(Response::new(cri::RemovePodSandboxResponse {}))
    }

    async fn pod_sandbox_status(
        &self,
        request: Request<cri::PodSandboxStatusRequest>,
    ) -> Reply<cri::PodSandboxStatusResponse> {
        self.enter("PodSandboxStatus", request.get_ref()).await?;
        let shift = self.clock_shift();
        let state = self.state();
        let id = resolve(
            state.pod_ids().iter(),
            &request.get_ref().pod_sandbox_id,
            "sandbox",
        )?;
        let mut reply = state.pod_status(&id);
        if !request.get_ref().verbose {
            reply.info.clear();
        }
        if let Some(status) = reply.status.as_mut() {
            status.created_at += shift;
        }
        Ok(Response::new(reply))
    }

    async fn list_pod_sandbox(
        &self,
        request: Request<cri::ListPodSandboxRequest>,
    ) -> Reply<cri::ListPodSandboxResponse> {
        self.enter("ListPodSandbox", request.get_ref()).await?;
        let items = self.listed_pods(request.get_ref().filter.as_ref());
        Ok(Response::new(cri::ListPodSandboxResponse { items }))
    }

    async fn stream_pod_sandboxes(
        &self,
        request: Request<cri::StreamPodSandboxesRequest>,
    ) -> Reply<Self::StreamPodSandboxesStream> {
        self.enter("StreamPodSandboxes", request.get_ref()).await?;
        let items = self.listed_pods(request.get_ref().filter.as_ref());
        self.batches(items, |pod_sandboxes| cri::StreamPodSandboxesResponse {
            pod_sandboxes,
        })
    }

    async fn create_container(
        &self,
        request: Request<cri::CreateContainerRequest>,
    ) -> Reply<cri::CreateContainerResponse> {
        self.enter("CreateContainer", request.get_ref()).await?;
        let request = request.into_inner();
        let config = request.config.unwrap_or_default();
        let mut state = self.state();
        let id = state.new_container_id.clone();
        state.containers.push(cri::Container {
            id: id.clone(),
            pod_sandbox_id: request.pod_sandbox_id,
            metadata: config.metadata,
            image: config.image,
            state: cri::ContainerState::ContainerCreated as i32,
            created_at: now_nanos(),
            labels: config.labels,
            annotations: config.annotations,
            ..Default::default()
        });
        Ok(Response::new(cri::CreateContainerResponse {
            container_id: id,
        }))
    }

    async fn start_container(
        &self,
        request: Request<cri::StartContainerRequest>,
    ) -> Reply<cri::StartContainerResponse> {
        self.enter("StartContainer", request.get_ref()).await?;
        let mut state = self.state();
        let id = resolve(
            state.container_ids().iter(),
            &request.get_ref().container_id,
            "container",
        )?;
        state.set_container_state(&id, cri::ContainerState::ContainerRunning);
        Ok(Response::new(cri::StartContainerResponse {}))
    }

    async fn stop_container(
        &self,
        request: Request<cri::StopContainerRequest>,
    ) -> Reply<cri::StopContainerResponse> {
        self.enter("StopContainer", request.get_ref()).await?;
        let mut state = self.state();
        let id = resolve(
            state.container_ids().iter(),
            &request.get_ref().container_id,
            "container",
        )?;
        state.set_container_state(&id, cri::ContainerState::ContainerExited);
        Ok(Response::new(cri::StopContainerResponse {}))
    }

    async fn remove_container(
        &self,
        request: Request<cri::RemoveContainerRequest>,
    ) -> Reply<cri::RemoveContainerResponse> {
        self.enter("RemoveContainer", request.get_ref()).await?;
        let mut state = self.state();
        let id = resolve(
            state.container_ids().iter(),
            &request.get_ref().container_id,
            "container",
        )?;
        state.containers.retain(|c| c.id != id);
        state.container_statuses.remove(&id);
        Ok(Response::new(cri::RemoveContainerResponse {}))
    }

    async fn list_containers(
        &self,
        request: Request<cri::ListContainersRequest>,
    ) -> Reply<cri::ListContainersResponse> {
        self.enter("ListContainers", request.get_ref()).await?;
        let containers = self.listed_containers(request.get_ref().filter.as_ref());
        Ok(Response::new(cri::ListContainersResponse { containers }))
    }

    async fn stream_containers(
        &self,
        request: Request<cri::StreamContainersRequest>,
    ) -> Reply<Self::StreamContainersStream> {
        self.enter("StreamContainers", request.get_ref()).await?;
        let items = self.listed_containers(request.get_ref().filter.as_ref());
        self.batches(items, |containers| cri::StreamContainersResponse {
            containers,
        })
    }

    async fn container_status(
        &self,
        request: Request<cri::ContainerStatusRequest>,
    ) -> Reply<cri::ContainerStatusResponse> {
        self.enter("ContainerStatus", request.get_ref()).await?;
        let shift = self.clock_shift();
        let state = self.state();
        let id = resolve(
            state.container_ids().iter(),
            &request.get_ref().container_id,
            "container",
        )?;
        let mut reply = state.container_status(&id);
        if !request.get_ref().verbose {
            reply.info.clear();
        }
        if let Some(status) = reply.status.as_mut() {
            for time in [
                &mut status.created_at,
                &mut status.started_at,
                &mut status.finished_at,
            ] {
                if *time != 0 {
                    *time += shift;
                }
            }
        }
        Ok(Response::new(reply))
    }

    async fn update_container_resources(
        &self,
        request: Request<cri::UpdateContainerResourcesRequest>,
    ) -> Reply<cri::UpdateContainerResourcesResponse> {
        self.reject("UpdateContainerResources", request.get_ref())
            .await
    }

    async fn reopen_container_log(
        &self,
        request: Request<cri::ReopenContainerLogRequest>,
    ) -> Reply<cri::ReopenContainerLogResponse> {
        self.reject("ReopenContainerLog", request.get_ref()).await
    }

    async fn exec_sync(
        &self,
        request: Request<cri::ExecSyncRequest>,
    ) -> Reply<cri::ExecSyncResponse> {
        self.enter("ExecSync", request.get_ref()).await?;
        let state = self.state();
        let word = request.get_ref().cmd.first().map_or("", String::as_str);
        match state
            .exec_sync
            .get(word)
            .or_else(|| state.exec_sync.get(""))
        {
            Some(reply) => Ok(Response::new(reply.clone())),
            None => Err(Status::unimplemented(
                "the fake runtime has no ExecSync reply",
            )),
        }
    }

    async fn exec(&self, request: Request<cri::ExecRequest>) -> Reply<cri::ExecResponse> {
        self.enter("Exec", request.get_ref()).await?;
        let url = self.stream_url()?;
        Ok(Response::new(cri::ExecResponse { url }))
    }

    async fn attach(&self, request: Request<cri::AttachRequest>) -> Reply<cri::AttachResponse> {
        self.enter("Attach", request.get_ref()).await?;
        let url = self.stream_url()?;
        Ok(Response::new(cri::AttachResponse { url }))
    }

    async fn port_forward(
        &self,
        request: Request<cri::PortForwardRequest>,
    ) -> Reply<cri::PortForwardResponse> {
        self.enter("PortForward", request.get_ref()).await?;
        let url = self.stream_url()?;
        Ok(Response::new(cri::PortForwardResponse { url }))
    }

    async fn container_stats(
        &self,
        request: Request<cri::ContainerStatsRequest>,
    ) -> Reply<cri::ContainerStatsResponse> {
        self.reject("ContainerStats", request.get_ref()).await
    }

    async fn list_container_stats(
        &self,
        request: Request<cri::ListContainerStatsRequest>,
    ) -> Reply<cri::ListContainerStatsResponse> {
        self.enter("ListContainerStats", request.get_ref()).await?;
        let index = self.call_count("ListContainerStats") - 1;
        let state = self.state();
        let sample = nth_sample(&state.container_stats, index);
        let stats = sample
            .into_iter()
            .filter(|stats| {
                state.ignore_filters
                    || request
                        .get_ref()
                        .filter
                        .as_ref()
                        .is_none_or(|filter| container_stats_selected(&state, filter, stats))
            })
            .collect();
        Ok(Response::new(cri::ListContainerStatsResponse { stats }))
    }

    async fn stream_container_stats(
        &self,
        request: Request<cri::StreamContainerStatsRequest>,
    ) -> Reply<Self::StreamContainerStatsStream> {
        self.reject("StreamContainerStats", request.get_ref()).await
    }

    async fn pod_sandbox_stats(
        &self,
        request: Request<cri::PodSandboxStatsRequest>,
    ) -> Reply<cri::PodSandboxStatsResponse> {
        self.reject("PodSandboxStats", request.get_ref()).await
    }

    async fn list_pod_sandbox_stats(
        &self,
        request: Request<cri::ListPodSandboxStatsRequest>,
    ) -> Reply<cri::ListPodSandboxStatsResponse> {
        self.enter("ListPodSandboxStats", request.get_ref()).await?;
        let index = self.call_count("ListPodSandboxStats") - 1;
        let state = self.state();
        let sample = nth_sample(&state.pod_stats, index);
        let stats = sample
            .into_iter()
            .filter(|stats| {
                state.ignore_filters
                    || request
                        .get_ref()
                        .filter
                        .as_ref()
                        .is_none_or(|filter| pod_stats_selected(filter, stats))
            })
            .collect();
        Ok(Response::new(cri::ListPodSandboxStatsResponse { stats }))
    }

    async fn stream_pod_sandbox_stats(
        &self,
        request: Request<cri::StreamPodSandboxStatsRequest>,
    ) -> Reply<Self::StreamPodSandboxStatsStream> {
        self.reject("StreamPodSandboxStats", request.get_ref())
            .await
    }

    async fn update_runtime_config(
        &self,
        request: Request<cri::UpdateRuntimeConfigRequest>,
    ) -> Reply<cri::UpdateRuntimeConfigResponse> {
        self.reject("UpdateRuntimeConfig", request.get_ref()).await
    }

    async fn status(&self, request: Request<cri::StatusRequest>) -> Reply<cri::StatusResponse> {
        self.enter("Status", request.get_ref()).await?;
        let mut reply = self.state().status.clone();
        if !request.get_ref().verbose {
            reply.info.clear();
        }
        Ok(Response::new(reply))
    }

    async fn checkpoint_container(
        &self,
        request: Request<cri::CheckpointContainerRequest>,
    ) -> Reply<cri::CheckpointContainerResponse> {
        self.reject("CheckpointContainer", request.get_ref()).await
    }

    async fn get_container_events(
        &self,
        request: Request<cri::GetEventsRequest>,
    ) -> Reply<Self::GetContainerEventsStream> {
        self.enter("GetContainerEvents", request.get_ref()).await?;
        let state = self.state();
        let mut items: Vec<Result<cri::ContainerEventResponse, Status>> =
            state.container_events.iter().cloned().map(Ok).collect();
        if let Some((code, message)) = &state.events_end {
            items.push(Err(Status::new(*code, message.clone())));
        }
        let events = tokio_stream::iter(items);
        if state.events_stay_open {
            use tokio_stream::StreamExt as _;
            return Ok(Response::new(Box::pin(
                events.chain(tokio_stream::pending()),
            )));
        }
        Ok(Response::new(Box::pin(events)))
    }

    async fn list_metric_descriptors(
        &self,
        request: Request<cri::ListMetricDescriptorsRequest>,
    ) -> Reply<cri::ListMetricDescriptorsResponse> {
        self.enter("ListMetricDescriptors", request.get_ref())
            .await?;
        let descriptors = self.state().metric_descriptors.clone();
        Ok(Response::new(cri::ListMetricDescriptorsResponse {
            descriptors,
        }))
    }

    async fn list_pod_sandbox_metrics(
        &self,
        request: Request<cri::ListPodSandboxMetricsRequest>,
    ) -> Reply<cri::ListPodSandboxMetricsResponse> {
        self.enter("ListPodSandboxMetrics", request.get_ref())
            .await?;
        let pod_metrics = self.state().pod_metrics.clone();
        Ok(Response::new(cri::ListPodSandboxMetricsResponse {
            pod_metrics,
        }))
    }

    async fn stream_pod_sandbox_metrics(
        &self,
        request: Request<cri::StreamPodSandboxMetricsRequest>,
    ) -> Reply<Self::StreamPodSandboxMetricsStream> {
        self.reject("StreamPodSandboxMetrics", request.get_ref())
            .await
    }

    async fn runtime_config(
        &self,
        request: Request<cri::RuntimeConfigRequest>,
    ) -> Reply<cri::RuntimeConfigResponse> {
        self.reject("RuntimeConfig", request.get_ref()).await
    }

    async fn update_pod_sandbox_resources(
        &self,
        request: Request<cri::UpdatePodSandboxResourcesRequest>,
    ) -> Reply<cri::UpdatePodSandboxResourcesResponse> {
        self.reject("UpdatePodSandboxResources", request.get_ref())
            .await
    }
}

#[tonic::async_trait]
impl ImageService for FakeService {
    type StreamImagesStream = ReplyStream<cri::StreamImagesResponse>;

    async fn list_images(
        &self,
        request: Request<cri::ListImagesRequest>,
    ) -> Reply<cri::ListImagesResponse> {
        self.enter("ListImages", request.get_ref()).await?;
        let images = self.listed_images(request.get_ref().filter.as_ref());
        Ok(Response::new(cri::ListImagesResponse { images }))
    }

    async fn stream_images(
        &self,
        request: Request<cri::StreamImagesRequest>,
    ) -> Reply<Self::StreamImagesStream> {
        self.enter("StreamImages", request.get_ref()).await?;
        let items = self.listed_images(request.get_ref().filter.as_ref());
        self.batches(items, |images| cri::StreamImagesResponse { images })
    }

    async fn image_status(
        &self,
        request: Request<cri::ImageStatusRequest>,
    ) -> Reply<cri::ImageStatusResponse> {
        self.enter("ImageStatus", request.get_ref()).await?;
        let request = request.into_inner();
        let name = request.image.map(|spec| spec.image).unwrap_or_default();
        let state = self.state();
        let image = state
            .images
            .iter()
            .find(|image| image_named(image, &name))
            .cloned();
        let info = match (&image, request.verbose) {
            (Some(image), true) => state.image_info.get(&image.id).cloned().unwrap_or_default(),
            _ => Default::default(),
        };
        Ok(Response::new(cri::ImageStatusResponse { image, info }))
    }

    async fn pull_image(
        &self,
        request: Request<cri::PullImageRequest>,
    ) -> Reply<cri::PullImageResponse> {
        self.enter("PullImage", request.get_ref()).await?;
        let name = request
            .get_ref()
            .image
            .as_ref()
            .map(|spec| spec.image.clone())
            .unwrap_or_default();
        let state = self.state();
        let image_ref = state
            .images
            .iter()
            .find(|image| image_named(image, &name))
            .map_or(name, |image| image.id.clone());
        Ok(Response::new(cri::PullImageResponse { image_ref }))
    }

    async fn remove_image(
        &self,
        request: Request<cri::RemoveImageRequest>,
    ) -> Reply<cri::RemoveImageResponse> {
        self.enter("RemoveImage", request.get_ref()).await?;
        let name = request
            .get_ref()
            .image
            .as_ref()
            .map(|spec| spec.image.clone())
            .unwrap_or_default();
        self.state()
            .images
            .retain(|image| !image_named(image, &name));
        Ok(Response::new(cri::RemoveImageResponse {}))
    }

    async fn image_fs_info(
        &self,
        request: Request<cri::ImageFsInfoRequest>,
    ) -> Reply<cri::ImageFsInfoResponse> {
        self.enter("ImageFsInfo", request.get_ref()).await?;
        Ok(Response::new(self.state().image_fs.clone()))
    }
}
