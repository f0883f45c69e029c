//! What the end-to-end tests share: where the real containerd that
//! `scripts/runtime-up` starts is listening.

use std::path::Path;

/// Returns the runtime's endpoint: `CRICTL_E2E_ENDPOINT`, or else the `endpoint`
/// file runtime-up writes in its state directory (`CRICTL_RS_RUNTIME_DIR`,
/// default `/var/tmp/crictl-rs-containerd`).
pub fn endpoint() -> String {
    if let Ok(endpoint) = std::env::var("CRICTL_E2E_ENDPOINT") {
        return endpoint;
    }
    let dir = std::env::var("CRICTL_RS_RUNTIME_DIR")
        .unwrap_or_else(|_| "/var/tmp/crictl-rs-containerd".to_owned());
    let file = Path::new(&dir).join("endpoint");
    std::fs::read_to_string(&file)
        .unwrap_or_else(|error| {
            panic!(
                "no runtime endpoint: set CRICTL_E2E_ENDPOINT or run scripts/runtime-up ({}: {error})",
                file.display()
            )
        })
        .trim()
        .to_owned()
}
