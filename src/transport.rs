//! Connections to the runtime and image services over Unix sockets: dialing,
//! the validation call crictl makes first, retries, default-endpoint probing
//! and per-call deadlines.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint as TonicEndpoint};
use tracing::debug;

use crate::config::endpoint::{self, DEFAULT_ENDPOINTS, EndpointError};
use crate::config::{Endpoint, Settings};
use crate::proto::cri::{
    self, image_service_client::ImageServiceClient, runtime_service_client::RuntimeServiceClient,
};

/// Replies up to this size are accepted, because CRI runtimes reply to list
/// calls for busy nodes with several MiB, past tonic's 4 MiB default.
pub const MAX_DECODE_BYTES: usize = 16 * 1024 * 1024;

/// First delay between connection retries; it doubles up to
/// [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(500);
const MAX_RETRY_DELAY: Duration = Duration::from_secs(5);

pub type RuntimeClient = RuntimeServiceClient<Channel>;
pub type ImageClient = ImageServiceClient<Channel>;

/// The CRI service a connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Runtime,
    Image,
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Runtime => "runtime",
            Api::Image => "image",
        }
    }
}

/// Failure to reach a CRI service.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Endpoint(#[from] EndpointError),

    #[error("cannot connect to {endpoint}: {}", describe_dial(.path, .source))]
    Dial {
        endpoint: String,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{}", describe_check(*.api, .endpoint, .status))]
    Validate {
        endpoint: String,
        api: Api,
        status: tonic::Status,
    },

    #[error("the runtime at {endpoint} did not respond within {}; it may be hung or overloaded (raise --timeout to wait longer)",
        crate::godur::format(*.timeout))]
    TimedOut { endpoint: String, timeout: Duration },

    #[error("{last} (gave up after {attempts} attempts; --max-retries sets how many)")]
    Retried {
        attempts: i64,
        last: Box<ConnectError>,
    },

    #[error("no container runtime responded at the default endpoints ({}); is the runtime running? If it listens elsewhere, set --runtime-endpoint, CONTAINER_RUNTIME_ENDPOINT or runtime-endpoint in crictl.yaml",
        .tried.iter().map(|(ep, why)| format!("{ep}: {why}")).collect::<Vec<_>>().join("; "))]
    NoDefault { tried: Vec<(String, String)> },
}

impl ConnectError {
    /// Returns whether trying again can help. A bad endpoint, a path that
    /// is not a socket or a permission problem stays the same, but a runtime
    /// that is starting or busy may respond later.
    fn may_pass(&self) -> bool {
        match self {
            ConnectError::Endpoint(_) => false,
            ConnectError::Dial { path, source, .. } => match source.kind() {
                io::ErrorKind::PermissionDenied => false,
                io::ErrorKind::ConnectionRefused => is_socket(path),
                _ => true,
            },
            _ => true,
        }
    }

    /// Returns a short reason without the endpoint, for the probe summary.
    fn reason(&self) -> String {
        match self {
            ConnectError::Dial { source, .. } => match source.kind() {
                io::ErrorKind::NotFound => "no such socket".to_owned(),
                io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
                _ => source.to_string(),
            },
            ConnectError::Validate { status, .. } => crate::error::describe_status(status),
            ConnectError::TimedOut { timeout, .. } => {
                format!("no response within {}", crate::godur::format(*timeout))
            }
            other => other.to_string(),
        }
    }
}

fn describe_dial(path: &Path, source: &io::Error) -> String {
    let path_ref = path;
    let path = path.display();
    match source.kind() {
        io::ErrorKind::NotFound => format!(
            "socket {path} does not exist; is the container runtime running, and is the endpoint right?"
        ),
        io::ErrorKind::PermissionDenied => {
            format!(
                "permission denied on {path}; run as root or as a user allowed to use the socket"
            )
        }
        io::ErrorKind::ConnectionRefused if !is_socket(path_ref) => {
            format!("{path} is not a socket; the endpoint must name the runtime's socket file")
        }
        io::ErrorKind::ConnectionRefused => format!(
            "connection refused on {path}: nothing is listening there; is the container runtime running?"
        ),
        io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset => format!(
            "{path} accepted the connection and closed it ({source}); is this the socket of a CRI runtime?"
        ),
        _ => format!("{path}: {source}"),
    }
}

