//! `images` against the fake runtime: the table and its columns, quiet,
//! verbose, JSON and YAML views, `--filter`, the REPOSITORY argument against
//! a runtime that ignores it, untagged images and size formatting.

mod support;

use crictl_rs::proto::cri;
use support::fixture::{IMG_BUSYBOX, IMG_NGINX, IMG_ODD, IMG_PAUSE};
use support::{Clock, Fake, State, calls, sample, text};
use tonic::Code;

const LIST_ALL: &str = "ListImages filter { image { } }";
const STREAM_ALL: &str = "StreamImages filter { image { } }";

fn list_calls(filter: &str) -> Vec<String> {
    calls(&["ImageFsInfo ", &format!("ListImages {filter}")])
}

#[test]
fn images_table_sorted() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images"])
        .stdout(text(
            r#"
IMAGE                       TAG                 IMAGE ID            SIZE
docker.io/library/busybox   latest              9d75f0d7c398d       4.5MB
docker.io/library/busybox   1.36                9d75f0d7c398d       4.5MB
docker.io/library/nginx     latest              5be1ecc7935f1       191MB
registry.k8s.io/pause       <none>              6210c0bf05396       750kB
localhost/odd               v1                  990cb8ebd0afb       1e+03kB
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["ImageFsInfo ", LIST_ALL]));
}

