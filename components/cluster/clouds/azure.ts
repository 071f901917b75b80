/**
 * Azure: user-assigned managed identities federated to ServiceAccounts on an AKS
 * cluster (workload identity) and private Blob containers in their own storage
 * accounts, made from the cluster's AzureClusterData alone.
 */
import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentError } from "../../args";
import { checkBinding, checkNoncurrentDays } from "../checks";
import type { AzureClusterData, BindServiceAccountArgs, BoundIdentity, CloudBinding, ObjectBucket, ObjectBucketArgs } from "../contract";

/** Built-in Azure role definition ids (the same GUID in every tenant). */
export const AZURE_ROLES = {
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  acrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
} as const;

/** The audience AKS workload identity tokens carry. */
export const AZURE_WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

const AZURE_LOCATION = /^[a-z]+[a-z0-9]*$/;

/** An Azure location name as the APIs write it, such as "westeurope" (not the display name "West Europe"). */
export function checkAzureLocation(component: string, argument: string, value: string): string {
  if (typeof value !== "string" || !AZURE_LOCATION.test(value)) {
    throw new ArgumentError(component, argument, value, "expected an Azure region name such as \"westeurope\" (lowercase, no spaces)");
  }
  return value;
}

/** The subscription-scoped id of built-in role `role`. */
export function roleDefinitionId(subscriptionId: pulumi.Input<string>, role: string): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

export function azureBinding(component: string, oidcIssuerUrl: pulumi.Input<string>, data: AzureClusterData): CloudBinding {
  const tags = data.tags ?? {};
  return {
    bindIdentity(name: string, args: BindServiceAccountArgs, parent: pulumi.Resource): BoundIdentity {
      const permissions = checkBinding(component, "azure", args);
      const scopes = permissions.map((permission, i) => {
        if (permission.kind === "registryPush") return { scope: pulumi.output(permission.repository), role: AZURE_ROLES.acrPush };
        if (permission.kind === "registryRead") return { scope: pulumi.output(permission.repository), role: AZURE_ROLES.acrPull };
        const containerId = permission.bucket.resourceId;
        if (containerId === undefined || containerId === "") {
          throw new ArgumentError(component, `permissions[${i}].bucket.resourceId`, containerId, "expected the resource id of a Blob container (a bucket made by the cluster's createBucket)");
        }
        return { scope: pulumi.output(containerId), role: permission.access === "read" ? AZURE_ROLES.storageBlobDataReader : AZURE_ROLES.storageBlobDataContributor };
      });
      const identity = new managedidentity.UserAssignedIdentity(name, { resourceGroupName: data.resourceGroupName, location: data.location, tags }, { parent });
      new managedidentity.FederatedIdentityCredential(
        name,
        {
          resourceGroupName: data.resourceGroupName,
          resourceName: identity.name,
          issuer: oidcIssuerUrl,
          subject: pulumi.interpolate`system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
          audiences: [AZURE_WORKLOAD_IDENTITY_AUDIENCE],
        },
        { parent },
      );
      scopes.forEach(({ scope, role }, i) => {
        new authorization.RoleAssignment(
          `${name}-grant-${i}`,
          { scope, roleDefinitionId: roleDefinitionId(data.subscriptionId, role), principalId: identity.principalId, principalType: "ServicePrincipal" },
          { parent },
        );
      });
      return { annotations: { "azure.workload.identity/client-id": identity.clientId }, podLabels: { "azure.workload.identity/use": "true" }, cloudIdentity: identity.clientId };
    },

    createBucket(name: string, args: ObjectBucketArgs, parent: pulumi.Resource): ObjectBucket {
      const noncurrentDays = checkNoncurrentDays(component, args.noncurrentVersionDays);
      const opts = { parent, retainOnDelete: args.retainOnDelete ?? true };
      // Storage account names are global, 3–24 lowercase letters and digits: derived from the
      // subscription, resource group, project, stack and name, so two deployments never collide.
      const accountName = pulumi
        .all([data.subscriptionId, data.resourceGroupName])
        .apply(([subscription, group]) => `gp${createHash("sha256").update(`${subscription}/${group}/${pulumi.getProject()}/${pulumi.getStack()}/${name}`).digest("hex").slice(0, 22)}`);
      const account = new storage.StorageAccount(
        name,
        {
          accountName,
          resourceGroupName: data.resourceGroupName,
          location: data.location,
          kind: "StorageV2",
          sku: { name: "Standard_ZRS" },
          allowBlobPublicAccess: false,
          allowSharedKeyAccess: false,
          defaultToOAuthAuthentication: true,
          enableHttpsTrafficOnly: true,
          minimumTlsVersion: "TLS1_2",
          encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true, services: { blob: { enabled: true, keyType: "Account" } } },
          tags,
        },
        opts,
      );
      const blobService = new storage.BlobServiceProperties(
        name,
        { accountName: account.name, resourceGroupName: data.resourceGroupName, blobServicesName: "default", isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 7 } },
        opts,
      );
      new storage.ManagementPolicy(
        name,
        {
          accountName: account.name,
          resourceGroupName: data.resourceGroupName,
          managementPolicyName: "default",
          policy: {
            rules: [
              {
                name: "expire-noncurrent",
                type: "Lifecycle",
                enabled: true,
                definition: { actions: { version: { delete: { daysAfterCreationGreaterThan: noncurrentDays } } }, filters: { blobTypes: ["blockBlob"] } },
              },
            ],
          },
        },
        { ...opts, dependsOn: [blobService] },
      );
      const container = new storage.BlobContainer(name, { accountName: account.name, resourceGroupName: data.resourceGroupName, publicAccess: "None" }, { ...opts, dependsOn: [blobService] });
      return {
        cloud: "azure",
        bucketName: container.name,
        resourceId: container.id,
        thanosObjectStore: pulumi
          .all([account.name, container.name])
          .apply(([storageAccount, containerName]) => JSON.stringify({ type: "AZURE", config: { storage_account: storageAccount, container: containerName, endpoint: "blob.core.windows.net" } })),
      };
    },
  };
}
