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

// `JSON_SETS`: for each message that commands print as JSON or YAML, its
// full name and a descriptor set reduced to the types it reaches (build.rs).
include!(concat!(env!("OUT_DIR"), "/json_sets.rs"));

/// Returns a descriptor pool that contains `full_name` and every type it
/// reaches, decoding it on first use. It is the reduced pool build.rs made
/// for that message, which decodes much faster, or else the whole pool.
pub fn pool_for(full_name: &str) -> &'static DescriptorPool {
    static POOLS: [OnceLock<Option<DescriptorPool>>; JSON_SETS.len()] =
        [const { OnceLock::new() }; JSON_SETS.len()];
    let reduced = JSON_SETS
        .iter()
        .position(|(name, _)| *name == full_name)
        .and_then(|index| {
            POOLS[index]
                .get_or_init(|| DescriptorPool::decode(JSON_SETS[index].1).ok())
                .as_ref()
        });
    reduced.unwrap_or_else(descriptor_pool)
}

/// Returns the descriptor pool of the CRI protocol, decoding it on first use.
///
/// Only commands that read config files or JSON schemas, or print a message
/// that has no reduced pool (see [`pool_for`]), pay for decoding it.
pub fn descriptor_pool() -> &'static DescriptorPool {
    static POOL: OnceLock<DescriptorPool> = OnceLock::new();
    POOL.get_or_init(|| {
        // The bytes come from build.rs, which encoded a set protox had just
        // validated, so decoding them cannot fail at run time.
        DescriptorPool::decode(DESCRIPTOR_SET).expect("embedded CRI descriptor set is valid")
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use prost_reflect::{Kind, MessageDescriptor};

    use super::*;

    /// Describes every field of `message` and of the messages it reaches, as
    /// the JSON encoder reads them.
    fn shape(message: &MessageDescriptor, seen: &mut HashSet<String>, out: &mut Vec<String>) {
        if !seen.insert(message.full_name().to_owned()) {
            return;
        }
        for field in message.fields() {
            out.push(format!(
                "{}.{} {} {} {:?} list={} map={}",
                message.full_name(),
                field.name(),
                field.number(),
                field.json_name(),
                field.kind(),
                field.is_list(),
                field.is_map()
            ));
            if let Kind::Message(inner) = field.kind() {
                shape(&inner, seen, out);
            }
            if let Kind::Enum(inner) = field.kind() {
                out.extend(
                    inner
                        .values()
                        .map(|value| format!("{} {}", value.full_name(), value.number())),
                );
            }
        }
    }

    fn shape_in(pool: &DescriptorPool, name: &str) -> Vec<String> {
        let message = pool.get_message_by_name(name).expect("message in pool");
        let mut out = Vec::new();
        shape(&message, &mut HashSet::new(), &mut out);
        out
    }

    #[test]
    fn reduced_pools_match_whole_pool() {
        for (name, _) in JSON_SETS {
            let reduced = pool_for(name);
            assert!(
                !std::ptr::eq(reduced, descriptor_pool()),
                "the reduced set of {name} did not decode"
            );
            assert_eq!(
                shape_in(reduced, name),
                shape_in(descriptor_pool(), name),
                "{name}"
            );
        }
    }

    #[test]
    fn reduced_pools_much_smaller() {
        let whole = descriptor_pool().all_messages().count();
        for (name, _) in JSON_SETS {
            let reduced = pool_for(name).all_messages().count();
            assert!(reduced * 2 < whole, "{name}: {reduced} of {whole} messages");
        }
    }

    /// Every message a command prints as JSON has a reduced set.
    #[test]
    fn printed_messages_have_reduced_sets() {
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/commands"
        ))];
        let mut files = Vec::new();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("read a source directory") {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let mut printed = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(file).expect("read a source file");
            for call in ["to_json(\"", "to_json_with_nulls(\""] {
                for (start, _) in text.match_indices(call) {
                    let rest = &text[start + call.len()..];
                    let end = rest.find('"').expect("closing quote");
                    printed.push(rest[..end].to_owned());
                }
            }
        }
        assert!(printed.len() > 10, "found only {printed:?}");
        for name in printed {
            assert!(
                JSON_SETS.iter().any(|(reduced, _)| *reduced == name),
                "{name} has no reduced set in build.rs"
            );
        }
    }
}
