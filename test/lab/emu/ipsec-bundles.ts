/**
 * TEST DOUBLE helper — ipsecctl's SA bundles (parse.y add_sabundle, create_sabundle; ipsecctl.c
 * ipsecctl_print_sabundle): a manual SA rule with `bundle NAME` adds each SA it makes to the group of the same NAME
 * between the same source and destination (compared by the addresses' names: as written for IPv4, numeric for IPv6,
 * the interface's name for an interface), or starts that group. Joining a group adds one more rule, printed with
 * -v right after the SA: `[bundle esp to 2.2.2.2 spi 0x1a000000 with ah to 2.2.2.2 spi 0x2a000000]`, the group's
 * last SA and the new one. The groups live for the whole file (ipsec->bundle_queue). Pure.
 */
import type { Sa } from "../../../sdk/model/ipsec/flows";
import { printAddress, familyOf } from "../../../sdk/model/ipsec/address";

interface Link {
  satype: string;
  dst: string;
  spi: number;
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

export class SaBundles {
  private readonly groups: { src: string; dst: string; bundle: string; last: Link }[] = [];

  /**
   * add_sabundle() of one SA, with its source's and destination's names: the `[bundle …]` line it adds, or
   * undefined when it starts a group.
   */
  add(sa: Sa, names: { src: string; dst: string }, bundle: string): string | undefined {
    const me: Link = { satype: sa.satype, dst: printAddress(sa.to, familyOf(sa.to) ?? 4), spi: sa.spi };
    const g = this.groups.find((x) => x.src === names.src && x.dst === names.dst && x.bundle === bundle);
    if (!g) {
      this.groups.push({ ...names, bundle, last: me });
      return undefined;
    }
    const line = `[bundle ${g.last.satype} to ${g.last.dst} spi ${hex8(g.last.spi)} with ${me.satype} to ${me.dst} spi ${hex8(me.spi)}]`;
    g.last = me;
    return line;
  }
}
