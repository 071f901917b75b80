// goplatform/go: the Go toolchain model every component and policy uses.
export * from "./version";
export * from "./releases";
export * from "./metadata";
export { RELEASE_TABLE_AS_OF, SECURITY_HISTORY_AS_OF } from "./release-data";
