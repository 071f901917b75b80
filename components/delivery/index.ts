export * from "./tekton";
export * from "./go-pipeline";
export * from "./argocd";
export * from "./go-app";
export * from "./signature-admission";
export { isDigestRef } from "../args";
export { isPinnedRevision } from "./checks";
