//! The CRI v1 protocol, generated at build time from `proto/api.proto`, and
//! the descriptor pool that the JSON encoder and config decoder walk.

pub mod json;

use std::sync::OnceLock;

use prost_reflect::DescriptorPool;

#[allow(clippy::all, clippy::pedantic, missing_docs, deprecated)]
pub mod runtime {
    pub mod v1 {
        tonic::include_proto!("runtime.v1");
    }
}

pub use runtime::v1 as cri;

static DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/cri_descriptor.bin"));

/// Returns the descriptor pool of the CRI protocol, decoding it on first use.
///
/// Only commands that print JSON, YAML or templates, or read config files,
/// pay for decoding it.
pub fn descriptor_pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        // The bytes come from build.rs, which encoded a set protox had just
        // validated, so decoding them cannot fail at run time.
        DescriptorPool::decode(DESCRIPTOR_SET).expect("embedded CRI descriptor set is valid")
    })
}
