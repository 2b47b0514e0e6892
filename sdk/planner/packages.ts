/**
 * Packages in the planner: a gateway's own `packages` and those its VPN components need (OpenVPN's
 * `openvpn`, tinc's `tinc`) become one sorted list in its HostState (`pkg_add -I NAME`, read back with
 * `pkg_info -q`). Each name is checked against the package-name grammar (model/tokens/package.ts); two
 * names of one stem (`python%3.10` and `python%3.11`) are refused, since the provider finds an installed
 * package by its stem. Pure: no I/O.
 */
import { packageName, packageParts, refusalOf } from "../model/tokens/index";
import type { PlanIssue } from "./errors";

/** What the planner keeps per gateway for packages: name → the resource that asked for it. */
export interface PackageTarget {
  packages: Map<string, string>;
}

/**
 * Adds package `name` for resource `by` (e.g. `OpenVpnTunnel "x"`), `field` as the user wrote it.
 * Reports a bad name or a second name of the same stem.
 */
export function needPackage(acc: PackageTarget, name: string, by: string, field: string, issues: PlanIssue[]): void {
  const bad = refusalOf(packageName, name);
  if (bad) {
    issues.push({ resources: [by], field, value: name, reason: bad.reason, fix: bad.fix });
    return;
  }
  if (acc.packages.has(name)) return;
  const stem = packageParts(name).stem;
  for (const [other, who] of acc.packages)
    if (packageParts(other).stem === stem) {
      issues.push({ resources: [by, who], field, value: `${name} and ${other}`, reason: "two names of one package stem on one gateway (pkg_add installs one of them)", fix: `name the package once, e.g. \`${other}\`` });
      return;
    }
  acc.packages.set(name, by);
}

/** The sorted package list of a gateway's state. */
export function packageList(acc: PackageTarget): string[] {
  return [...acc.packages.keys()].sort();
}