#[test]
fn images_digests_and_pinned() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "--digests", "--pinned"])
        .stdout(text(
            r#"
IMAGE                       TAG                 DIGEST              IMAGE ID            SIZE                PINNED
docker.io/library/busybox   latest              538721340ded1       9d75f0d7c398d       4.5MB               true
docker.io/library/busybox   1.36                538721340ded1       9d75f0d7c398d       4.5MB               true
docker.io/library/nginx     latest              05aa73005987c       5be1ecc7935f1       191MB               false
registry.k8s.io/pause       <none>              7031c1b283388       6210c0bf05396       750kB               false
localhost/odd               v1                  <none>              990cb8ebd0afb       1e+03kB             false
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_no_trunc_digests() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "--no-trunc", "--digests"])
        .stdout(text(
            r#"
IMAGE                       TAG                 DIGEST                                                                    IMAGE ID                                                                  SIZE
docker.io/library/busybox   latest              sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414   sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91   4.5MB
docker.io/library/busybox   1.36                sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414   sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91   4.5MB
docker.io/library/nginx     latest              sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71   sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65   191MB
registry.k8s.io/pause       <none>              sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097   sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df   750kB
localhost/odd               v1                  <none>                                                                    sha256:990cb8ebd0afb7150da453a213036a92f2c05e091df0d803e62d257ea7796c27   1e+03kB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_quiet_full_ids() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-q"])
        .stdout(&format!(
            "{IMG_BUSYBOX}\n{IMG_NGINX}\n{IMG_PAUSE}\n{IMG_ODD}\n"
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_verbose_details() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-v"])
        .stdout(concat!(
            "ID: sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91\n",
            "RepoTags: docker.io/library/busybox:latest\n",
            "RepoTags: docker.io/library/busybox:1.36\n",
            "RepoDigests: docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414\n",
            "Size: 4500000\n",
            "Uid: \n",
            "Pinned: true\n",
            "\n",
            "ID: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65\n",
            "RepoTags: docker.io/library/nginx:latest\n",
            "RepoDigests: docker.io/library/nginx@sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71\n",
            "Size: 191000000\n",
            "\n",
            "ID: sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df\n",
            "RepoDigests: registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097\n",
            "Size: 750000\n",
            "\n",
            "ID: sha256:990cb8ebd0afb7150da453a213036a92f2c05e091df0d803e62d257ea7796c27\n",
            "RepoTags: localhost/odd:v1\n",
            "Size: 999600\n",
            "\n",
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_repository_argument() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "nginx"])
        .stdout(text(
            r#"
IMAGE                     TAG                 IMAGE ID            SIZE
docker.io/library/nginx   latest              5be1ecc7935f1       191MB
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        list_calls("filter { image { image: \"nginx\" } }")
    );
}

#[test]
fn images_json_list() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-o", "json"])
        .stdout(text(
            r#"
{
  "images": [
    {
      "id": "sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91",
      "repoTags": [
        "docker.io/library/busybox:latest",
        "docker.io/library/busybox:1.36"
      ],
      "repoDigests": [
        "docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414"
      ],
      "size": "4500000",
      "uid": {
        "value": "0"
      },
      "username": "",
      "pinned": true
    },
    {
      "id": "sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65",
      "repoTags": [
        "docker.io/library/nginx:latest"
      ],
      "repoDigests": [
        "docker.io/library/nginx@sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71"
      ],
      "size": "191000000",
      "username": "",
      "pinned": false
    },
    {
      "id": "sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df",
      "repoTags": [],
      "repoDigests": [
        "registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097"
      ],
      "size": "750000",
      "username": "",
      "pinned": false
    },
    {
      "id": "sha256:990cb8ebd0afb7150da453a213036a92f2c05e091df0d803e62d257ea7796c27",
      "repoTags": [
        "localhost/odd:v1"
      ],
      "repoDigests": [],
      "size": "999600",
      "username": "",
      "pinned": false
    }
  ]
}
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_yaml_list() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-o", "yaml"])
        .stdout(text(
            r#"
images:
- id: sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91
  pinned: true
  repoDigests:
  - docker.io/library/busybox@sha256:538721340ded10875f4710cad688c70e5d0ecb4dcd5e7d0c161f301f36f79414
  repoTags:
  - docker.io/library/busybox:latest
  - docker.io/library/busybox:1.36
  size: "4500000"
  uid:
    value: "0"
  username: ""
- id: sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65
  pinned: false
  repoDigests:
  - docker.io/library/nginx@sha256:05aa73005987caaed48ea8213696b0df761ccd600d2c53fc0a1a97a180301d71
  repoTags:
  - docker.io/library/nginx:latest
  size: "191000000"
  username: ""
- id: sha256:6210c0bf05396716df932f0729df69de0533933e5ad9871fd07b61811c4c28df
  pinned: false
  repoDigests:
  - registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097
  repoTags: []
  size: "750000"
  username: ""
- id: sha256:990cb8ebd0afb7150da453a213036a92f2c05e091df0d803e62d257ea7796c27
  pinned: false
  repoDigests: []
  repoTags:
  - localhost/odd:v1
  size: "999600"
  username: ""

"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn images_dangling_filter() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-f", "dangling=true"])
        .stdout(text(
            r#"
IMAGE                   TAG                 IMAGE ID            SIZE
registry.k8s.io/pause   <none>              6210c0bf05396       750kB
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), list_calls("filter { image { } }"));
}

#[test]
fn images_unknown_filter_no_calls() {
    let fake = Fake::start(sample(Clock::Live));
    fake.crictl(&["images", "-f", "foo=bar"])
        .code(1)
        .stdout("")
        .stderr_contains("foo=bar")
        .run();
    assert_eq!(fake.calls(), calls(&[]));
}

#[test]
fn images_streamed_when_list_too_large() {
    let mut state = sample(Clock::Live);
    state.stream_batch = Some(3);
    // The status a runtime with a send limit returns for a list past it.
    state.faults.insert(
        "ListImages".to_owned(),
        (
            Code::ResourceExhausted,
            "grpc: trying to send message larger than max".to_owned(),
        ),
    );
    let fake = Fake::start(state);
    fake.crictl(&["images", "-q"])
        .stdout(&format!(
            "{IMG_BUSYBOX}\n{IMG_NGINX}\n{IMG_PAUSE}\n{IMG_ODD}\n"
        ))
        .stderr_empty()
        .run();
    assert_eq!(fake.calls(), calls(&["ImageFsInfo ", LIST_ALL, STREAM_ALL]));
}

fn image(id: &str, tags: &[&str], digests: &[&str], size: u64) -> cri::Image {
    cri::Image {
        id: format!("sha256:{id}"),
        repo_tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        repo_digests: digests.iter().map(|digest| (*digest).to_owned()).collect(),
        size,
        ..Default::default()
    }
}

const BUSYBOX_ID: &str = "7a056b61a603dd181288142c9480e94a06ee97ef9cff3baa1df5c66a3c0229b1";
const BUSYBOX_DIGEST: &str =
    "sha256:6b479de58ceaa53786ec413f52e7f13570e1e1a423002a42771b9332eb20c5d2";

fn busybox_136() -> cri::Image {
    image(
        BUSYBOX_ID,
        &["docker.io/library/busybox:1.36"],
        &[&format!("docker.io/library/busybox@{BUSYBOX_DIGEST}")],
        4_261_000,
    )
}

/// nginx with tags 1.25 and latest, and busybox 1.36, from a runtime that
/// returns every image whatever the filter.
fn filter_ignoring_images() -> State {
    let nginx = image(
        "31004d70730255a94e7b0e7b936278228a8c9073f87c957d70b47c59f04b49eb",
        &[
            "docker.io/library/nginx:1.25",
            "docker.io/library/nginx:latest",
        ],
        &[
            "docker.io/library/nginx@sha256:2d1c6ab1b9f7e52b4ae5fd11f1b2f1b2a8c0e0f9c7f1bd5b0d4c3a2b1a0f9e8d",
        ],
        191_000_000,
    );
    State {
        images: vec![nginx, busybox_136()],
        ignore_filters: true,
        ..Default::default()
    }
}

#[test]
fn tag_argument_one_row() {
    let fake = Fake::start(filter_ignoring_images());
    fake.crictl(&["images", "docker.io/library/nginx:1.25"])
        .stdout(text(
            r#"
IMAGE                     TAG                 IMAGE ID            SIZE
docker.io/library/nginx   1.25                31004d7073025       191MB
"#,
        ))
        .stderr_empty()
        .run();
    assert_eq!(
        fake.calls(),
        list_calls("filter { image { image: \"docker.io/library/nginx:1.25\" } }")
    );
}

#[test]
fn repository_argument_all_tags() {
    let fake = Fake::start(filter_ignoring_images());
    fake.crictl(&["images", "docker.io/library/nginx"])
        .stdout(text(
            r#"
IMAGE                     TAG                 IMAGE ID            SIZE
docker.io/library/nginx   1.25                31004d7073025       191MB
docker.io/library/nginx   latest              31004d7073025       191MB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn digest_argument_matches_repo_digest() {
    let fake = Fake::start(filter_ignoring_images());
    let reference = format!("docker.io/library/busybox@{BUSYBOX_DIGEST}");
    fake.crictl(&["images", &reference])
        .stdout(text(
            r#"
IMAGE                       TAG                 IMAGE ID            SIZE
docker.io/library/busybox   1.36                7a056b61a603d       4.26MB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn reference_arguments_quiet() {
    let fake = Fake::start(filter_ignoring_images());
    let nginx = "sha256:31004d70730255a94e7b0e7b936278228a8c9073f87c957d70b47c59f04b49eb";
    let busybox = format!("sha256:{BUSYBOX_ID}");
    fake.crictl(&["images", "-q", "docker.io/library/nginx:1.25"])
        .stdout(&format!("{nginx}\n"))
        .run();
    fake.crictl(&["images", "-q", "nginx"])
        .stdout(&format!("{nginx}\n"))
        .run();
    fake.crictl(&["images", "-q", "busybox:1.36"])
        .stdout(&format!("{busybox}\n"))
        .run();
    fake.crictl(&["images", "-q", "docker.io/library/nginx:1.24"])
        .stdout("")
        .run();
    fake.crictl(&["images", "-q", "7a056b61"])
        .stdout(&format!("{busybox}\n"))
        .run();
}

/// An image pulled by digest (no tags) next to a tagged one.
fn untagged_kindnet() -> State {
    let kindnet = image(
        "8b1aa38731d5c70212849201915419586b2d8cd1229c07934d4e12b9080859b0",
        &[],
        &[
            "docker.io/kindest/kindnetd@sha256:fcf9d099b3a00f56a08e316dea2a1e8a78a154f57de3fb2695934f82fd49480d",
        ],
        38_870_000,
    );
    State {
        images: vec![busybox_136(), kindnet],
        ..Default::default()
    }
}

#[test]
fn untagged_image_none_tag() {
    let fake = Fake::start(untagged_kindnet());
    fake.crictl(&["images"])
        .stdout(text(
            r#"
IMAGE                        TAG                 IMAGE ID            SIZE
docker.io/kindest/kindnetd   <none>              8b1aa38731d5c       38.9MB
docker.io/library/busybox    1.36                7a056b61a603d       4.26MB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn untagged_image_digest_column() {
    let fake = Fake::start(untagged_kindnet());
    fake.crictl(&["images", "--digests"])
        .stdout(text(
            r#"
IMAGE                        TAG                 DIGEST              IMAGE ID            SIZE
docker.io/kindest/kindnetd   <none>              fcf9d099b3a00       8b1aa38731d5c       38.9MB
docker.io/library/busybox    1.36                6b479de58ceaa       7a056b61a603d       4.26MB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn untagged_image_is_dangling() {
    let fake = Fake::start(untagged_kindnet());
    fake.crictl(&["images", "--filter", "dangling=true"])
        .stdout(text(
            r#"
IMAGE                        TAG                 IMAGE ID            SIZE
docker.io/kindest/kindnetd   <none>              8b1aa38731d5c       38.9MB
"#,
        ))
        .stderr_empty()
        .run();
    fake.crictl(&["images", "-q", "--filter", "dangling=false"])
        .stdout(&format!("sha256:{BUSYBOX_ID}\n"))
        .run();
}

/// Six images whose sizes cover go-units' rounding, one per tag `size-a`
/// to `size-f`.
fn sized_images() -> State {
    let sizes: [(&str, &str, u64); 6] = [
        (
            "a",
            "48fa7b7fe5fb41bee83c5466129937ef48d4a4da207511f508e38e1cbdbc41a3",
            70_500_000,
        ),
        (
            "b",
            "31004d70730255a94e7b0e7b936278228a8c9073f87c957d70b47c59f04b49eb",
            191_000_000,
        ),
        (
            "c",
            "ebf004f07ccadaddb9d2da0bdcc09cb6c9cf880925cbb5f85d0fe52bdd6e0ee7",
            321_520,
        ),
        (
            "d",
            "7a056b61a603dd181288142c9480e94a06ee97ef9cff3baa1df5c66a3c0229b1",
            4_261_000,
        ),
        (
            "e",
            "700b32a3aa482fefb8e51c0a85fa9948f1545d5073abe486ca3e406f6f691003",
            0,
        ),
        (
            "f",
            "8b1aa38731d5c70212849201915419586b2d8cd1229c07934d4e12b9080859b0",
            999_950,
        ),
    ];
    let images = sizes
        .iter()
        .map(|(tag, id, size)| {
            image(
                id,
                &[&format!("docker.io/library/size-{tag}:1")],
                &[],
                *size,
            )
        })
        .collect();
    State {
        images,
        ..Default::default()
    }
}

#[test]
fn sizes_three_significant_digits() {
    let fake = Fake::start(sized_images());
    fake.crictl(&["images"])
        .stdout(text(
            r#"
IMAGE                      TAG                 IMAGE ID            SIZE
docker.io/library/size-a   1                   48fa7b7fe5fb4       70.5MB
docker.io/library/size-b   1                   31004d7073025       191MB
docker.io/library/size-c   1                   ebf004f07ccad       322kB
docker.io/library/size-d   1                   7a056b61a603d       4.26MB
docker.io/library/size-e   1                   700b32a3aa482       0B
docker.io/library/size-f   1                   8b1aa38731d5c       1e+03kB
"#,
        ))
        .stderr_empty()
        .run();
}

#[test]
fn sizes_verbose_raw_bytes() {
    let fake = Fake::start(sized_images());
    fake.crictl(&["images", "-v"])
        .stdout(text(
            r#"
ID: sha256:48fa7b7fe5fb41bee83c5466129937ef48d4a4da207511f508e38e1cbdbc41a3
RepoTags: docker.io/library/size-a:1
Size: 70500000

ID: sha256:31004d70730255a94e7b0e7b936278228a8c9073f87c957d70b47c59f04b49eb
RepoTags: docker.io/library/size-b:1
Size: 191000000

ID: sha256:ebf004f07ccadaddb9d2da0bdcc09cb6c9cf880925cbb5f85d0fe52bdd6e0ee7
RepoTags: docker.io/library/size-c:1
Size: 321520

ID: sha256:7a056b61a603dd181288142c9480e94a06ee97ef9cff3baa1df5c66a3c0229b1
RepoTags: docker.io/library/size-d:1
Size: 4261000

ID: sha256:700b32a3aa482fefb8e51c0a85fa9948f1545d5073abe486ca3e406f6f691003
RepoTags: docker.io/library/size-e:1

ID: sha256:8b1aa38731d5c70212849201915419586b2d8cd1229c07934d4e12b9080859b0
RepoTags: docker.io/library/size-f:1
Size: 999950

"#,
        ))
        .stderr_empty()
        .run();
}
