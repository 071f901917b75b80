/**
 * The images and tool versions the delivery components pin. Every digest here was
 * taken from public repositories that pin the same tag to the same digest (several
 * independent ones each); none was computed or guessed. The golang toolchain image
 * is not here: its digest depends on the Go release the Go version model picks, so
 * GoPipeline takes it as an argument (`goImageDigests`).
 */

/** alpine/git 2.49.1: clones the repository at a commit. */
export const GIT_IMAGE = "docker.io/alpine/git:v2.49.1@sha256:c0280cf9572316299b08544065d3bf35db65043d5e3963982ec50647d2746e26";

/** golangci-lint 2.12.2 (it carries its own Go toolchain for analysis). */
export const GOLANGCI_LINT_IMAGE = "docker.io/golangci/golangci-lint:v2.12.2@sha256:5cceeef04e53efe1470638d4b4b4f5ceefd574955ab3941b2d9a68a8c9ad5240";

/** cosign 2.5.0 (explicit signing mode). A ko-built image: no shell, so its steps use command/args. */
export const COSIGN_IMAGE = "ghcr.io/sigstore/cosign/cosign:v2.5.0@sha256:e82eb6d42ccb6bc048d8d9e5e598e4d5178e1af6c00e54e02c9b0569c5f3ec11";

/** Base image ko puts the Go binary on: distroless static, non-root. */
export const KO_BASE_IMAGE = "gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639";

/** Default repository of the golang toolchain images (Docker Official Images). */
export const GOLANG_REPOSITORY = "docker.io/library/golang";

/**
 * Go tools run with the pipeline's pinned toolchain: `go install module@version` is
 * verified against go.sum data from the checksum database, so the version pins the bytes.
 */
export const KO_MODULE = "github.com/google/ko@v0.18.1";
export const GOVULNCHECK_MODULE = "golang.org/x/vuln/cmd/govulncheck@v1.9.0";

/** Tekton release versions (infra.tekton.dev release manifests). */
export const TEKTON_VERSIONS = { pipeline: "v1.16.0", triggers: "v0.37.0", chains: "v0.29.0" } as const;
export const TEKTON_RELEASES = "https://infra.tekton.dev/tekton-releases";

/** Helm charts. */
export const ARGO_CD_CHART = { repository: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "9.5.2" } as const;
export const POLICY_CONTROLLER_CHART = { repository: "https://sigstore.github.io/helm-charts", chart: "policy-controller", version: "0.10.6" } as const;