/// Returns whether `path` exists and is a Unix socket; connecting to a
/// regular file or a directory fails as "connection refused".
fn is_socket(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt as _;
    std::fs::metadata(path).is_ok_and(|metadata| metadata.file_type().is_socket())
}

/// Describes a failed validation call. A status that carries a source was
/// made here, from a connection that broke or did not speak gRPC, so it is
/// not reported as the runtime's reply.
fn describe_check(api: Api, endpoint: &str, status: &tonic::Status) -> String {
    let Some(source) = std::error::Error::source(status) else {
        return format!(
            "the {} service at {endpoint} rejected the CRI v1 check: {}{}",
            api.name(),
            crate::error::describe_status(status),
            validate_hint(status)
        );
    };
    let mut cause = source;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    format!(
        "the connection to the {} service at {endpoint} failed during the CRI v1 check: {cause}; \
         is this the socket of a CRI runtime?",
        api.name()
    )
}

fn validate_hint(status: &tonic::Status) -> &'static str {
    match status.code() {
        tonic::Code::Unimplemented => {
            " (the socket does not serve CRI v1; with containerd, check that its cri plugin is enabled)"
        }
        _ => "",
    }
}

/// Opens the connections a command needs, in the order it requests them.
pub struct Connector {
    settings: Settings,
    defaults: Vec<String>,
    warned: Cell<bool>,
    /// The default endpoint that responded, tried first for the other service.
    found_default: RefCell<Option<String>>,
    /// Channels that passed their validation call, by socket path. When the
    /// image endpoint is the runtime endpoint, as is usual, both
    /// services share one HTTP/2 connection instead of dialing twice.
    channels: RefCell<Vec<(PathBuf, Channel)>>,
}

impl Connector {
    pub fn new(settings: Settings) -> Self {
        Self::with_defaults(
            settings,
            DEFAULT_ENDPOINTS.iter().map(|s| (*s).to_owned()).collect(),
        )
    }

