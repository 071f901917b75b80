// goplatform/policies: the policy pack's policies, for use outside the pack (tests, custom packs).
export * from "./catalog";
export * from "./check";
export * from "./delivery";
export * from "./go-versions";
export { imageBinariesOf, type ImageBinariesConfig } from "./image-binaries";
export * from "./images";
export * from "./kubernetes-versions";
export * from "./provenance";
export * from "./remediation";
export * from "./signing";
export { imagesOf, IMAGE_BEARING_TYPES, UNKNOWN, type ImageUse } from "./resources";
