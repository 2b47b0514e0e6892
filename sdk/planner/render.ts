/**
 * From a gateway's typed documents to its {@link HostState}: every file rendered by the model's canonical
 * renderers (ipsec.conf, iked.conf, pf.conf and anchors, hostname.if, sasyncd.conf, sysctl.conf), with the
 * modes OpenBSD's tools require (C.1): ipsec.conf, iked.conf, sasyncd.conf and private keys 0600,
 * hostname.if 0640, pf files 0600. Which files hold secrets (then 0600) is decided afterwards, by one
 * rule, in secrets.ts; only key files the planner derives are marked here.
 */
import type { HostnameIfLine } from "../model/hostnameif/index";
import { renderHostnameIf } from "../model/hostnameif/index";
import { renderIkedConf } from "../model/iked/render";
import { renderIpsecConf } from "../model/ipsec/render";
import { expectedKernel, type ExpectedKernel } from "../model/ipsec/kernel";
import { canonicalWritten } from "../model/address/index";
import { renderPfConf } from "../model/pf/render";
import { renderSasyncdConf } from "../model/sasyncd/index";
import { renderSysctlConf, sysctlConfFromSettings } from "../model/sysctl/index";
import type { HostState, ManagedFile, FileCheck } from "../state";
import type { GatewayDocs, IfLine } from "./docs";
import { ANCHOR_DIR } from "./plan";

function file(content: string, mode: string, check: FileCheck, secret = false): ManagedFile {
  return { content, mode, owner: "root", group: "wheel", check, ...(secret ? { secret: true } : {}) };
}

/** Planner lines → the hostname.if model's lines (`inet ADDR MASK NONE carp-options`, then `dest`). */
export function hostnameLines(lines: IfLine[]): HostnameIfLine[] {
  const out: HostnameIfLine[] = [];
  // ifconfig(8) `inet ADDR` without `alias` first deletes the interface's first IPv4 address: every IPv4 address after
  // the first is written `inet alias` (hostname.if(5)), or netstart would leave only the last one on the interface
  let inet = false;
  for (const l of lines) {
    switch (l.kind) {
      case "inet": {
        const opts: string[] = [];
        if (l.carp) {
          opts.push("vhid", String(l.carp.vhid), "carpdev", l.carp.carpdev);
          if (l.carp.pass !== undefined) opts.push("pass", l.carp.pass);
          if (l.carp.advbase !== undefined) opts.push("advbase", String(l.carp.advbase));
          if (l.carp.advskew !== undefined) opts.push("advskew", String(l.carp.advskew));
        }
        out.push({ kind: "inet", ...(inet ? { alias: true as const } : {}), address: l.address, prefixlen: l.prefix, ...(opts.length ? { options: opts } : {}) });
        inet = true;
        if (l.dest) out.push({ kind: "dest", address: l.dest });
        break;
      }
      case "inet6":
        out.push({ kind: "inet6", address: l.address, prefixlen: l.prefix });
        if (l.dest) out.push({ kind: "dest", address: l.dest });
        break;
      case "tunnel":
        out.push({ kind: "tunnel", src: l.source, dst: l.destination });
        break;
      case "vnetid":
        out.push({ kind: "vnetid", id: l.id });
        break;
      case "keepalive":
        out.push({ kind: "ifconfig", args: ["keepalive", String(l.period), String(l.count)] });
        break;
      case "syncdev":
        out.push({ kind: "pfsync", syncdev: l.dev, ...(l.syncpeer ? { syncpeer: l.syncpeer } : {}) });
        break;
      case "description":
        out.push({ kind: "description", text: l.text });
        break;
      case "up":
        out.push({ kind: "up" });
        break;
      case "ifconfig":
        out.push({ kind: "ifconfig", args: l.args });
        break;
      case "command":
        out.push({ kind: "command", command: l.command });
        break;
    }
  }
  return out;
}

/** Renders one gateway's documents into its desired {@link HostState}. Throws ModelError on an invalid value. */
export function renderGateway(d: GatewayDocs): HostState {
  const files: Record<string, ManagedFile> = {};
  if (d.ipsec) files["/etc/ipsec.conf"] = file(renderIpsecConf(d.ipsec), "0600", "ipsec");
  if (d.iked) files["/etc/iked.conf"] = file(renderIkedConf(d.iked), "0600", "iked");
  files["/etc/pf.conf"] = file(renderPfConf(d.pf), "0600", "pf");
  const anchors: HostState["anchors"] = {};
  for (const [name, rs] of Object.entries(d.anchors)) {
    const path = `${ANCHOR_DIR}/${name}`;
    files[path] = file(renderPfConf(rs), "0600", "pf-anchor");
    anchors[name] = { file: path };
  }
  const interfaces = Object.keys(d.hostnames).sort();
  for (const i of interfaces) {
    const lines = d.hostnames[i]!;
    files[`/etc/hostname.${i}`] = file(renderHostnameIf({ interface: i, lines: hostnameLines(lines) }), "0640", "none");
  }
  if (d.sasyncd) {
    const s = d.sasyncd;
    files["/etc/sasyncd.conf"] = file(
      renderSasyncdConf({ interface: s.interface, peers: s.peers, ...(s.flushmode ? { flushmode: s.flushmode } : {}), ...(s.control && s.control !== "isakmpd" ? { control: s.control } : {}), sharedkey: { kind: "hex", hex: s.sharedkey } }),
      "0600", "sasyncd",
    );
  }
  if (Object.keys(d.sysctls).length > 0) files["/etc/sysctl.conf"] = file(renderSysctlConf(sysctlConfFromSettings(d.sysctls)), "0644", "none");
  for (const [path, f] of Object.entries(d.rawFiles)) files[path] = file(f.content, f.mode, f.check ?? "none", f.secret);
  return {
    files,
    sysctls: { ...d.sysctls },
    services: { ...d.services },
    interfaces,
    anchors,
    ipsec: { daemon: d.daemon, ...(d.ipsec ? { ruleFile: "/etc/ipsec.conf" } : {}) },
    ...(d.ipsec || d.iked ? { ipsecKernel: ipsecKernelOf(d) } : {}),
    ...(d.packages.length > 0 ? { packages: [...d.packages] } : {}),
  };
}

/**
 * What the kernel must hold (model/ipsec/kernel.ts), from the typed documents: the ipsec.conf's manual
 * entries and tunnel flows, and the peers of both daemons' configurations (iked's `peer` as written).
 */
export function ipsecKernelOf(d: Pick<GatewayDocs, "ipsec" | "iked">): ExpectedKernel {
  const k = d.ipsec ? expectedKernel(d.ipsec) : { flows: [], sas: [], tunnels: [], peers: [] };
  const iked = (d.iked?.policies ?? []).flatMap((p) => (p.peer !== undefined && p.peer !== "any" ? [canonicalWritten(p.peer)] : []));
  return { ...k, peers: [...new Set([...k.peers, ...iked])].sort() };
}