    /// Uses `defaults` in place of the built-in probe list, so tests can
    /// point it at their own sockets.
    pub fn with_defaults(settings: Settings, defaults: Vec<String>) -> Self {
        Connector {
            settings,
            defaults,
            warned: Cell::new(false),
            found_default: RefCell::new(None),
            channels: RefCell::new(Vec::new()),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Connects to the runtime service and checks it with `Version`.
    pub async fn runtime(&self) -> Result<RuntimeClient, ConnectError> {
        self.runtime_with_timeout(self.settings.timeout).await
    }

    /// As [`Connector::runtime`], with another deadline for the connection
    /// (crictl's `--cancel-timeout`).
    pub async fn runtime_with_timeout(
        &self,
        timeout: Duration,
    ) -> Result<RuntimeClient, ConnectError> {
        let channel = self
            .open(
                &self.settings.runtime_endpoint.clone(),
                Api::Runtime,
                timeout,
            )
            .await?;
        Ok(runtime_client(channel))
    }

    /// Connects to the image service and checks it with `ImageFsInfo`.
    pub async fn image(&self) -> Result<ImageClient, ConnectError> {
        let channel = self
            .open(
                &self.settings.image_endpoint.clone(),
                Api::Image,
                self.settings.timeout,
            )
            .await?;
        Ok(image_client(channel))
    }

    /// Connects to both services. When both are the same explicit endpoint,
    /// as is usual, the socket is dialed once and the two
    /// validation calls go out together instead of one after the other.
    pub async fn runtime_and_image(&self) -> Result<(RuntimeClient, ImageClient), ConnectError> {
        let endpoints = [
            &self.settings.runtime_endpoint,
            &self.settings.image_endpoint,
        ];
        // When dialing fails, the usual path below dials again and reports it.
        if let Some(open) = self.dial_unopened(&endpoints).await {
            self.remember(open.path, open.channel);
            let (runtime, image) = tokio::join!(self.runtime(), self.image());
            return Ok((runtime?, image?));
        }
        Ok((self.runtime().await?, self.image().await?))
    }

    /// Connects to the runtime service and makes `first`, a call that
    /// changes nothing, alongside the validation call, so that the two share
    /// one round trip. When the validation fails in a way retries may mend,
    /// connecting starts over the usual way and `first` is made again.
    pub async fn runtime_then<T, F, Fut>(
        &self,
        first: F,
    ) -> crate::error::Result<(RuntimeClient, T)>
    where
        F: Fn(RuntimeClient) -> Fut,
        Fut: Future<Output = crate::error::Result<T>>,
    {
        self.service_then(Api::Runtime, runtime_client, first).await
    }

    /// As [`Connector::runtime_then`], for the image service.
    pub async fn image_then<T, F, Fut>(&self, first: F) -> crate::error::Result<(ImageClient, T)>
    where
        F: Fn(ImageClient) -> Fut,
        Fut: Future<Output = crate::error::Result<T>>,
    {
        self.service_then(Api::Image, image_client, first).await
    }

    /// Does the work of [`Connector::runtime_then`] for either service,
    /// with `client` making its client from a channel.
    async fn service_then<C, T, F, Fut>(
        &self,
        api: Api,
        client: fn(Channel) -> C,
        first: F,
    ) -> crate::error::Result<(C, T)>
    where
        C: Clone,
        F: Fn(C) -> Fut,
        Fut: Future<Output = crate::error::Result<T>>,
    {
        let endpoint = match api {
            Api::Runtime => &self.settings.runtime_endpoint,
            Api::Image => &self.settings.image_endpoint,
        };
        if let Some(open) = self.dial_unopened(&[endpoint]).await {
            let service = client(open.channel.clone());
            let apis = [api];
            let (checked, result) =
                tokio::join!(self.check_all(&open, &apis), first(service.clone()));
            if self.keep_or_fail(open, checked)? {
                return Ok((service, result?));
            }
        }
        let service = client(self.open(endpoint, api, self.settings.timeout).await?);
        let result = first(service.clone()).await?;
        Ok((service, result))
    }

    /// As [`Connector::runtime_then`], for both services, whose validation
    /// calls go out together when they share an endpoint.
    pub async fn both_then<T, F, Fut>(
        &self,
        first: F,
    ) -> crate::error::Result<(RuntimeClient, ImageClient, T)>
    where
        F: Fn(RuntimeClient, ImageClient) -> Fut,
        Fut: Future<Output = crate::error::Result<T>>,
    {
        let endpoints = [
            &self.settings.runtime_endpoint,
            &self.settings.image_endpoint,
        ];
        if let Some(open) = self.dial_unopened(&endpoints).await {
            let runtime = runtime_client(open.channel.clone());
            let image = image_client(open.channel.clone());
            let (checked, result) = tokio::join!(
                self.check_all(&open, &[Api::Runtime, Api::Image]),
                first(runtime.clone(), image.clone())
            );
            if self.keep_or_fail(open, checked)? {
                return Ok((runtime, image, result?));
            }
        }
        let (runtime, image) = self.runtime_and_image().await?;
        let result = first(runtime.clone(), image.clone()).await?;
        Ok((runtime, image, result))
    }

    /// Dials the socket of `endpoints` when they are all the same explicit
    /// endpoint and no channel is open on it yet. `None` leaves connecting
    /// to the usual path, which reports what failed.
    async fn dial_unopened(&self, endpoints: &[&Endpoint]) -> Option<Unchecked> {
        let mut addresses = endpoints.iter().map(|endpoint| match endpoint {
            Endpoint::Explicit(address) => Some(address),
            Endpoint::Probe => None,
        });
        let address = addresses.next()??;
        let path = endpoint::socket_path(address).ok()?;
        let same = |other: Option<&String>| {
            other.and_then(|other| endpoint::socket_path(other).ok()) == Some(path.clone())
        };
        if !addresses.all(same) || self.open_channel(&path).is_some() {
            return None;
        }
        let channel = tokio::time::timeout(self.settings.timeout, dial(&path))
            .await
            .ok()?
            .ok()?;
        Some(Unchecked {
            address: address.clone(),
            path,
            channel,
        })
    }

    /// Makes the validation calls of `apis` on a new channel at the same
    /// time. The first failure in the order of `apis` is returned, as
    /// checking one after the other would find it.
    async fn check_all(&self, open: &Unchecked, apis: &[Api]) -> Result<(), ConnectError> {
        let timeout = self.settings.timeout;
        let check_one = |index: usize| async move {
            match apis.get(index) {
                Some(api) => {
                    let channel = Some(open.channel.clone());
                    check(&open.address, &open.path, channel, *api, timeout)
                        .await
                        .map(drop)
                }
                None => Ok(()),
            }
        };
        let (first, second) = tokio::join!(check_one(0), check_one(1));
        first.and(second)
    }

    /// Keeps a channel whose checks passed and returns `true`. A failure
    /// that retries could not mend is returned as the error. Otherwise
    /// `false` sends the caller down the usual path, which retries.
    fn keep_or_fail(
        &self,
        open: Unchecked,
        checked: Result<(), ConnectError>,
    ) -> Result<bool, ConnectError> {
        match checked {
            Ok(()) => {
                self.remember(open.path, open.channel);
                Ok(true)
            }
            Err(error) if self.settings.max_retries == 0 || !error.may_pass() => Err(error),
            Err(_) => Ok(false),
        }
    }

    /// Dials `address`, or reuses a channel already validated on the same
    /// socket, and makes the service's validation call, all within
    /// `timeout`.
    async fn connect_and_check(
        &self,
        address: &str,
        api: Api,
        timeout: Duration,
    ) -> Result<Channel, ConnectError> {
        let path = endpoint::socket_path(address)?;
        let result = check(address, &path, self.open_channel(&path), api, timeout).await;
        match &result {
            Ok(channel) => self.remember(path, channel.clone()),
            // A retry dials again rather than reuse a connection that failed.
            Err(_) => self.channels.borrow_mut().retain(|(open, _)| *open != path),
        }
        result
    }

    /// Keeps `channel` for later connections to the socket at `path`,
    /// unless one is kept already.
    fn remember(&self, path: PathBuf, channel: Channel) {
        let mut channels = self.channels.borrow_mut();
        if !channels.iter().any(|(open, _)| *open == path) {
            channels.push((path, channel));
        }
    }

    /// Returns the channel already open on the socket at `path`.
    fn open_channel(&self, path: &Path) -> Option<Channel> {
        self.channels
            .borrow()
            .iter()
            .find(|(open, _)| open == path)
            .map(|(_, channel)| channel.clone())
    }

    async fn open(
        &self,
        endpoint: &Endpoint,
        api: Api,
        timeout: Duration,
    ) -> Result<Channel, ConnectError> {
        match endpoint {
            Endpoint::Explicit(address) => self.open_with_retries(address, api, timeout).await,
            Endpoint::Probe => self.probe(api, timeout).await,
        }
    }

    async fn open_with_retries(
        &self,
        address: &str,
        api: Api,
        timeout: Duration,
    ) -> Result<Channel, ConnectError> {
        let max_retries = self.settings.max_retries;
        let mut delay = FIRST_RETRY_DELAY;
        let mut attempt: i64 = 0;
        loop {
            let error = match self.connect_and_check(address, api, timeout).await {
                Ok(channel) => return Ok(channel),
                Err(error) if !error.may_pass() => return Err(error),
                Err(error) => error,
            };
            if max_retries >= 0 && attempt >= max_retries {
                if attempt == 0 {
                    return Err(error);
                }
                return Err(ConnectError::Retried {
                    attempts: attempt + 1,
                    last: Box::new(error),
                });
            }
            attempt += 1;
            debug!(attempt, max_retries, delay = ?delay, error = %error, "connection failed, retrying");
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(MAX_RETRY_DELAY);
        }
    }

    async fn probe(&self, api: Api, timeout: Duration) -> Result<Channel, ConnectError> {
        if !self.warned.replace(true) {
            crate::diag::warn(&format!(
                "no endpoint is configured, so the default endpoints are tried in order: {}. \
                 Relying on them is deprecated: set --runtime-endpoint, CONTAINER_RUNTIME_ENDPOINT \
                 or runtime-endpoint in crictl.yaml",
                self.defaults.join(", ")
            ));
        }
        let mut order = self.defaults.clone();
        if let Some(found) = self.found_default.borrow().as_ref() {
            order.retain(|address| address != found);
            order.insert(0, found.clone());
        }

        let mut tried = Vec::new();
        for address in order {
            debug!(endpoint = %address, timeout = ?timeout, api = api.name(), "trying default endpoint");
            match self.connect_and_check(&address, api, timeout).await {
                Ok(channel) => {
                    debug!(endpoint = %address, "connected");
                    *self.found_default.borrow_mut() = Some(address);
                    return Ok(channel);
                }
                Err(error) => {
                    debug!(endpoint = %address, error = %error, "default endpoint failed");
                    tried.push((address, error.reason()));
                }
            }
        }
        Err(ConnectError::NoDefault { tried })
    }
}

/// Makes the service's validation call on `open`, or on a new channel to
/// `path`, all within `timeout`.
async fn check(
    address: &str,
    path: &Path,
    open: Option<Channel>,
    api: Api,
    timeout: Duration,
) -> Result<Channel, ConnectError> {
    let attempt = async {
        let channel = match open {
            Some(channel) => channel,
            None => dial(path).await.map_err(|source| ConnectError::Dial {
                endpoint: address.to_owned(),
                path: path.to_owned(),
                source,
            })?,
        };
        validation_call(&channel, api, timeout)
            .await
            .map_err(|status| {
                if expired_locally(&status) {
                    ConnectError::TimedOut {
                        endpoint: address.to_owned(),
                        timeout,
                    }
                } else {
                    ConnectError::Validate {
                        endpoint: address.to_owned(),
                        api,
                        status,
                    }
                }
            })?;
        Ok(channel)
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .unwrap_or_else(|_| {
            Err(ConnectError::TimedOut {
                endpoint: address.to_owned(),
                timeout,
            })
        })
}

/// A channel dialed for an explicit endpoint, not yet checked.
struct Unchecked {
    address: String,
    path: PathBuf,
    channel: Channel,
}

/// Makes the call crictl makes to check a service: `Version` for the
/// runtime, `ImageFsInfo` for images.
async fn validation_call(
    channel: &Channel,
    api: Api,
    timeout: Duration,
) -> Result<(), tonic::Status> {
    match api {
        Api::Runtime => runtime_client(channel.clone())
            .version(request(cri::VersionRequest::default(), Some(timeout)))
            .await
            .map(drop),
        Api::Image => image_client(channel.clone())
            .image_fs_info(request(cri::ImageFsInfoRequest::default(), Some(timeout)))
            .await
            .map(drop),
    }
}

/// Opens an HTTP/2 channel over the Unix socket at `path`.
async fn dial(path: &Path) -> Result<Channel, io::Error> {
    // Dial once up front so a missing socket or a permission problem comes
    // back as a plain io::Error instead of deep inside tonic's error chain.
    let stream = UnixStream::connect(path).await?;
    let first = std::sync::Mutex::new(Some(stream));
    let path = path.to_owned();
    let connector = tower::service_fn(move |_: tonic::transport::Uri| {
        let ready = first.lock().ok().and_then(|mut slot| slot.take());
        let path = path.clone();
        async move {
            let stream = match ready {
                Some(stream) => stream,
                None => UnixStream::connect(path).await?,
            };
            Ok::<_, io::Error>(TokioIo::new(stream))
        }
    });
    // The URI is a placeholder: the connector ignores it, and CRI runtimes
    // expect the `localhost` authority that crictl sends.
    TonicEndpoint::from_static("http://localhost")
        .connect_with_connector(connector)
        .await
        .map_err(|error| {
            find_io_error(&error).unwrap_or_else(|| io::Error::other(error.to_string()))
        })
}

fn find_io_error(error: &(dyn std::error::Error + 'static)) -> Option<io::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(inner) = current {
        if let Some(io_error) = inner.downcast_ref::<io::Error>() {
            return Some(io::Error::new(io_error.kind(), io_error.to_string()));
        }
        current = inner.source();
    }
    None
}

fn runtime_client(channel: Channel) -> RuntimeClient {
    RuntimeServiceClient::new(channel)
        .max_decoding_message_size(MAX_DECODE_BYTES)
        .max_encoding_message_size(MAX_DECODE_BYTES)
}

fn image_client(channel: Channel) -> ImageClient {
    ImageServiceClient::new(channel)
        .max_decoding_message_size(MAX_DECODE_BYTES)
        .max_encoding_message_size(MAX_DECODE_BYTES)
}

/// Wraps `message` in a request that carries `timeout` to the server as its
/// gRPC deadline, and logs it at debug level.
///
/// Requests that carry secrets (`PullImageRequest`'s credentials) go through
/// [`request_unlogged`] instead.
pub fn request<T: std::fmt::Debug>(message: T, timeout: Option<Duration>) -> tonic::Request<T> {
    debug!(request = ?message, "sending {}", short_type_name::<T>());
    request_unlogged(message, timeout)
}

/// As [`request`], without logging the message.
pub fn request_unlogged<T>(message: T, timeout: Option<Duration>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(timeout) = timeout {
        request.set_timeout(timeout);
    }
    request
}

/// Awaits an RPC, failing with `DeadlineExceeded` once `timeout` passes.
///
/// The server also receives the deadline in the request header, but a hung
/// runtime may never respond, so the client enforces it too.
pub async fn call<T: std::fmt::Debug>(
    timeout: Option<Duration>,
    rpc: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T, tonic::Status> {
    let result = call_unlogged(timeout, rpc).await;
    match &result {
        Ok(reply) => debug!(reply = ?reply, "received {}", short_type_name::<T>()),
        Err(status) => debug!(code = ?status.code(), message = status.message(), "call failed"),
    }
    result
}

fn short_type_name<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// As [`call`], without logging the reply.
pub async fn call_unlogged<T>(
    timeout: Option<Duration>,
    rpc: impl Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T, tonic::Status> {
    match timeout {
        None => rpc.await.map(tonic::Response::into_inner),
        Some(limit) => match tokio::time::timeout(limit, rpc).await {
            Ok(result) => result
                .map(tonic::Response::into_inner)
                .map_err(|status| deadline_status(status, limit)),
            Err(_) => Err(deadline_exceeded(limit)),
        },
    }
}

/// Builds the status of a call that got no response within `limit`.
pub fn deadline_exceeded(limit: Duration) -> tonic::Status {
    tonic::Status::deadline_exceeded(format!(
        "no response within {}",
        crate::godur::format(limit)
    ))
}

/// Reports tonic's own enforcement of a request's deadline, which it
/// returns as `Cancelled` ("Timeout expired"), as the `DeadlineExceeded`
/// it is; other statuses pass unchanged.
///
/// The request carries its deadline in the `grpc-timeout` header, and
/// tonic's channel then races [`call`]'s own timer to end the call.
pub fn deadline_status(status: tonic::Status, limit: Duration) -> tonic::Status {
    if expired_locally(&status) {
        deadline_exceeded(limit)
    } else {
        status
    }
}

fn expired_locally(status: &tonic::Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if error.is::<tonic::TimeoutExpired>() {
            return true;
        }
        source = error.source();
    }
    false
}
