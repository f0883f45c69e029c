//! `images`, `inspecti` and `imagefsinfo`: which images the node stores and
//! how much space they use.

use clap::Args;

use super::output::{self, Format};
use super::{Context, listing};
use crate::error::{Error, Result};
use crate::proto::{cri, json};
use crate::render::{human, table::Table};
use crate::transport::{ImageClient, call, request};

pub mod reference;

/// Arguments of `images`.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Print every detail of each image
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// Print only image IDs
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Filter: dangling=true|false, reference=REGEX, before=IMAGE or since=IMAGE (repeatable)
    #[arg(
        short = 'f',
        long = "filter",
        value_name = "FILTER",
        value_delimiter = ','
    )]
    pub filter: Vec<String>,

    /// Output format: table, json or yaml
    #[arg(short = 'o', long = "output", default_value = "")]
    pub output: String,

    /// Show a DIGEST column
    #[arg(long = "digests")]
    pub digests: bool,

    /// Show full image IDs and digests
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,

    /// Show a PINNED column
    #[arg(long = "pinned")]
    pub pinned: bool,

    /// Show only this image: REPOSITORY, REPOSITORY:TAG or REPOSITORY@DIGEST
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub reference: Option<String>,
}

/// Lists images.
pub async fn images(args: ImagesArgs, context: &mut Context<'_>) -> Result<()> {
    // crictl prints a table for any -o other than json and yaml.
    let format = match args.output.as_str() {
        "json" => Format::Json,
        "yaml" => Format::Yaml,
        _ => Format::Table,
    };
    let conditions = parse_conditions(&args.filter)?;
    let requested = args
        .reference
        .as_deref()
        .map(reference::RequestedImage::parse);
    let timeout = context.timeout();
    let reference = args.reference.as_deref().unwrap_or("");
    let (_, mut images) = context
        .connector
        .image_then(|mut client| async move { list_sorted(&mut client, reference, timeout).await })
        .await?;
    if let Some(requested) = &requested {
        images.retain(|image| requested.matches_image(image));
    }
    let images = apply_conditions(images, &conditions)?;

    match format {
        Format::Json | Format::Yaml => {
            let items = images
                .iter()
                .map(|image| json::to_json("runtime.v1.Image", image))
                .collect();
            output::write_list(context.out, format, "images", items)
        }
        _ if args.quiet => {
            let ids: String = images
                .iter()
                .map(|image| format!("{}\n", image.id))
                .collect();
            output::write_text(context.out, &ids)
        }
        _ if args.verbose => write_verbose(context.out, &images),
        _ => write_table(context.out, &images, &args, requested.as_ref()),
    }
}

/// Lists images for `name` (empty for all) in crictl's order.
async fn list_sorted(
    client: &mut ImageClient,
    name: &str,
    timeout: Option<std::time::Duration>,
) -> Result<Vec<cri::Image>> {
    let filter = cri::ImageFilter {
        image: Some(cri::ImageSpec {
            image: name.to_owned(),
            ..Default::default()
        }),
    };
    let mut images = listing::images(client, Some(filter), timeout)
        .await
        .map_err(|status| Error::rpc("listing images", status))?;
    sort_images(&mut images);
    Ok(images)
}

