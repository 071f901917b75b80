/**
 * The example program: composes goplatform components for the stack's target.
 * `target: local` renders every Kubernetes object to YAML files in
 * `renderDirectory` (the Kubernetes provider's renderYamlToDirectory), so it runs
 * with no cluster and no cloud credentials.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GoRuntimeAlerts } from "../components";

const TARGETS = ["local"] as const;
type Target = (typeof TARGETS)[number];

export interface ProgramOutputs {
  target: Target;
  renderDirectory: string;
  goRuntimeAlerts: pulumi.Output<string[]>;
}

export function program(): ProgramOutputs {
  const config = new pulumi.Config();
  const target = config.get("target") ?? "local";
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new Error(`config goplatform:target: invalid value ${JSON.stringify(target)}; expected one of ${TARGETS.join(", ")}`);
  }
  const renderDirectory = config.get("renderDirectory") ?? ".pulumi/rendered/local";
  const provider = new k8s.Provider("render", { renderYamlToDirectory: renderDirectory });

  const alerts = new GoRuntimeAlerts("go-runtime-alerts", { ruleLabels: { release: "kube-prometheus-stack" } }, { provider });

  return { target: target as Target, renderDirectory, goRuntimeAlerts: alerts.alerts };
}
