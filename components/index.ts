// goplatform: the public surface. Re-exports only.
export * as go from "./go";
export * from "./cluster";
export * from "./delivery";
export * from "./observability";
export * from "./runtimes";
export * from "./supplychain";
export { ArgumentError } from "./args";