/// Sorts images as crictl does: by first tag when both have tags, else by
/// first digest when both have digests, else by ID.
///
/// That order is not total once untagged images are mixed in, so the result
/// depends on the algorithm. An insertion sort reproduces crictl's output
/// for the lists it sorts the same way (up to 12 images), and stays stable
/// beyond.
fn sort_images(images: &mut [cri::Image]) {
    for i in 1..images.len() {
        let mut j = i;
        while j > 0 && image_less(&images[j], &images[j - 1]) {
            images.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn image_less(a: &cri::Image, b: &cri::Image) -> bool {
    if let (Some(x), Some(y)) = (a.repo_tags.first(), b.repo_tags.first()) {
        return x < y;
    }
    match (a.repo_digests.first(), b.repo_digests.first()) {
        (Some(x), Some(y)) => x < y,
        _ => a.id < b.id,
    }
}

/// One `--filter` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    Dangling(String),
    Reference(String),
    Before(String),
    Since(String),
}

fn parse_conditions(values: &[String]) -> Result<Vec<Condition>> {
    values
        .iter()
        .map(|value| {
            let (key, operand) = value.split_once('=').unwrap_or((value, ""));
            match key {
                "dangling" => Ok(Condition::Dangling(operand.to_owned())),
                "reference" => Ok(Condition::Reference(operand.to_owned())),
                "before" => Ok(Condition::Before(operand.to_owned())),
                "since" => Ok(Condition::Since(operand.to_owned())),
                _ => Err(Error::Invalid(format!(
                    "unknown image filter {value:?}; use dangling=, reference=, before= or since="
                ))),
            }
        })
        .collect()
}

fn apply_conditions(
    mut images: Vec<cri::Image>,
    conditions: &[Condition],
) -> Result<Vec<cri::Image>> {
    for condition in conditions {
        images = match condition {
            Condition::Dangling(value) => match value.as_str() {
                "true" => images
                    .into_iter()
                    .filter(|i| i.repo_tags.is_empty())
                    .collect(),
                "false" => images
                    .into_iter()
                    .filter(|i| !i.repo_tags.is_empty())
                    .collect(),
                _ => Vec::new(),
            },
            Condition::Reference(pattern) => {
                let regex = regex::Regex::new(pattern).map_err(|error| {
                    Error::Invalid(format!("invalid reference filter {pattern:?}: {error}"))
                })?;
                images
                    .into_iter()
                    .filter(|image| {
                        let name = reference::digest_repository(image).0;
                        name == *pattern || regex.is_match(&name)
                    })
                    .collect()
            }
            Condition::Since(value) => keep_until_match(images, value),
            Condition::Before(value) => {
                images.reverse();
                let mut kept = keep_until_match(images, value);
                kept.reverse();
                kept
            }
        };
    }
    Ok(images)
}

/// Keeps images up to (not including) the first that `value` names; images
/// that cannot be compared with a digest reference are skipped.
fn keep_until_match(images: Vec<cri::Image>, value: &str) -> Vec<cri::Image> {
    let mut kept = Vec::new();
    for image in images {
        let matched = match (value.contains(':'), value.contains('@')) {
            (true, false) => {
                let pairs = reference::repo_tag_pairs(&image);
                pairs
                    .first()
                    .is_some_and(|(repo, tag)| format!("{repo}:{tag}") == value)
            }
            (false, false) => image.id.starts_with(value),
            (true, true) => match image.repo_digests.first() {
                Some(digest) => digest.starts_with(value),
                None => continue,
            },
            (false, true) => false,
        };
        if matched {
            break;
        }
        kept.push(image);
    }
    kept
}

fn write_table(
    out: &mut dyn std::io::Write,
    images: &[cri::Image],
    args: &ImagesArgs,
    requested: Option<&reference::RequestedImage>,
) -> Result<()> {
    let mut header = vec!["IMAGE", "TAG"];
    if args.digests {
        header.push("DIGEST");
    }
    header.extend(["IMAGE ID", "SIZE"]);
    if args.pinned {
        header.push("PINNED");
    }
    let mut table = Table::new(20);
    table.push_row(header.into_iter().map(str::to_owned).collect());

    for image in images {
        let digest = reference::digest_repository(image).1;
        let (id, digest) = if args.no_trunc {
            (image.id.clone(), digest)
        } else {
            (
                human::truncate_id(&image.id, "sha256:"),
                human::truncate_id(&digest, "sha256:"),
            )
        };
        let size = human::human_size(image.size as f64, 3);
        for (repo, tag) in reference::repo_tag_pairs(image) {
            if requested.is_some_and(|requested| !requested.matches_row(&repo, &tag)) {
                continue;
            }
            let mut row = vec![repo, tag];
            if args.digests {
                row.push(digest.clone());
            }
            row.extend([id.clone(), size.clone()]);
            if args.pinned {
                row.push(image.pinned.to_string());
            }
            table.push_row(row);
        }
    }
    table
        .write_to(out)
        .map_err(|source| Error::io("writing output", source))
}

fn write_verbose(out: &mut dyn std::io::Write, images: &[cri::Image]) -> Result<()> {
    let mut text = String::new();
    for image in images {
        text.push_str(&format!("ID: {}\n", image.id));
        for tag in &image.repo_tags {
            text.push_str(&format!("RepoTags: {tag}\n"));
        }
        for digest in &image.repo_digests {
            text.push_str(&format!("RepoDigests: {digest}\n"));
        }
        if image.size != 0 {
            text.push_str(&format!("Size: {}\n", image.size));
        }
        if let Some(uid) = &image.uid {
            // crictl prints the protobuf text form, which is empty for 0.
            if uid.value == 0 {
                text.push_str("Uid: \n");
            } else {
                text.push_str(&format!("Uid: value:{}\n", uid.value));
            }
        }
        if !image.username.is_empty() {
            text.push_str(&format!("Username: {}\n", image.username));
        }
        if image.pinned {
            text.push_str("Pinned: true\n");
        }
        text.push('\n');
    }
    output::write_text(out, &text)
}

/// Arguments of `inspecti`.
#[derive(Debug, Args)]
pub struct InspectiArgs {
    /// Output format: json, yaml, go-template or table
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Leave out the runtime's verbose details
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,

    /// Go template for -o go-template
    #[arg(long = "template", default_value = "")]
    pub template: String,

    /// Without image IDs, inspect the images of this name
    #[arg(long = "name", default_value = "")]
    pub name: String,

    /// Without image IDs, inspect the images this filter selects (as in `images`)
    #[arg(
        short = 'f',
        long = "filter",
        value_name = "FILTER",
        value_delimiter = ','
    )]
    pub filter: Vec<String>,

    /// Image IDs or names; without them, the images the filters select
    #[arg(
        value_name = "IMAGE-ID",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub ids: Vec<String>,
}

