// goplatform: the public surface. Re-exports only.
export * as go from "./go";
