export * from "./contract";
export * from "./existing";
export * from "./kubernetes-versions";
export * from "./eks";
export * from "./gke";
export * from "./aks";
