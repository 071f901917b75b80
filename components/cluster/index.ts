export * from "./contract";
export { checkClusterData, connectCluster } from "./connect";
export * from "./existing";
export * from "./kubernetes-versions";
export * from "./eks";
export * from "./gke";
export * from "./aks";
