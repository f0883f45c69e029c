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
    write_json_sets(&embedded, &out_dir)?;

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

/// Messages that commands print as JSON or YAML. Each gets a descriptor set of
/// its own that contains only the types it reaches, because decoding the whole
/// set takes most of the time of a short `-o json` command. A message missing
/// here is printed from the whole set, which is only slower.
const JSON_ROOTS: &[&str] = &[
    "Container",
    "ContainerEventResponse",
    "ContainerStatus",
    "Image",
    "ImageFsInfoResponse",
    "ListContainerStatsResponse",
    "ListMetricDescriptorsResponse",
    "ListPodSandboxMetricsResponse",
    "ListPodSandboxStatsResponse",
    "PodSandbox",
    "PodSandboxStatus",
    "RuntimeStatus",
];

/// Writes one reduced descriptor set per message of `JSON_ROOTS`, and
/// `json_sets.rs`, which lists them for `src/proto/mod.rs` to include.
fn write_json_sets(
    full: &prost_types::FileDescriptorSet,
    out_dir: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut listing = String::from("[\n");
    for root in JSON_ROOTS {
        let set = reduced_set(full, root)?;
        let file_name = format!("json_{root}.bin");
        std::fs::write(
            out_dir.join(&file_name),
            prost::Message::encode_to_vec(&set),
        )?;
        listing.push_str(&format!(
            "    (\"{CRI_PACKAGE}.{root}\", include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file_name}\"))),\n"
        ));
    }
    listing.push_str("]\n");
    let listing = format!(
        "pub(crate) const JSON_SETS: [(&str, &[u8]); {}] = {listing};\n",
        JSON_ROOTS.len()
    );
    std::fs::write(out_dir.join("json_sets.rs"), listing)?;
    Ok(())
}

/// The protobuf package of `proto/api.proto`.
const CRI_PACKAGE: &str = "runtime.v1";

/// The messages of `descriptor.proto` that prost-reflect reads options with.
/// Without them in a pool, it builds a pool of its own on first use.
const OPTION_MESSAGES: &[&str] = &[
    "FileOptions",
    "MessageOptions",
    "FieldOptions",
    "OneofOptions",
    "EnumOptions",
    "EnumValueOptions",
    "ServiceOptions",
    "MethodOptions",
    "ExtensionRangeOptions",
];

/// Returns `full` with the CRI file cut down to `root` and the types its
/// fields reach, and `descriptor.proto` cut down to the option messages and
/// the types they reach. Services are left out.
fn reduced_set(
    full: &prost_types::FileDescriptorSet,
    root: &str,
) -> Result<prost_types::FileDescriptorSet, String> {
    let mut set = full.clone();
    for file in &mut set.file {
        let roots: Vec<&str> = match file.package() {
            CRI_PACKAGE => vec![root],
            _ => OPTION_MESSAGES.to_vec(),
        };
        reduce_file(file, &roots)?;
    }
    Ok(set)
}

/// Keeps in `file` only `roots` and the top-level messages and enums their
/// fields reach, and drops its services.
fn reduce_file(file: &mut prost_types::FileDescriptorProto, roots: &[&str]) -> Result<(), String> {
    for root in roots {
        if !file
            .message_type
            .iter()
            .any(|message| message.name() == *root)
        {
            return Err(format!("{root} is not a message of {}", file.name()));
        }
    }
    let prefix = format!(".{}.", file.package());
    let mut reached = std::collections::HashSet::new();
    let mut pending: Vec<String> = roots.iter().map(|root| (*root).to_owned()).collect();
    while let Some(name) = pending.pop() {
        if reached.contains(&name) {
            continue;
        }
        // A name that is not a top-level message is an enum, which reaches
        // nothing.
        if let Some(message) = file
            .message_type
            .iter()
            .find(|message| message.name() == name)
        {
            pending.extend(referenced_types(message, &prefix));
        }
        reached.insert(name);
    }
    file.message_type
        .retain(|message| reached.contains(message.name()));
    file.enum_type.retain(|item| reached.contains(item.name()));
    file.service.clear();
    Ok(())
}

/// Returns the top-level types of the package `prefix` (`.runtime.v1.`)
/// named by the fields of `message` and of the messages nested in it.
fn referenced_types(message: &prost_types::DescriptorProto, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = message
        .field
        .iter()
        .filter_map(|field| field.type_name.as_deref()?.strip_prefix(prefix))
        .map(|name| name.split('.').next().unwrap_or(name).to_owned())
        .collect();
    for nested in &message.nested_type {
        names.extend(referenced_types(nested, prefix));
    }
    names
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