/// Shows the status of images.
pub async fn inspecti(args: InspectiArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(
        &args.output,
        &[
            Format::Json,
            Format::Yaml,
            Format::GoTemplate,
            Format::Table,
        ],
    )?;
    let conditions = parse_conditions(&args.filter)?;
    let mut client = context.connector.image().await?;
    let timeout = context.timeout();

    let ids = if args.ids.is_empty() {
        let mut images = list_sorted(&mut client, &args.name, timeout).await?;
        if !args.name.is_empty() {
            let requested = reference::RequestedImage::parse(&args.name);
            images.retain(|image| requested.matches_image(image));
        }
        let images = apply_conditions(images, &conditions)?;
        images.into_iter().map(|image| image.id).collect()
    } else {
        args.ids.clone()
    };
    if ids.is_empty() {
        return Err(Error::Help {
            command: "inspecti",
            message: Some("no image IDs given and no image matches the filters".to_owned()),
        });
    }

    let mut documents = Vec::new();
    for id in &ids {
        let reply = call(
            timeout,
            client.image_status(request(
                cri::ImageStatusRequest {
                    image: Some(cri::ImageSpec {
                        image: id.clone(),
                        ..Default::default()
                    }),
                    verbose: !args.quiet,
                },
                timeout,
            )),
        )
        .await
        .map_err(|status| Error::rpc(format!("getting the status of image {id:?}"), status))?;
        let Some(image) = &reply.image else {
            return Err(Error::Runtime(format!("no such image {id:?} present")));
        };
        if format == Format::Table {
            write_status_table(context.out, image, &reply.info)?;
        } else {
            let status = json::to_json("runtime.v1.Image", image);
            documents.push(output::status_document(status, &reply.info));
        }
    }
    if format == Format::Table {
        return Ok(());
    }
    output::write_documents(context.out, format, &args.template, documents)
}

fn write_status_table(
    out: &mut dyn std::io::Write,
    image: &cri::Image,
    info: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let mut text = format!("ID: {}\n", image.id);
    for tag in &image.repo_tags {
        text.push_str(&format!("Tag: {tag}\n"));
    }
    for digest in &image.repo_digests {
        text.push_str(&format!("Digest: {digest}\n"));
    }
    text.push_str(&format!(
        "Size: {}\n",
        human::human_size(image.size as f64, 3)
    ));
    if !info.is_empty() {
        text.push_str(&format!("Info: {}\n", output::go_map_text(info)));
    }
    output::write_text(out, &text)
}

/// Arguments of `imagefsinfo`.
#[derive(Debug, Args)]
pub struct ImageFsInfoArgs {
    /// Output format: json, yaml, go-template or table
    #[arg(short = 'o', long = "output", default_value = "json")]
    pub output: String,

    /// Go template for -o go-template
    #[arg(long = "template", default_value = "")]
    pub template: String,
}

