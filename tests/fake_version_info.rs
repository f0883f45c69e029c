//! `version`, `info` and `imagefsinfo` against the fake runtime: exact
//! output in every format and the calls made.

mod support;

use support::{Clock, Fake, calls, sample, text};
use tonic::Code;

#[test]
fn version_prints_four_lines() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["version"])
        .stdout(concat!(
            "Version:  0.1.0\n",
            "RuntimeName:  fakecri\n",
            "RuntimeVersion:  1.2.3\n",
            "RuntimeApiVersion:  v1\n",
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "Version version: \"v1\""])
    );
}

#[test]
fn version_incomplete_reply_fails() {
    let mut state = sample(Clock::Live);
    state.version.runtime_name.clear();
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["version"])
        .code(1)
        .stdout("")
        .stderr_contains("RuntimeName")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn version_unavailable_fails_once() {
    let mut state = sample(Clock::Live);
    state.fail("Version", Code::Unavailable, "runtime is shutting down");
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["version"])
        .code(1)
        .stdout("")
        .stderr_contains("runtime is shutting down")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
    // The check and the version call go out together. A config file is
    // loaded, so retries are off and the failed check is reported at once.
    assert_eq!(
        fake.calls(),
        calls(&["Version ", "Version version: \"v1\""])
    );
}

#[test]
fn info_verbose_json() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["info"])
        .stdout(text(
            r#"
{
  "config": {
    "foo": "bar",
    "n": 1
  },
  "features": {
    "supplemental_groups_policy": true
  },
  "golang": "go1.22",
  "list": "[\"a\",\"b\"]",
  "runtimeHandlers": [
    {
      "features": {
        "recursive_read_only_mounts": true
      }
    },
    {
      "features": {
        "recursive_read_only_mounts": true,
        "user_namespaces": true
      },
      "name": "runc"
    }
  ],
  "status": {
    "conditions": [
      {
        "message": "",
        "reason": "",
        "status": true,
        "type": "RuntimeReady"
      },
      {
        "message": "cni not ready",
        "reason": "NetworkPluginNotReady",
        "status": false,
        "type": "NetworkReady"
      }
    ]
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", "Status verbose: true"]));
}

#[test]
fn info_quiet_yaml() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["info", "-q", "-o", "yaml"])
        .stdout(text(
            r#"
features:
  supplemental_groups_policy: true
runtimeHandlers:
- features:
    recursive_read_only_mounts: true
- features:
    recursive_read_only_mounts: true
    user_namespaces: true
  name: runc
status:
  conditions:
  - message: ""
    reason: ""
    status: true
    type: RuntimeReady
  - message: cni not ready
    reason: NetworkPluginNotReady
    status: false
    type: NetworkReady

"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", "Status "]));
}

#[test]
fn info_template_conditions() {
    let fake = Fake::start(sample(Clock::Live));
    let template = "{{range .status.conditions}}{{.type}}={{.status}} {{end}}";
    fake.crictl(&["info", "-o", "go-template", "--template", template])
        .stdout("RuntimeReady=true NetworkReady=false \n")
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["Version ", "Status verbose: true"]));
}

#[test]
fn info_table_rejected_early() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["info", "-o", "table"])
        .code(1)
        .stdout("")
        .stderr_contains("\"table\"")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn info_unimplemented_status() {
    let mut state = sample(Clock::Live);
    state.fail("Status", Code::Unimplemented, "unknown method Status");
    let fake = Fake::start(state);
    let outcome = fake
        .crictl(&["info"])
        .code(1)
        .stdout("")
        .stderr_contains("unknown method Status")
        .stderr_contains("not implemented")
        .run();
    assert_eq!(outcome.stderr_lines().len(), 1, "{}", outcome.report());
}

#[test]
fn imagefsinfo_json_document() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["imagefsinfo"])
        .stdout(text(
            r#"
{
  "status": {
    "containerFilesystems": [],
    "imageFilesystems": [
      {
        "fsId": {
          "mountpoint": "/var/lib/fake/images"
        },
        "inodesUsed": {
          "value": "4321"
        },
        "timestamp": "1700000000000000000",
        "usedBytes": {
          "value": "123456789"
        }
      }
    ]
  }
}
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["ImageFsInfo ", "ImageFsInfo "]));
}

#[test]
fn imagefsinfo_table_sections() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["imagefsinfo", "-o", "table"])
        .stdout(concat!(
            "Container Filesystem \n",
            "Image Filesystem \n",
            "TimeStamp[0]: 1700000000000000000\n",
            "Disk[0]: 123.5MB\n",
            "Inodes[0]: 4321\n",
            "Mountpoint[0]: /var/lib/fake/images\n",
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["ImageFsInfo ", "ImageFsInfo "]));
}

#[test]
fn imagefsinfo_template_mountpoint() {
    let fake = Fake::start(sample(Clock::Live));
    let template =
        "{{range .status.imageFilesystems}}{{.fsId.mountpoint}} {{.usedBytes.value}}{{end}}";
    fake.crictl(&["imagefsinfo", "-o", "go-template", "--template", template])
        .stdout("/var/lib/fake/images 123456789\n")
        .stderr_empty()
        .run();
}
