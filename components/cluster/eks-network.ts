/**
 * The network an EksCluster makes when it is given none: a VPC with a private and a
 * public subnet in each of three availability zones, the nodes' private subnets behind
 * one NAT gateway. Every resource is a child of the cluster component, under the names
 * it has always had (no replacement on upgrade).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What the new network is cut from. */
export interface EksNetworkArgs {
  /** The VPC block, /16 to /20 (checked by the caller). */
  vpcCidr: string;
  /** Zones for the subnets; undefined: the region's first three by name. */
  availabilityZones?: string[];
  /** Tags for every resource. */
  tags: Record<string, string>;
}

/** The network the cluster and its node groups use. */
export interface EksNetwork {
  vpcId: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
}

/** Splits a /16–/20 block into six equal subnets (three private, three public) by adding 3 bits. */
export function subnetCidrs(vpcCidr: string): string[] {
  const [address, prefixText] = vpcCidr.split("/");
  const base = (address ?? "").split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const prefix = Number(prefixText) + 3;
  const size = 2 ** (32 - prefix);
  return Array.from({ length: 6 }, (_, i) => {
    const n = base - (base % (size * 8)) + i * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".")}/${prefix}`;
  });
}

/** A new VPC for the cluster `name` (component `component`), its resources children of `parent`. */
export function eksNetwork(component: string, name: string, args: EksNetworkArgs, parent: pulumi.Resource): EksNetwork {
  const opts = { parent };
  const tags = args.tags;
  const zones =
    args.availabilityZones !== undefined
      ? pulumi.output(args.availabilityZones)
      : // No state filter: a zone that is impaired for a while must not shift the subnets (and replace them).
        aws.getAvailabilityZonesOutput({ filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, opts).names.apply((names: string[] | undefined) => {
          if (names === undefined || names.length < 3) throw new Error(`${component} ${name}: the region has fewer than three availability zones (${JSON.stringify(names)})`);
          return [...names].sort().slice(0, 3);
        });
  const cidrs = subnetCidrs(args.vpcCidr);
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: name } }, opts);
  const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags }, opts);
  const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags }, opts);
  const publicSubnets = [0, 1, 2].map((i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      { vpcId: vpc.id, cidrBlock: cidrs[3 + i], availabilityZone: zones.apply((z) => z[i] as string), mapPublicIpOnLaunch: false, tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" } },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, opts);
    return subnet;
  });
  const eip = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags }, opts);
  const nat = new aws.ec2.NatGateway(name, { allocationId: eip.id, subnetId: (publicSubnets[0] as aws.ec2.Subnet).id, tags }, { parent, dependsOn: [igw] });
  const privateRoutes = new aws.ec2.RouteTable(`${name}-private`, { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags }, opts);
  const privateSubnets = [0, 1, 2].map((i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      { vpcId: vpc.id, cidrBlock: cidrs[i], availabilityZone: zones.apply((z) => z[i] as string), tags: { ...tags, Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1" } },
      opts,
    );
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: privateRoutes.id }, opts);
    return subnet;
  });
  return { vpcId: vpc.id, privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)) };
}
