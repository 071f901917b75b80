export * from "./contract";
export * from "./existing";
