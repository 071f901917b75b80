export * from "./oci-image";
export * from "./image-ref";
export * from "./registry-client";
export * from "./cosign";
export * from "./dsse";
export * from "./attestation-verify";
