export * from "./go-runtime-alerts";
export * from "./go-dashboard";
export * from "./observability";
export * from "./observability-values";
export { OBJSTORE_KEY, THANOS_IMAGE, type ThanosRetention } from "./thanos";
export * from "./s3-compatible-bucket";
