/**
 * GoPipeline's Tekton Tasks and Pipeline spec (pure: what the component registers, and
 * what the tests lint), with each step's shell script as a named constant.
 */
import type { PipelineSigningMode, Resolved } from "./go-pipeline-args";
import { GOVULNCHECK_MODULE, KO_MODULE } from "./images";

export const TEKTON_API = "tekton.dev/v1";

const SH = "#!/bin/sh\nset -eu\n";

/** clone: fetches exactly one commit (a full SHA) and records URL and commit as Chains results. */
export const CLONE_SCRIPT = `${SH}case "$REVISION" in *[!0-9a-f]*) echo "revision must be a full commit SHA" >&2; exit 1;; esac
[ "\${#REVISION}" -eq 40 ] || { echo "revision must be a full 40-character commit SHA" >&2; exit 1; }
rm -rf "$SRC" && mkdir -p "$SRC" && cd "$SRC"
git init -q .
git remote add origin "$URL"
git -c protocol.file.allow=never fetch -q --depth=1 origin "$REVISION"
git -c advice.detachedHead=false checkout -q --detach FETCH_HEAD
[ "$(git rev-parse HEAD)" = "$REVISION" ]
printf '%s' "$URL" > "$(results.CHAINS-GIT_URL.path)"
printf '%s' "$REVISION" > "$(results.CHAINS-GIT_COMMIT.path)"
`;

/** mod: the module graph through GOPROXY, verified against go.sum. */
export const MOD_SCRIPT = `${SH}cd "$SRC"\ngo mod download\ngo mod verify\n`;

/** lint, first step: go vet. */
export const VET_SCRIPT = `${SH}cd "$SRC"\ngo vet ./...\n`;

/** lint, second step: golangci-lint (on the Go toolchain inside its image). */
export const GOLANGCI_LINT_SCRIPT = `${SH}cd "$SRC"\ngolangci-lint run --timeout=10m ./...\n`;

/** test: one step per Go release, with the race detector. */
export const TEST_SCRIPT = `${SH}cd "$SRC"\ngo version\ngo test -race -count=1 ./...\n`;

/** vulncheck: govulncheck at a pinned version against `$VULNDB`. */
export const GOVULNCHECK_SCRIPT = `${SH}go install ${GOVULNCHECK_MODULE}\ncd "$SRC"\n/tmp/bin/govulncheck -db "$VULNDB" ./...\n`;

/** build: ko at a pinned version, reproducible (SOURCE_DATE_EPOCH from the commit), results IMAGE_URL and IMAGE_DIGEST. */
export const KO_BUILD_SCRIPT = `${SH}if [ "$(workspaces.dockerconfig.bound)" = "true" ]; then export DOCKER_CONFIG="$(workspaces.dockerconfig.path)"; fi
go install ${KO_MODULE}
cd "$SRC"
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
export SOURCE_DATE_EPOCH
/tmp/bin/ko build --bare --sbom=spdx --platform="$PLATFORMS" --tags="$REVISION" --image-refs=/tmp/image-refs "$PACKAGE"
ref="$(cat /tmp/image-refs)"
url="\${ref%@*}"
printf '%s' "\${url%:$REVISION}" > "$(results.IMAGE_URL.path)"
printf '%s' "\${ref#*@}" > "$(results.IMAGE_DIGEST.path)"
`;

/** sign, first step (cosign mode): the SLSA v1 provenance predicate cosign attests. */
export const PROVENANCE_SCRIPT = `${SH}cat > /work/predicate.json <<EOF
{"buildDefinition":{"buildType":"https://goplatform.dev/GoPipeline/v1","externalParameters":{"repository":"$REPO","revision":"$REVISION"},"internalParameters":{"goVersion":"go$GO_VERSION","builder":"ko"},"resolvedDependencies":[{"uri":"git+$REPO","digest":{"sha1":"$REVISION"}}]},"runDetails":{"builder":{"id":"https://goplatform.dev/GoPipeline"}}}
EOF
`;

