/** Every goplatform policy, in the order the pack runs them. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { deliveryPolicies } from "./delivery";
import { goVersionPolicies } from "./go-versions";
import { imagePolicies } from "./images";
import { kubernetesVersionPolicies } from "./kubernetes-versions";
import { provenancePolicies } from "./provenance";
import { remediationPolicies } from "./remediation";
import { signingPolicies } from "./signing";

export type GoplatformPolicy = ResourceValidationPolicy | StackValidationPolicy;

export const goplatformPolicies: readonly GoplatformPolicy[] = [
  ...goVersionPolicies,
  ...kubernetesVersionPolicies,
  ...imagePolicies,
  ...provenancePolicies.stack,
  ...signingPolicies.resource,
  ...signingPolicies.stack,
  ...deliveryPolicies.resource,
  ...deliveryPolicies.stack,
  // The engine runs remediations before every validation, whatever their place here.
  ...remediationPolicies,
];
