/** pf.conf parser, part 4a: a rule's divert options (parse.y filter_opts: divert-to, divert-reply, divert-packet). */
import { hostsFileAddresses, interfaceAddresses, parseLiteralAddress } from "./address";
import { type Token } from "./lexer";
import { splitModifiers } from "./if-modifier";
import type { PfFilterRule } from "./types";
import { PfRulePartParser } from "./parser-rule-parts";

export abstract class PfDivertParser extends PfRulePartParser {
  /** filter_opts: divert-to, divert-reply, divert-packet. Returns false when `t` is none of them. */
  protected divertOpt(t: Token, o: Partial<PfFilterRule>): boolean {
    switch (t.text) {
    case "divert-to": {
      this.shift();
      // DIVERTTO STRING PORT portplain: the grammar first, then the action's checks in its order
      const a = this.expectString();
      this.expectKw("port");
      const portTok = this.la;
      const port = this.portplain();
      this.oneDivert(o, portTok);
      // host(): an interface or group stands for its first address
      const split = splitModifiers(a.text);
      const named = this.ctx.interfaces && !parseLiteralAddress(a.text) && "name" in split ? interfaceAddresses(split.name, split.modifier, this.ctx.interfaces)[0] : undefined;
      // an interface's network (`em0:network`) diverts to the network's address; `localhost` (host_dns) to the
      // address of the rule's family (expand_divertspec), else its first
      const lit = named ? { text: named.address } : (parseLiteralAddress(a.text) ?? this.divertByName(a.text));
      if (!lit || lit.text.includes("/")) {
        if (!lit) this.out.stderr.push(`no IP address found for ${a.text}`);
        this.fail(`could not parse divert address: ${a.text}`, "give an IPv4 or IPv6 address", a);
      }
      if (port === 0) this.fail("invalid divert port: 0", "a port from 1 to 65535", portTok);
      o.divertTo = { address: lit.text, port };
      break;
    }
    case "divert-reply":
      this.shift();
      this.oneDivert(o, this.la);
      o.divertReply = true;
      break;
    case "divert-packet": {
      this.shift();
      this.expectKw("port");
      const portTok = this.la;
      const port = this.portplain();
      this.oneDivert(o, portTok);
      if (port === 0) this.failOnToken("invalid divert port: 0", "a port from 1 to 65535", portTok);
      // (while reassembly is on, the rule reassembles tcp too: ExpandContext.reassemble; anchorrule for an anchor)
      o.divertPacket = { port };
      break;
    }
      default:
        return false;
    }
    return true;
  }

  /** parse.y's divert options, once one is read: a rule diverts one way (`at`: where yacc reduced it). */
  protected oneDivert(o: Partial<PfFilterRule>, at: Token): void {
    if (o.divertTo || o.divertReply || o.divertPacket) this.failOnToken("more than one divert option", undefined, at);
  }

  /**
   * `divert-to localhost`: host() gives 127.0.0.1 and ::1, and expand_divertspec takes the one of the rule's family
   * (written, else its literal addresses': decide_address_family), else the first.
   */
  private divertByName(name: string): { text: string } | undefined {
    const addrs = hostsFileAddresses(name);
    if (!addrs) return undefined;
    const want = this.ruleAf === "inet" ? 4 : this.ruleAf === "inet6" ? 6 : undefined;
    return { text: (addrs.find((x) => x.family === want) ?? addrs[0]!).text };
  }
}
