//! The smallest client that can ask a CRI runtime anything: dial the socket,
//! call `Version` once, print the runtime's version. `scripts/bench` times it
//! as the floor that `crictl version` is compared with.
//!
//! Usage: `version_floor /path/to/containerd.sock`

use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tonic::transport::Endpoint;

use crictl_rs::proto::cri::{VersionRequest, runtime_service_client::RuntimeServiceClient};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: version_floor SOCKET-PATH")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let connector = tower::service_fn(move |_| {
            let path = path.clone();
            async move { Ok::<_, std::io::Error>(TokioIo::new(UnixStream::connect(path).await?)) }
        });
        let channel = Endpoint::from_static("http://localhost")
            .connect_with_connector(connector)
            .await?;
        let reply = RuntimeServiceClient::new(channel)
            .version(VersionRequest::default())
            .await?
            .into_inner();
        println!("{}", reply.runtime_version);
        Ok(())
    })
}
