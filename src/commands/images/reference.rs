//! Image references: the repository/tag pairs of the `images` table, and
//! matching the `images REPOSITORY[:TAG]` argument on the client.

use crate::proto::cri;

/// Splits the first repo digest into repository and digest:
/// `("<none>", "<none>")` without digests, `("errorName",
/// "errorRepoDigest")` when it does not have exactly one `@`.
pub fn digest_repository(image: &cri::Image) -> (String, String) {
    let Some(first) = image.repo_digests.first() else {
        return ("<none>".to_owned(), "<none>".to_owned());
    };
    let parts: Vec<&str> = first.split('@').collect();
    match parts[..] {
        [name, digest] => (name.to_owned(), digest.to_owned()),
        _ => ("errorName".to_owned(), "errorRepoDigest".to_owned()),
    }
}

/// Lists the (repository, tag) rows of an image: one per repo tag, split at
/// the last `:`, or one `<none>` row named after the digest repository.
pub fn repo_tag_pairs(image: &cri::Image) -> Vec<(String, String)> {
    let digest_name = digest_repository(image).0;
    if image.repo_tags.is_empty() {
        return vec![(digest_name, "<none>".to_owned())];
    }
    image
        .repo_tags
        .iter()
        .map(|tag| match tag.rsplit_once(':') {
            None => ("errorRepoTag".to_owned(), "errorRepoTag".to_owned()),
            Some(("<none>", tag)) => (digest_name.clone(), tag.to_owned()),
            Some((name, tag)) => (name.to_owned(), tag.to_owned()),
        })
        .collect()
}

/// The image the `images` argument names, normalized the way Docker
/// references are (`nginx` is `docker.io/library/nginx`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedImage {
    raw: String,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl RequestedImage {
    pub fn parse(text: &str) -> Self {
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => (name, Some(digest.to_owned())),
            None => (text, None),
        };
        let (name, tag) = split_tag(name);
        RequestedImage {
            raw: text.to_owned(),
            repository: normalize(name),
            tag: tag.map(str::to_owned),
            digest,
        }
    }

    /// Returns whether the argument names `image`: by tag, by digest, by
    /// repository, or by an ID prefix.
    pub fn matches_image(&self, image: &cri::Image) -> bool {
        if self.is_id_of(image) {
            return true;
        }
        if let Some(digest) = &self.digest {
            return image.repo_digests.iter().any(|repo_digest| {
                repo_digest
                    .split_once('@')
                    .is_some_and(|(name, d)| d == digest && normalize(name) == self.repository)
            });
        }
        let tagged = image.repo_tags.iter().any(|repo_tag| {
            let (name, tag) = split_tag(repo_tag);
            normalize(name) == self.repository
                && self
                    .tag
                    .as_deref()
                    .is_none_or(|requested| Some(requested) == tag)
        });
        let by_digest_name = self.tag.is_none()
            && image.repo_digests.iter().any(|d| {
                d.split_once('@')
                    .is_some_and(|(name, _)| normalize(name) == self.repository)
            });
        tagged || by_digest_name
    }

    /// Returns whether a table row of a matching image belongs in the
    /// output. A request for one tag shows only that tag's row.
    pub fn matches_row(&self, repository: &str, tag: &str) -> bool {
        if self.digest.is_some() || self.looks_like_id() {
            return true;
        }
        normalize(repository) == self.repository
            && self.tag.as_deref().is_none_or(|requested| requested == tag)
    }

    fn looks_like_id(&self) -> bool {
        let hex = self.raw.strip_prefix("sha256:").unwrap_or(&self.raw);
        !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
    }

    fn is_id_of(&self, image: &cri::Image) -> bool {
        if !self.looks_like_id() {
            return false;
        }
        let requested = self.raw.strip_prefix("sha256:").unwrap_or(&self.raw);
        let id = image.id.strip_prefix("sha256:").unwrap_or(&image.id);
        id.starts_with(requested)
    }
}

/// Splits `name:tag` at a colon after the last slash, so a registry port
/// (`localhost:5000/img`) is not taken for a tag.
fn split_tag(reference: &str) -> (&str, Option<&str>) {
    let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
    match reference[last_slash..].rfind(':') {
        Some(colon) => {
            let at = last_slash + colon;
            (&reference[..at], Some(&reference[at + 1..]))
        }
        None => (reference, None),
    }
}

