/**
 * The Go runtime Grafana dashboard: goroutines, GC, heap against GOMEMLIMIT,
 * threads, file descriptors, restarts and the Go version of every running binary,
 * from client_golang's default Go and process collectors. Built as data so that it
 * is deterministic and testable; Observability provisions it through the Grafana
 * sidecar of kube-prometheus-stack.
 */

export interface GoDashboardOptions {
  /** Dashboard uid (stable across updates). Default: "goplatform-go-runtime". */
  uid?: string;
  /** Dashboard title. Default: "Go runtime". */
  title?: string;
  /**
   * PromQL label matchers, without braces, added to every query (e.g. the label the
   * ServiceMonitor sets on Go services). Default: none.
   */
  selector?: string;
}

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

export interface GrafanaPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: string; readonly uid: string };
  readonly targets: readonly (Target & { readonly refId: string; readonly datasource: { readonly type: string; readonly uid: string } })[];
  readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
}

export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly templating: { readonly list: readonly Record<string, unknown>[] };
  readonly panels: readonly GrafanaPanel[];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" } as const;

/** The dashboard model (Grafana JSON). */
export function goRuntimeDashboard(options: GoDashboardOptions = {}): GrafanaDashboard {
  const extra = options.selector === undefined || options.selector.trim() === "" ? "" : `,${options.selector.trim()}`;
  const m = `namespace=~"$namespace",job=~"$job"${extra}`;
  const panels: [string, string, string, Target[]][] = [
    ["Goroutines", "timeseries", "short", [{ expr: `go_goroutines{${m}}`, legendFormat: "{{job}} {{instance}}" }]],
    [
      "Goroutine growth per hour (1h linear fit)",
      "timeseries",
      "short",
      [{ expr: `deriv(go_goroutines{${m}}[1h]) * 3600`, legendFormat: "{{job}} {{instance}}" }],
    ],
    [
      "GC pause share of wall time",
      "timeseries",
      "percentunit",
      [{ expr: `rate(go_gc_duration_seconds_sum{${m}}[5m])`, legendFormat: "{{job}} {{instance}}" }],
    ],
    [
      "GC pause duration (quantiles)",
      "timeseries",
      "s",
      [{ expr: `max by (job, quantile) (go_gc_duration_seconds{${m}})`, legendFormat: "{{job}} q{{quantile}}" }],
    ],
    [
      "GC CPU fraction (needs runtime/metrics CPU classes)",
      "timeseries",
      "percentunit",
      [
        {
          expr: `rate(go_cpu_classes_gc_total_cpu_seconds_total{${m}}[5m]) / (rate(go_cpu_classes_total_cpu_seconds_total{${m}}[5m]) - rate(go_cpu_classes_idle_cpu_seconds_total{${m}}[5m]))`,
          legendFormat: "{{job}} {{instance}}",
        },
      ],
    ],
    [
      "Heap in use vs GOMEMLIMIT",
      "timeseries",
      "bytes",
      [
        { expr: `go_memstats_heap_inuse_bytes{${m}}`, legendFormat: "heap in use {{job}} {{instance}}" },
        { expr: `go_gc_gomemlimit_bytes{${m}} < 9.2e18`, legendFormat: "GOMEMLIMIT {{job}} {{instance}}" },
        { expr: `go_memstats_next_gc_bytes{${m}}`, legendFormat: "next GC {{job}} {{instance}}" },
      ],
    ],
    [
      "Allocation rate",
      "timeseries",
      "Bps",
      [{ expr: `rate(go_memstats_alloc_bytes_total{${m}}[5m])`, legendFormat: "{{job}} {{instance}}" }],
    ],
    [
      "OS threads and GOMAXPROCS",
      "timeseries",
      "short",
      [
        { expr: `go_threads{${m}}`, legendFormat: "threads {{job}} {{instance}}" },
        { expr: `go_sched_gomaxprocs_threads{${m}}`, legendFormat: "GOMAXPROCS {{job}} {{instance}}" },
      ],
    ],
    [
      "File descriptors used",
      "timeseries",
      "percentunit",
      [{ expr: `process_open_fds{${m}} / process_max_fds{${m}}`, legendFormat: "{{job}} {{instance}}" }],
    ],
    [
      "Restarts in the last hour",
      "timeseries",
      "short",
      [{ expr: `changes(process_start_time_seconds{${m}}[1h])`, legendFormat: "{{job}} {{instance}}" }],
    ],
    [
      "Go versions running",
      "table",
      "short",
      [{ expr: `count by (version, job) (go_info{${m}})`, legendFormat: "{{version}} {{job}}" }],
    ],
  ];
  return {
    uid: options.uid ?? "goplatform-go-runtime",
    title: options.title ?? "Go runtime",
    tags: ["go", "goplatform", "runtime"],
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: {
      list: [
        { name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {}, hide: 0 },
        variable("namespace", `label_values(go_info{${extra.slice(1)}}, namespace)`),
        variable("job", `label_values(go_info{namespace=~"$namespace"${extra}}, job)`),
      ],
    },
    panels: panels.map(([title, type, unit, targets], index) => ({
      id: index + 1,
      type,
      title,
      gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
      datasource: DATASOURCE,
      targets: targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i), datasource: DATASOURCE })),
      fieldConfig: { defaults: { unit }, overrides: [] },
      ...(type === "table" ? { options: { showHeader: true } } : {}),
    })),
  };
}

function variable(name: string, query: string): Record<string, unknown> {
  return {
    name,
    type: "query",
    datasource: DATASOURCE,
    query: { query, refId: name },
    definition: query,
    includeAll: true,
    multi: true,
    allValue: ".*",
    refresh: 2,
    current: {},
    hide: 0,
  };
}