export interface TektonStep {
  name: string;
  image: string;
  script?: string;
  command?: string[];
  args?: string[];
  env?: ({ name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } })[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface TektonTask {
  metadata: { name: string };
  spec: {
    description: string;
    params?: { name: string; type: "string"; description: string }[];
    results?: { name: string; type: "string"; description: string }[];
    workspaces: { name: string; description: string; optional?: boolean; readOnly?: boolean }[];
    stepTemplate: { env: { name: string; value: string }[]; securityContext: Record<string, unknown> };
    steps: TektonStep[];
    volumes?: ({ name: string; emptyDir: Record<string, never> } | { name: string; secret: { secretName: string } })[];
  };
}

/** The Tasks of the pipeline (pure: what the component registers, and what the tests lint). */
export function goPipelineTasks(name: string, r: Resolved, cosign?: { secretName: string; transparencyLog: boolean }): TektonTask[] {
  const source = { name: "source", description: "Source checkout (src/) and Go caches (cache/)." };
  const stepTemplate = {
    env: r.env,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
  };
  const local = { name: "GOTOOLCHAIN", value: "local" };
  const primary = r.goImage(r.goVersion);
  const task = (suffix: string, spec: Omit<TektonTask["spec"], "stepTemplate" | "workspaces"> & { workspaces?: TektonTask["spec"]["workspaces"] }): TektonTask => ({
    metadata: { name: `${name}-${suffix}` },
    spec: { ...spec, workspaces: spec.workspaces ?? [source], stepTemplate },
  });

  const tasks: TektonTask[] = [
    task("clone", {
      description: "Clones the repository at one commit (a full SHA) and records it for provenance.",
      params: [
        { name: "url", type: "string", description: "Repository URL." },
        { name: "revision", type: "string", description: "Full 40-character commit SHA." },
      ],
      results: [
        { name: "CHAINS-GIT_URL", type: "string", description: "Repository URL, for provenance." },
        { name: "CHAINS-GIT_COMMIT", type: "string", description: "Commit built, for provenance." },
      ],
      steps: [
        {
          name: "clone",
          image: r.images.git,
          env: [
            { name: "URL", value: "$(params.url)" },
            { name: "REVISION", value: "$(params.revision)" },
          ],
          script: CLONE_SCRIPT,
        },
      ],
    }),
    task("mod", {
      description: "Downloads the module graph through GOPROXY and verifies it against go.sum.",
      steps: [{ name: "download-verify", image: primary, env: [local], script: MOD_SCRIPT }],
    }),
    task("lint", {
      description: "go vet and golangci-lint.",
      steps: [
        { name: "vet", image: primary, env: [local], script: VET_SCRIPT },
        // golangci-lint runs on the Go toolchain inside its image (it must be at least the module's go version).
        { name: "golangci-lint", image: r.images.golangciLint, env: [{ name: "GOLANGCI_LINT_CACHE", value: "$(workspaces.source.path)/cache/lint" }], script: GOLANGCI_LINT_SCRIPT },
      ],
    }),
    task("test", {
      description: `go test -race -count=1 with Go ${r.testGoVersions.join(", ")}.`,
      steps: r.testGoVersions.map((version) => ({
        name: `test-go${version.replaceAll(".", "-")}`,
        image: r.goImage(version),
        env: [local, { name: "CGO_ENABLED", value: "1" }],
        script: TEST_SCRIPT,
      })),
    }),
    task("vulncheck", {
      description: "govulncheck against the Go vulnerability database.",
      steps: [
        {
          name: "govulncheck",
          image: primary,
          env: [local, { name: "GOBIN", value: "/tmp/bin" }, { name: "VULNDB", value: r.vulnDb }],
          script: GOVULNCHECK_SCRIPT,
        },
      ],
    }),
    task("build", {
      description: "Builds a multi-arch image with ko (no Docker daemon) with an SPDX SBOM, pushes it and records its digest.",
      params: [
        { name: "image-repo", type: "string", description: "Repository to push to." },
        { name: "revision", type: "string", description: "Commit built, used as the image tag." },
      ],
      results: [
        { name: "IMAGE_URL", type: "string", description: "Image repository (Chains signs IMAGE_URL@IMAGE_DIGEST)." },
        { name: "IMAGE_DIGEST", type: "string", description: "Image digest, sha256:…" },
      ],
      workspaces: [source, { name: "dockerconfig", description: "Optional registry credentials (config.json) where no cloud identity is bound.", optional: true, readOnly: true }],
      steps: [
        {
          name: "ko-build",
          image: primary,
          env: [
            local,
            { name: "GOBIN", value: "/tmp/bin" },
            { name: "KO_DOCKER_REPO", value: "$(params.image-repo)" },
            { name: "KO_DEFAULTBASEIMAGE", value: r.images.koBase },
            { name: "REVISION", value: "$(params.revision)" },
            { name: "PLATFORMS", value: r.platforms.join(",") },
            { name: "PACKAGE", value: r.pkg },
          ],
          script: KO_BUILD_SCRIPT,
        },
      ],
    }),
  ];

  if (cosign !== undefined) {
    const mounts = [{ name: "work", mountPath: "/work" }];
    const keyMounts = [...mounts, { name: "signing", mountPath: "/signing", readOnly: true }];
    const password = { name: "COSIGN_PASSWORD", valueFrom: { secretKeyRef: { name: cosign.secretName, key: "cosign.password" } } };
    const tlog = `--tlog-upload=${String(cosign.transparencyLog)}`;
    const image = "$(params.image-url)@$(params.image-digest)";
    tasks.push(
      task("sign", {
        description: "Signs the image by digest with the platform key and attests SLSA provenance (explicit cosign steps).",
        params: [
          { name: "image-url", type: "string", description: "Image repository." },
          { name: "image-digest", type: "string", description: "Image digest." },
          { name: "repo-url", type: "string", description: "Repository built." },
          { name: "revision", type: "string", description: "Commit built." },
        ],
        workspaces: [{ name: "dockerconfig", description: "Optional registry credentials (config.json).", optional: true, readOnly: true }],
        volumes: [{ name: "work", emptyDir: {} }, { name: "signing", secret: { secretName: cosign.secretName } }],
        steps: [
          {
            name: "provenance",
            image: r.images.git,
            env: [
              { name: "REPO", value: "$(params.repo-url)" },
              { name: "REVISION", value: "$(params.revision)" },
              { name: "GO_VERSION", value: r.goVersion },
            ],
            volumeMounts: mounts,
            script: PROVENANCE_SCRIPT,
          },
          {
            name: "sign",
            image: r.images.cosign,
            env: [password, { name: "DOCKER_CONFIG", value: "$(workspaces.dockerconfig.path)" }],
            volumeMounts: keyMounts,
            command: ["cosign"],
            args: ["sign", "--yes", "--key", "/signing/cosign.key", tlog, image],
          },
          {
            name: "attest",
            image: r.images.cosign,
            env: [password, { name: "DOCKER_CONFIG", value: "$(workspaces.dockerconfig.path)" }],
            volumeMounts: keyMounts,
            command: ["cosign"],
            args: ["attest", "--yes", "--key", "/signing/cosign.key", tlog, "--type", "slsaprovenance1", "--predicate", "/work/predicate.json", image],
          },
        ],
      }),
    );
  }
  return tasks;
}

/** The Pipeline spec: task order, parameters, workspaces and the image results. */
export function goPipelineSpec(name: string, repoUrl: string, imageRepository: string, signing: PipelineSigningMode): Record<string, unknown> {
  const source = [{ name: "source", workspace: "source" }];
  const tasks: Record<string, unknown>[] = [
    { name: "clone", taskRef: { name: `${name}-clone` }, params: [{ name: "url", value: "$(params.repo-url)" }, { name: "revision", value: "$(params.revision)" }], workspaces: source },
    { name: "mod", runAfter: ["clone"], taskRef: { name: `${name}-mod` }, workspaces: source },
    { name: "lint", runAfter: ["mod"], taskRef: { name: `${name}-lint` }, workspaces: source },
    { name: "test", runAfter: ["mod"], taskRef: { name: `${name}-test` }, workspaces: source },
    { name: "vulncheck", runAfter: ["mod"], taskRef: { name: `${name}-vulncheck` }, workspaces: source },
    {
      name: "build",
      runAfter: ["lint", "test", "vulncheck"],
      taskRef: { name: `${name}-build` },
      params: [{ name: "image-repo", value: "$(params.image-repo)" }, { name: "revision", value: "$(params.revision)" }],
      workspaces: [...source, { name: "dockerconfig", workspace: "dockerconfig" }],
    },
  ];
  if (signing === "cosign") {
    tasks.push({
      name: "sign",
      runAfter: ["build"],
      taskRef: { name: `${name}-sign` },
      params: [
        { name: "image-url", value: "$(tasks.build.results.IMAGE_URL)" },
        { name: "image-digest", value: "$(tasks.build.results.IMAGE_DIGEST)" },
        { name: "repo-url", value: "$(params.repo-url)" },
        { name: "revision", value: "$(params.revision)" },
      ],
      workspaces: [{ name: "dockerconfig", workspace: "dockerconfig" }],
    });
  }
  return {
    description: `Go supply chain for ${repoUrl}: verify, vet and lint, test with -race, govulncheck, ko build with SBOM, push by digest, sign and attest provenance (${signing === "chains" ? "Tekton Chains" : "cosign steps"}).`,
    params: [
      { name: "revision", type: "string", description: "Full commit SHA to build." },
      { name: "repo-url", type: "string", description: "Repository URL.", default: repoUrl },
      { name: "image-repo", type: "string", description: "Repository to push the image to.", default: imageRepository },
    ],
    workspaces: [
      { name: "source", description: "Per-run volume for the checkout and Go caches." },
      { name: "dockerconfig", description: "Optional registry credentials.", optional: true },
    ],
    results: [
      { name: "IMAGE_URL", type: "string", description: "Image repository.", value: "$(tasks.build.results.IMAGE_URL)" },
      { name: "IMAGE_DIGEST", type: "string", description: "Image digest.", value: "$(tasks.build.results.IMAGE_DIGEST)" },
      { name: "CHAINS-GIT_URL", type: "string", description: "Repository built.", value: "$(tasks.clone.results.CHAINS-GIT_URL)" },
      { name: "CHAINS-GIT_COMMIT", type: "string", description: "Commit built.", value: "$(tasks.clone.results.CHAINS-GIT_COMMIT)" },
    ],
    tasks,
  };
}

