// The policy pack the Pulumi CLI runs (policy-pack/ loads it): `pulumi preview --policy-pack policy-pack`.
import { PolicyPack } from "@pulumi/policy";
import { goplatformPolicies } from "./catalog";
import { REPOSITORY_URL } from "./docs";

new PolicyPack("goplatform", {
  policies: [...goplatformPolicies],
  displayName: "goplatform: Go services and their supply chain",
  readme: [
    "# goplatform policy pack",
    "",
    "Rules for Go services deployed with goplatform (or any Pulumi program):",
    "",
    "- Go versions: toolchains in a supported Go line, at the line's security patch floor and the organisation's minimum; Lambda on provided.al2023; binaries built with CGO_ENABLED=0 and -trimpath (read from the binary itself with `imageBinaries`).",
    "- Kubernetes versions: EKS, GKE and AKS clusters on a minor in the cloud's standard support on the day (extended support only when allowed and enrolled), with an advisory before the end.",
    "- Images: pinned by digest, from allowed registries, signed with cosign by the platform key, with signed SLSA provenance from an allowed builder and repository.",
    "- Platform signing: Lambda code signing, Binary Authorization on GKE and Cloud Run, an admission-time signature check on EKS and AKS.",
    "- Delivery: Tekton pipelines that sign and attest, Argo CD revisions pinned, AppProjects requiring signed commits.",
    "",
    "Every finding names the field, the value and what is allowed; each policy carries a severity, remediation steps and a link to its entry in the catalog:",
    `${REPOSITORY_URL}#policy-catalog`,
    "",
    'Configure with `--policy-pack-config`, keyed by policy name, e.g. `{ "go-version-floor": { "minimum": "1.27.0" } }`.',
  ].join("\n"),
  repository: REPOSITORY_URL,
  tags: ["go", "supply-chain", "kubernetes", "aws", "gcp", "azure"],
});
