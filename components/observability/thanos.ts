/**
 * Pod specs and arguments of the Thanos components Observability runs next to
 * kube-prometheus-stack: Query (fan-out over the Prometheus sidecars and the Store
 * Gateway, deduplicating replicas), Store Gateway (serves the blocks in object
 * storage) and Compactor (compaction, downsampling, retention; a singleton). Pure
 * functions, so tests read the exact flags.
 */
import type * as k8s from "@pulumi/kubernetes";

/** quay.io/thanos/thanos v0.42.4, pinned by its multi-arch index digest. */
export const THANOS_IMAGE = "quay.io/thanos/thanos:v0.42.4@sha256:b567818fe608067eb0f1d7c2c4fe361e7ad83c8a256234c97685f1d0bf670cc8";

/** Where every Thanos container reads the object store configuration. */
export const OBJSTORE_KEY = "objstore.yml";
const OBJSTORE_DIR = "/etc/thanos/objstore";
export const OBJSTORE_FILE = `${OBJSTORE_DIR}/${OBJSTORE_KEY}`;
const DATA_DIR = "/var/thanos/data";

export const GRPC_PORT = 10901;
export const HTTP_PORT = 10902;

/** The external label the Prometheus Operator sets to tell replicas apart. */
export const REPLICA_LABEL = "prometheus_replica";

export interface ThanosRetention {
  /** Raw samples. */
  readonly raw: string;
  /** 5-minute downsampled blocks. */
  readonly fiveMinutes: string;
  /** 1-hour downsampled blocks. */
  readonly oneHour: string;
}

export function queryArgs(endpoints: readonly string[]): string[] {
  return [
    "query",
    "--log.format=json",
    `--http-address=0.0.0.0:${HTTP_PORT}`,
    `--grpc-address=0.0.0.0:${GRPC_PORT}`,
    `--query.replica-label=${REPLICA_LABEL}`,
    // --endpoint is deprecated since v0.40; the SD config takes the same dnssrv+ addresses.
    `--endpoint.sd-config=${JSON.stringify({ endpoints: endpoints.map((address) => ({ address })) })}`,
  ];
}

export function storeArgs(): string[] {
  return [
    "store",
    "--log.format=json",
    `--http-address=0.0.0.0:${HTTP_PORT}`,
    `--grpc-address=0.0.0.0:${GRPC_PORT}`,
    `--data-dir=${DATA_DIR}`,
    `--objstore.config-file=${OBJSTORE_FILE}`,
  ];
}

export function compactorArgs(retention: ThanosRetention, downsampling: boolean): string[] {
  return [
    "compact",
    "--log.format=json",
    "--wait",
    `--http-address=0.0.0.0:${HTTP_PORT}`,
    `--data-dir=${DATA_DIR}`,
    `--objstore.config-file=${OBJSTORE_FILE}`,
    `--retention.resolution-raw=${retention.raw}`,
    `--retention.resolution-5m=${retention.fiveMinutes}`,
    `--retention.resolution-1h=${retention.oneHour}`,
    ...(downsampling ? [] : ["--downsampling.disable"]),
  ];
}

export interface ThanosPodArgs {
  readonly component: "query" | "store" | "compact";
  readonly image: string;
  readonly args: readonly string[];
  readonly serviceAccountName: k8s.types.input.core.v1.PodSpec["serviceAccountName"];
  readonly labels: Record<string, string>;
  /** Mount the objstore Secret (Store Gateway and Compactor). */
  readonly objstoreSecretName?: string;
  /** Mount a data volume claim of this name at the data directory. */
  readonly dataVolume?: string;
  readonly grpc: boolean;
}

/** A restricted, non-root pod running one Thanos component. */
export function thanosPodTemplate(p: ThanosPodArgs): k8s.types.input.core.v1.PodTemplateSpec {
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [];
  const volumes: k8s.types.input.core.v1.Volume[] = [];
  if (p.objstoreSecretName !== undefined) {
    mounts.push({ name: "objstore", mountPath: OBJSTORE_DIR, readOnly: true });
    volumes.push({ name: "objstore", secret: { secretName: p.objstoreSecretName, defaultMode: 0o440 } });
  }
  if (p.dataVolume !== undefined) mounts.push({ name: p.dataVolume, mountPath: DATA_DIR });
  return {
    metadata: { labels: p.labels },
    spec: {
      serviceAccountName: p.serviceAccountName,
      securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: `thanos-${p.component}`,
          image: p.image,
          args: [...p.args],
          ports: [
            { name: "http", containerPort: HTTP_PORT },
            ...(p.grpc ? [{ name: "grpc", containerPort: GRPC_PORT }] : []),
          ],
          livenessProbe: { httpGet: { path: "/-/healthy", port: "http" }, periodSeconds: 30 },
          readinessProbe: { httpGet: { path: "/-/ready", port: "http" }, periodSeconds: 10 },
          resources: { requests: { cpu: "100m", memory: "256Mi" } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          volumeMounts: mounts,
        },
      ],
      volumes,
    },
  };
}

/** A ReadWriteOnce claim template for a StatefulSet's data directory. */
export function dataClaim(name: string, size: string, storageClassName: string | undefined): k8s.types.input.core.v1.PersistentVolumeClaim {
  return {
    metadata: { name },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: size } },
      ...(storageClassName === undefined ? {} : { storageClassName }),
    },
  };
}
