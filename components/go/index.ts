// goplatform/go: the Go toolchain model every component and policy uses.
export * from "./version";
export * from "./releases";
export * from "./metadata";
export * from "./buildinfo";
export * from "./build";
export * from "./release-refresh";
