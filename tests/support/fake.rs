//! An in-process fake CRI runtime: both gRPC services on a Unix socket in a
//! temporary directory, replying from a [`State`] the test fills in.
//!
//! The server runs on its own single-threaded tokio runtime in a background
//! thread, so a test can run the real `crictl` binary against the socket and
//! then look at the calls the fake received.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crictl_rs::proto::cri;
use tokio::net::UnixListener;
use tokio::sync::oneshot;
use tokio_stream::wrappers::UnixListenerStream;
use tonic::Code;

use super::command::Crictl;
use super::service::FakeService;

/// Everything the fake runtime returns, plus the faults it injects.
///
/// Lookups by ID accept a unique prefix, as containerd does. Unless
/// `ignore_filters` is set, list calls apply the request's filter the way a
/// runtime does: ID prefix, state and labels (and pod ID for containers);
/// image lists keep the images that the filter's name resolves to.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub version: cri::VersionResponse,
    /// Reply to `Status`; its `info` is sent only to verbose requests.
    pub status: cri::StatusResponse,
    /// Pod sandboxes in the order `ListPodSandbox` returns them.
    pub pods: Vec<cri::PodSandbox>,
    /// `PodSandboxStatus` replies by full pod ID, whose `info` goes only to
    /// verbose requests. A listed pod without an entry gets a status built
    /// from its list entry.
    pub pod_statuses: BTreeMap<String, cri::PodSandboxStatusResponse>,
    /// Containers in the order `ListContainers` returns them.
    pub containers: Vec<cri::Container>,
    /// `ContainerStatus` replies by full container ID, as for pods.
    pub container_statuses: BTreeMap<String, cri::ContainerStatusResponse>,
    /// Images in the order `ListImages` returns them.
    pub images: Vec<cri::Image>,
    /// Verbose `ImageStatus` info by image ID.
    pub image_info: BTreeMap<String, BTreeMap<String, String>>,
    pub image_fs: cri::ImageFsInfoResponse,
    /// ID that `RunPodSandbox` gives the new pod.
    pub new_pod_id: String,
    /// ID that `CreateContainer` gives the new container.
    pub new_container_id: String,
    /// Return every item from list calls, whatever the request's filter.
    pub ignore_filters: bool,
    /// Items per reply of the `Stream*` list calls. With `None` they return
    /// `Unimplemented`, as containerd does.
    pub stream_batch: Option<usize>,
    /// Status returned by a method (by its gRPC name, such as `ListImages`)
    /// in place of its reply.
    pub faults: BTreeMap<String, (Code, String)>,
    /// Time a method waits before it replies.
    pub delays: BTreeMap<String, Duration>,
    /// When set, every pod and container time in a reply moves forward by the
    /// time passed since this instant (Unix nanoseconds), so ages computed by
    /// the client do not depend on how long the test took to get there.
    pub clock_anchor: Option<i64>,
    /// `ExecSync` replies by the command's first word. The entry under ""
    /// is the reply to every other command.
    pub exec_sync: BTreeMap<String, cri::ExecSyncResponse>,
    /// URL that `Exec`, `Attach` and `PortForward` return; empty makes them
    /// return `Unimplemented`.
    pub stream_url: String,
    /// Replies of successive `ListContainerStats` calls, before filtering:
    /// the first call gets the first sample, and the last sample repeats.
    pub container_stats: Vec<Vec<cri::ContainerStats>>,
    /// Replies of successive `ListPodSandboxStats` calls, as for containers.
    pub pod_stats: Vec<Vec<cri::PodSandboxStats>>,
    /// Reply to `ListPodSandboxMetrics`.
    pub pod_metrics: Vec<cri::PodSandboxMetrics>,
    /// Reply to `ListMetricDescriptors`.
    pub metric_descriptors: Vec<cri::MetricDescriptor>,
    /// Events that `GetContainerEvents` sends, in order.
    pub container_events: Vec<cri::ContainerEventResponse>,
    /// How the event stream ends after the events: `None` ends it cleanly,
    /// `Some` with a status ends it with that error.
    pub events_end: Option<(Code, String)>,
    /// Keep the event stream open after the events, until the client leaves.
    pub events_stay_open: bool,
}

impl State {
    /// Makes `method` fail with `code` and `message`.
    pub fn fail(&mut self, method: &str, code: Code, message: &str) {
        self.faults
            .insert(method.to_owned(), (code, message.to_owned()));
    }

    /// Makes `method` wait `delay` before it replies.
    pub fn delay(&mut self, method: &str, delay: Duration) {
        self.delays.insert(method.to_owned(), delay);
    }
}

/// What the server task and the test share.
#[derive(Debug, Default)]
pub struct Shared {
    pub state: Mutex<State>,
    pub calls: Mutex<Vec<String>>,
}

impl Shared {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running fake runtime. Dropping it stops the server and deletes its
/// directory.
pub struct Fake {
    shared: Arc<Shared>,
    dir: tempfile::TempDir,
    socket: PathBuf,
    config: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Fake {
    /// Starts a fake runtime answering from `state`.
    pub fn start(state: State) -> Fake {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let socket = dir.path().join("cri.sock");
        // An empty config file keeps any /etc/crictl.yaml out of the tests.
        let config = dir.path().join("crictl.yaml");
        std::fs::write(&config, "").expect("write the empty config file");

        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            calls: Mutex::new(Vec::new()),
        });
        let (shutdown, stop) = oneshot::channel::<()>();
        let (bound, listening) = std::sync::mpsc::channel();
        let server_shared = Arc::clone(&shared);
        let server_socket = socket.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("build the fake runtime's tokio runtime");
            runtime.block_on(async move {
                let listener = UnixListener::bind(&server_socket).expect("bind the fake socket");
                bound.send(()).expect("report the bound socket");
                let service = FakeService::new(server_shared).into_router();
                let served = tonic::transport::Server::builder()
                    .serve_with_incoming_shutdown(
                        service,
                        UnixListenerStream::new(listener),
                        async {
                            let _ = stop.await;
                        },
                    )
                    .await;
                if let Err(error) = served {
                    eprintln!("fake runtime stopped: {error}");
                }
            });
        });
        listening
            .recv()
            .expect("the fake runtime failed to bind its socket");

        Fake {
            shared,
            dir,
            socket,
            config,
            shutdown: Some(shutdown),
        }
    }

    /// The `unix://` endpoint of the fake.
    pub fn endpoint(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The fake's temporary directory, for config and log files of a test.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The calls received so far, one line each: the method name, a space,
    /// then the request in compact text form.
    pub fn calls(&self) -> Vec<String> {
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The state, to change between runs or to check what a call changed.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state()
    }

    /// The binary with an empty config file and both endpoints set to the
    /// fake, followed by `args`.
    pub fn crictl(&self, args: &[&str]) -> Crictl {
        let endpoint = self.endpoint();
        Crictl::new()
            .args(["--config", &self.config.display().to_string()])
            .args(["-r", &endpoint, "-i", &endpoint])
            .args(args.iter().copied())
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
