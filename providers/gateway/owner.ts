/**
 * Who owns a gateway (ARCHITECTURE.md, D12): the host records `PROJECT/STACK` and the owning resource's URN;
 * a commit or destroy from another stack is refused, and adoption goes through `pulumi import`.
 */

/** Who owns a gateway. */
export interface Owner {
  /** `PROJECT/STACK`, compared. */
  stack: string;
  /** The owning resource's URN, recorded for the message. */
  urn: string;
  /** Adopt a gateway another stack owns (after `pulumi import`). */
  takeover?: boolean;
  /**
   * How the resource reaches the gateway, `HOST:PORT` as its connection gives it (default: the connection's own):
   * recorded, so that a replacement that reaches the same machine under another name (a DNS name swapped for its
   * address) is told apart from the resource it replaces, whose URN is the same.
   */
  target?: string;
}

/** The owner of a URN `urn:pulumi:STACK::PROJECT::TYPE::NAME`: `PROJECT/STACK`. */
export function ownerOf(urn: string, takeover = false): Owner | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m ? { stack: `${m[2]}/${m[1]}`, urn, ...(takeover ? { takeover } : {}) } : undefined;
}

/**
 * Who takes the on-host lock (`$WHO`, script-lib.ts): the stack and the resource's URN, on one line (not how it
 * reaches the gateway: a commit and a destroy of one resource must match). The same resource of the same stack
 * finding its own earlier commit unconfirmed supersedes it at once.
 */
export function who(o: Owner): string {
  return `${o.stack} ${o.urn}`.replace(/[\r\n]/g, " ");
}
