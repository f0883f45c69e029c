//! Compiles the CRI v1 protocol in `proto/` into Rust with a pure-Rust proto
//! compiler, so building needs no system `protoc`. It also passes the linker
//! the order that packs the code of crictl's common commands together.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Functions to place first in the release binary, written by
/// `scripts/order-symbols`.
const SYMBOL_ORDER: &str = "link/startup-symbols.txt";

/// Environment variable that, when set, keeps the symbol table of a release
/// `crictl` for `scripts/order-symbols` to read.
const KEEP_SYMBOLS: &str = "CRICTL_RS_KEEP_SYMBOLS";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");

    let descriptors = protox::compile(["api.proto"], ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);

    // The descriptor set is embedded in the binary: the JSON encoder and the
    // config-file decoder walk it to learn field names, order and types.
    // Map entries carry options, and without `MessageOptions` in this set,
    // reading them builds prost-reflect's own pool of protobuf's descriptors,
    // comments included. Adding `descriptor.proto` here costs less.
    let mut embedded = descriptors.clone();
    let descriptor_proto = protox::compile(["google/protobuf/descriptor.proto"], ["proto"])?;
    embedded.file.extend(descriptor_proto.file);

    // Comments, source positions and field options (`deprecated`,
    // `debug_redact`) are left out, because the encoder and the decoder do
    // not read them. With them, decoding the set took 19 of the 21 million
    // instructions of a `ps -a -o json`. Without them, the whole command
    // takes 11 million.
    for file in &mut embedded.file {
        file.source_code_info = None;
        for message in &mut file.message_type {
            strip_field_options(message);
        }
    }
    let encoded = prost::Message::encode_to_vec(&embedded);
    std::fs::write(out_dir.join("cri_descriptor.bin"), encoded)?;

    tonic_prost_build::configure()
        .build_client(true)
        // Servers exist only for the fake runtime in the tests; the linker
        // drops them from the release binary.
        .build_server(true)
        // Sorted maps make every rendering of labels and annotations stable.
        .btree_map(".")
        .compile_fds(descriptors)?;

    strip_release_binary();
    order_symbols();
    Ok(())
}

/// Removes the options of every field of `message` and its nested messages.
fn strip_field_options(message: &mut prost_types::DescriptorProto) {
    for field in &mut message.field {
        field.options = None;
    }
    for nested in &mut message.nested_type {
        strip_field_options(nested);
    }
}

/// Strips the `crictl` binary of a release build unless `KEEP_SYMBOLS` is set.
/// The linker strips rather than Cargo's `strip` setting, because that setting
/// gives every symbol another name than the unstripped build has.
fn strip_release_binary() {
    println!("cargo:rerun-if-env-changed={KEEP_SYMBOLS}");
    if is_release() && std::env::var_os(KEEP_SYMBOLS).is_none() {
        println!("cargo:rustc-link-arg-bin=crictl=-Wl,--strip-all");
    }
}

/// Hands the symbol order to the linker for the `crictl` binary of a release
/// build. The code a short command runs then spans about 1 MB instead of the
/// whole 5 MB text segment, which cuts its page faults on code by two thirds.
///
/// Only LLD (the default linker of Rust 1.90 and later on x86_64 Linux)
/// and mold take `--symbol-ordering-file`; GNU ld would fail on it. So the
/// flag is passed only where that default linker is in use: no linker set
/// in Cargo's configuration, and a compiler new enough to default to LLD.
fn order_symbols() {
    println!("cargo:rerun-if-changed={SYMBOL_ORDER}");
    if !is_release() || !Path::new(SYMBOL_ORDER).is_file() {
        return;
    }
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let default_lld = env("TARGET") == "x86_64-unknown-linux-gnu"
        && env("RUSTC_LINKER").is_empty()
        && !chooses_linker(&env("CARGO_ENCODED_RUSTFLAGS"))
        && rustc_minor_version().is_some_and(|minor| minor >= 90);
    if !default_lld {
        return;
    }
    let path = Path::new(&env("CARGO_MANIFEST_DIR")).join(SYMBOL_ORDER);
    // `-Xlinker` passes the path whole, where `-Wl,` would split it at
    // any comma in the checkout's path.
    println!("cargo:rustc-link-arg-bin=crictl=-Xlinker");
    println!(
        "cargo:rustc-link-arg-bin=crictl=--symbol-ordering-file={}",
        path.display()
    );
    // After a code change, some listed symbols no longer exist. That costs
    // start-up time, not correctness, so the linker need not warn.
    println!("cargo:rustc-link-arg-bin=crictl=-Wl,--no-warn-symbol-ordering");
}

/// Tells whether `RUSTFLAGS` pick a linker or linker flavour (`-C linker`,
/// `-C linker-flavor`, `-C link-arg=-fuse-ld=bfd`), which may not be LLD.
fn chooses_linker(rustflags: &str) -> bool {
    rustflags.contains("linker") || rustflags.contains("fuse-ld")
}

fn is_release() -> bool {
    std::env::var("PROFILE").is_ok_and(|profile| profile == "release")
}

/// Returns the minor version of the compiler Cargo builds with: 95 for
/// "rustc 1.95.0".
fn rustc_minor_version() -> Option<u32> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version.split('.').nth(1)?.parse().ok()
}
