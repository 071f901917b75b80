export * from "./oci-image";