/// Shows the filesystems that hold images and container layers.
pub async fn imagefsinfo(args: ImageFsInfoArgs, context: &mut Context<'_>) -> Result<()> {
    let format = Format::parse(
        &args.output,
        &[
            Format::Json,
            Format::Yaml,
            Format::GoTemplate,
            Format::Table,
        ],
    )?;
    let mut client = context.connector.image().await?;
    let timeout = context.timeout();
    let reply = call(
        timeout,
        client.image_fs_info(request(cri::ImageFsInfoRequest::default(), timeout)),
    )
    .await
    .map_err(|status| Error::rpc("getting image filesystem usage", status))?;

    if format == Format::Table {
        let mut text = String::new();
        for (title, filesystems) in [
            ("Container Filesystem ", &reply.container_filesystems),
            ("Image Filesystem ", &reply.image_filesystems),
        ] {
            text.push_str(title);
            text.push('\n');
            for (index, usage) in filesystems.iter().enumerate() {
                let used = usage.used_bytes.as_ref().map_or(0, |v| v.value);
                let inodes = usage.inodes_used.as_ref().map_or(0, |v| v.value);
                let mountpoint = usage.fs_id.as_ref().map_or("", |id| id.mountpoint.as_str());
                text.push_str(&format!(
                    "TimeStamp[{index}]: {}\nDisk[{index}]: {}\nInodes[{index}]: {inodes}\nMountpoint[{index}]: {mountpoint}\n",
                    usage.timestamp,
                    human::human_size(used as f64, 4),
                ));
            }
        }
        return output::write_text(context.out, &text);
    }
    let status = json::to_json("runtime.v1.ImageFsInfoResponse", &reply);
    let document = output::status_document(status, &Default::default());
    output::write_documents(context.out, format, &args.template, vec![document])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, tags: &[&str], digests: &[&str]) -> cri::Image {
        cri::Image {
            id: id.to_owned(),
            repo_tags: tags.iter().map(|s| (*s).to_owned()).collect(),
            repo_digests: digests.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        }
    }

    fn ids(images: &[cri::Image]) -> Vec<&str> {
        images.iter().map(|image| image.id.as_str()).collect()
    }

    #[test]
    fn sort_matches_crictl_example() {
        let mut images = vec![
            image(
                "n",
                &["docker.io/library/nginx:latest"],
                &["docker.io/library/nginx@sha256:1"],
            ),
            image(
                "b",
                &["docker.io/library/busybox:latest"],
                &["docker.io/library/busybox@sha256:2"],
            ),
            image("sha256:6210", &[], &["registry.k8s.io/pause@sha256:3"]),
            image("sha256:990c", &["localhost/odd:v1"], &[]),
        ];
        sort_images(&mut images);
        assert_eq!(ids(&images), ["b", "n", "sha256:6210", "sha256:990c"]);
    }

    fn four() -> Vec<cri::Image> {
        ["server:0.0.0", "busybox:1.2.0", "nginx:1.0.0", "app:1.2.2"]
            .iter()
            .enumerate()
            .map(|(i, tag)| {
                let name = tag.split(':').next().unwrap();
                image(
                    &(i + 1).to_string(),
                    &[&format!("docker.io/library/{tag}")],
                    &[&format!("docker.io/library/{name}@sha256:{}", i + 1)],
                )
            })
            .collect()
    }

    #[test]
    fn before_and_since_vectors() {
        let cases: [(&str, &[&str]); 6] = [
            ("before=docker.io/library/nginx:1.0.0", &["4"]),
            ("before=1", &["2", "3", "4"]),
            ("before=docker.io/library/busybox@sha256:2", &["3", "4"]),
            ("since=docker.io/library/busybox:1.2.0", &["1"]),
            ("since=3", &["1", "2"]),
            ("since=docker.io/library/nginx@sha256:3", &["1", "2"]),
        ];
        for (filter, expected) in cases {
            let conditions = parse_conditions(&[filter.to_owned()]).unwrap();
            let kept = apply_conditions(four(), &conditions).unwrap();
            assert_eq!(ids(&kept), expected, "{filter}");
        }
    }

    #[test]
    fn dangling_keeps_untagged() {
        let images = vec![
            image("1", &[], &["docker.io/library/busybox@sha256:1"]),
            image(
                "2",
                &["docker.io/library/nginx:latest"],
                &["docker.io/library/nginx@sha256:2"],
            ),
        ];
        let conditions = parse_conditions(&["dangling=true".to_owned()]).unwrap();
        assert_eq!(ids(&apply_conditions(images, &conditions).unwrap()), ["1"]);
    }

    #[test]
    fn reference_filters_chain() {
        let mut images = four();
        images.push(image(
            "5",
            &["registry.k8s.io/e2e-test-images/busybox:1.2.2"],
            &["registry.k8s.io/e2e-test-images/busybox@sha256:5"],
        ));
        let conditions =
            parse_conditions(&["reference=busybox".to_owned(), "reference=k8s".to_owned()])
                .unwrap();
        assert_eq!(ids(&apply_conditions(images, &conditions).unwrap()), ["5"]);
    }

    #[test]
    fn unknown_condition_rejected() {
        let error = parse_conditions(&["foo=bar".to_owned()]).unwrap_err();
        assert!(error.to_string().contains("foo=bar"), "{error}");
    }
}
