/**
 * The Pulumi package schema the provider answers GetSchema with. The engine needs it to generate code for
 * `pulumi import` (it loads package `openbsd` to bind the PCL it writes). `state` is loosely typed: its shape
 * is the planner's (model/), not something a user writes by hand.
 */
import { PROVIDER_VERSION } from "./provider";
import { CONFIG_VARIABLES } from "./config";

const str = { type: "string" };
const any = { $ref: "pulumi.json#/Any" };

/** An SSH endpoint's properties (the gateway's, or its bastion's): `of` names whose, `key` where its key defaults from. */
const sshEndpoint = (of: string, key: string) => ({
  host: { ...str, description: `Address or name of ${of} sshd.` },
  port: { type: "integer", description: "sshd port; default 22." },
  user: { ...str, description: "Login user; default root." },
  privateKey: { ...str, secret: true, description: `OpenSSH private key (secret); default ${key}.` },
  hostKey: { ...str, description: `${of[0]!.toUpperCase()}${of.slice(1)} \`ssh-ed25519 AAAA…\`; required unless insecureSkipHostKeyCheck.` },
  insecureSkipHostKeyCheck: { type: "boolean", description: "Accept any host key; default false." },
});

const connection = {
  type: "object",
  description: "How the provider reaches the gateway over SSH.",
  properties: {
    ...sshEndpoint("the gateway's", "the provider's `openbsd:privateKey`"),
    proxy: { $ref: "#/types/openbsd:index:Proxy", description: "A bastion the gateway is reached through (`ssh -J`); none by default." },
  },
  required: ["host"],
};

const proxy = {
  type: "object",
  description: "A bastion (jump host): the provider logs in there and its sshd opens the TCP connection to the gateway.",
  properties: sshEndpoint("the bastion's", "the gateway's"),
  required: ["host"],
};

/** The schema as a JSON string. */
export function packageSchema(): string {
  return JSON.stringify({
    name: "openbsd",
    version: PROVIDER_VERSION,
    description: "OpenBSD VPN gateways configured over SSH.",
    config: { variables: CONFIG_VARIABLES },
    types: { "openbsd:index:Connection": connection, "openbsd:index:Proxy": proxy },
    resources: {
      "openbsd:index:GatewayConfig": {
        description: "The whole configuration of one gateway, committed over SSH with an on-host rollback timer.",
        inputProperties: {
          connection: { $ref: "#/types/openbsd:index:Connection" },
          state: any,
          rollbackSeconds: { type: "integer", description: "Seconds before the on-host rollback timer restores the old configuration." },
        },
        requiredInputs: ["connection", "state"],
        properties: {
          connection: { $ref: "#/types/openbsd:index:Connection" },
          state: any,
          rollbackSeconds: { type: "integer" },
        },
        required: ["connection", "state"],
      },
      "openbsd:index:LocalFile": {
        description: "A file on the machine running Pulumi.",
        inputProperties: { path: str, content: str },
        requiredInputs: ["path", "content"],
        properties: { path: str, content: str },
        required: ["path", "content"],
      },
    },
    language: { nodejs: { packageName: "pulumi-openbsd" } },
  });
}
