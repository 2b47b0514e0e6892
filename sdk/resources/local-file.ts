import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link LocalFile}. */
export interface LocalFileArgs {
  /** Absolute path of the file on the machine running `pulumi`. Changing it replaces the resource. */
  path: pulumi.Input<string>;
  /** File content. Pass a secret (`pulumi.secret(...)`) to keep it encrypted in the state. */
  content: pulumi.Input<string>;
}

/**
 * A file on the machine running the engine: the provider's smallest resource, used to prove the
 * plugin path end to end (issue 3). Not for managing gateways: see `GatewayConfig`.
 */
export class LocalFile extends pulumi.CustomResource {
  declare readonly path: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: LocalFileArgs, opts?: pulumi.CustomResourceOptions) {
    super("openbsd:index:LocalFile", name, { path: args.path, content: args.content }, opts);
  }
}