/// Adds Docker's default registry and `library/` namespace to a repository
/// name that lacks them.
fn normalize(name: &str) -> String {
    let (first, rest) = match name.split_once('/') {
        Some((first, rest)) => (first, Some(rest)),
        None => (name, None),
    };
    let is_domain = |part: &str| part.contains('.') || part.contains(':') || part == "localhost";
    match rest {
        Some(_) if is_domain(first) => {
            if first == "index.docker.io" {
                format!("docker.io/{}", rest.unwrap_or_default())
            } else {
                name.to_owned()
            }
        }
        Some(_) => format!("docker.io/{name}"),
        None => format!("docker.io/library/{name}"),
    }
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

    #[test]
    fn pairs_untagged_uses_digest_name() {
        let img = image("x", &[], &["docker.io/kindest/kindnetd@sha256:fcf9"]);
        assert_eq!(
            repo_tag_pairs(&img),
            [("docker.io/kindest/kindnetd".to_owned(), "<none>".to_owned())]
        );
    }

    #[test]
    fn pairs_malformed_tag() {
        let img = image("x", &["malformed"], &[]);
        assert_eq!(
            repo_tag_pairs(&img),
            [("errorRepoTag".to_owned(), "errorRepoTag".to_owned())]
        );
    }

    #[test]
    fn pairs_none_name_replaced() {
        let img = image("x", &["<none>:latest"], &["myimage@sha256:1"]);
        assert_eq!(
            repo_tag_pairs(&img),
            [("myimage".to_owned(), "latest".to_owned())]
        );
    }

    #[test]
    fn digest_split_vectors() {
        assert_eq!(
            digest_repository(&image("x", &[], &["docker.io/library/nginx@sha256:abc123"])),
            (
                "docker.io/library/nginx".to_owned(),
                "sha256:abc123".to_owned()
            )
        );
        assert_eq!(
            digest_repository(&image("x", &[], &[])),
            ("<none>".to_owned(), "<none>".to_owned())
        );
        assert_eq!(
            digest_repository(&image("x", &[], &["docker.io/library/nginx"])),
            ("errorName".to_owned(), "errorRepoDigest".to_owned())
        );
    }

    #[test]
    fn short_name_normalized() {
        assert_eq!(normalize("nginx"), "docker.io/library/nginx");
        assert_eq!(normalize("foo/bar"), "docker.io/foo/bar");
        assert_eq!(normalize("localhost/odd"), "localhost/odd");
        assert_eq!(normalize("registry.k8s.io/pause"), "registry.k8s.io/pause");
    }

    #[test]
    fn tag_argument_selects_one_row() {
        let requested = RequestedImage::parse("docker.io/library/nginx:1.25");
        let nginx = image(
            "n",
            &[
                "docker.io/library/nginx:1.25",
                "docker.io/library/nginx:latest",
            ],
            &[],
        );
        let busybox = image("b", &["docker.io/library/busybox:1.36"], &[]);
        assert!(requested.matches_image(&nginx));
        assert!(!requested.matches_image(&busybox));
        assert!(requested.matches_row("docker.io/library/nginx", "1.25"));
        assert!(!requested.matches_row("docker.io/library/nginx", "latest"));
    }

    #[test]
    fn repository_argument_keeps_all_tags() {
        let requested = RequestedImage::parse("nginx");
        assert!(requested.matches_row("docker.io/library/nginx", "latest"));
        assert!(requested.matches_row("docker.io/library/nginx", "1.25"));
    }

    #[test]
    fn digest_argument_matches_repo_digest() {
        let requested = RequestedImage::parse("docker.io/library/busybox@sha256:6b47");
        let busybox = image(
            "b",
            &["docker.io/library/busybox:1.36"],
            &["docker.io/library/busybox@sha256:6b47"],
        );
        let nginx = image(
            "n",
            &["docker.io/library/nginx:1.25"],
            &["docker.io/library/nginx@sha256:3100"],
        );
        assert!(requested.matches_image(&busybox));
        assert!(!requested.matches_image(&nginx));
    }

    #[test]
    fn id_prefix_argument_matches() {
        let requested = RequestedImage::parse("7a056b61");
        let img = image(
            "sha256:7a056b61a603",
            &["docker.io/library/busybox:1.36"],
            &[],
        );
        assert!(requested.matches_image(&img));
    }

    #[test]
    fn registry_port_not_a_tag() {
        assert_eq!(
            split_tag("localhost:5000/img"),
            ("localhost:5000/img", None)
        );
        assert_eq!(
            split_tag("localhost:5000/img:v1"),
            ("localhost:5000/img", Some("v1"))
        );
    }
}
