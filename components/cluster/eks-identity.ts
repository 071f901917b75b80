/**
 * The IAM roles an EksCluster runs on: the control plane's service role, the managed
 * nodes' instance role, and the IRSA roles of the add-ons that call AWS (VPC CNI, EBS
 * CSI driver). Workload roles for in-cluster components are clouds/aws.ts's. Every
 * resource is a child of the cluster component, under the names it has always had.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRole, irsaRole } from "./clouds/aws";

/** The control plane's role (AmazonEKSClusterPolicy); the cluster depends on the attachment. */
export function eksClusterRole(name: string, partition: pulumi.Input<string>, tags: Record<string, string>, parent: pulumi.Resource): { role: aws.iam.Role; attachment: aws.iam.RolePolicyAttachment } {
  const role = new aws.iam.Role(`${name}-cluster`, { assumeRolePolicy: assumeRole("eks.amazonaws.com"), tags }, { parent });
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-cluster`,
    { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy` },
    { parent },
  );
  return { role, attachment };
}

/**
 * The managed nodes' role: worker node and ECR pull-only policies. No CNI policy: the
 * VPC CNI has its own IRSA role (eksAddonRoles), so pods cannot borrow it through the node.
 */
export function eksNodeRole(name: string, partition: pulumi.Input<string>, tags: Record<string, string>, parent: pulumi.Resource): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const role = new aws.iam.Role(`${name}-nodes`, { assumeRolePolicy: assumeRole("ec2.amazonaws.com"), tags }, { parent });
  const attachments = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map(
    (policy) => new aws.iam.RolePolicyAttachment(`${name}-nodes-${policy}`, { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` }, { parent }),
  );
  return { role, attachments };
}

/** The IRSA roles of the VPC CNI (aws-node) and the EBS CSI controller, with their AWS managed policies. */
export function eksAddonRoles(
  name: string,
  irsa: { oidcProviderArn: pulumi.Input<string>; oidcIssuerUrl: pulumi.Input<string>; partition: pulumi.Input<string>; tags: Record<string, string> },
  parent: pulumi.Resource,
): { cni: aws.iam.Role; ebs: aws.iam.Role } {
  return {
    cni: irsaRole(`${name}-vpc-cni`, irsa, "kube-system", "aws-node", ["AmazonEKS_CNI_Policy"], parent),
    ebs: irsaRole(`${name}-ebs-csi`, irsa, "kube-system", "ebs-csi-controller-sa", ["service-role/AmazonEBSCSIDriverPolicy"], parent),
  };
}
