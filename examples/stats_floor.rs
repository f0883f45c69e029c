//! The smallest client that does the RPC work of `crictl stats -s 0`: dial
//! the socket, call `Version`, then `ListContainerStats` twice without a
//! filter, and print how many stats the last reply held. `scripts/bench-stats`
//! times it as the floor that `crictl stats` is compared with.
//!
//! Usage: `stats_floor /path/to/containerd.sock`

use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;
use tonic::transport::Endpoint;

use crictl_rs::proto::cri::{
    ListContainerStatsRequest, VersionRequest, runtime_service_client::RuntimeServiceClient,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: stats_floor SOCKET-PATH")?;
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
        let mut client = RuntimeServiceClient::new(channel).max_decoding_message_size(16 << 20);
        client.version(VersionRequest::default()).await?;
        let mut count = 0;
        for _ in 0..2 {
            count = client
                .list_container_stats(ListContainerStatsRequest::default())
                .await?
                .into_inner()
                .stats
                .len();
        }
        println!("{count}");
        Ok(())
    })
}
