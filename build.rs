//! Compiles the CRI v1 protocol in `proto/` into Rust with a pure-Rust proto
//! compiler, so building needs no system `protoc`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");

    let descriptors = protox::compile(["api.proto"], ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);

    // The descriptor set is embedded in the binary: the JSON encoder and the
    // config-file decoder walk it to learn field names, order and types.
    let encoded = prost::Message::encode_to_vec(&descriptors);
    std::fs::write(out_dir.join("cri_descriptor.bin"), encoded)?;

    tonic_prost_build::configure()
        .build_client(true)
        // Servers exist only for the fake runtime in the tests; the linker
        // drops them from the release binary.
        .build_server(true)
        // Sorted maps make every rendering of labels and annotations stable.
        .btree_map(".")
        .compile_fds(descriptors)?;
    Ok(())
}
