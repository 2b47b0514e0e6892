/**
 * The warning a program gives when the engine will not find the provider plugin (sdk/resources/plugin-location.ts):
 * a project whose Pulumi.yaml lacks the README's `plugins` entry, with no plugin on $PATH or in the plugin cache.
 */
import { describe, expect, it } from "vitest";
import { pluginLocationProblem, type PluginPlaces } from "../../../sdk/resources/plugin-location";

const README_YAML = "name: vpn\nruntime: nodejs\nplugins:\n  providers:\n    - name: openbsd\n      path: ./node_modules/pulumi-openbsd/providers/bin\n";

function places(o: { yaml?: string; path?: string; onPath?: string[]; cache?: string[]; pulumiHome?: string; packageRoot?: string }): PluginPlaces {
  return {
    projectRoot: "/home/u/vpn",
    packageRoot: o.packageRoot ?? "/home/u/vpn/node_modules/pulumi-openbsd",
    env: { PATH: o.path ?? "/usr/local/bin:/usr/bin:/bin", ...(o.pulumiHome ? { PULUMI_HOME: o.pulumiHome } : {}) },
    home: "/home/u",
    read: (f) => (f === "/home/u/vpn/Pulumi.yaml" ? o.yaml : undefined),
    executable: (f) => (o.onPath ?? []).includes(f),
    list: (d) => (d === `${o.pulumiHome ?? "/home/u/.pulumi"}/plugins` ? (o.cache ?? []) : []),
  };
}

describe("the provider plugin's location, checked by the program", () => {
  it("a Pulumi.yaml without the plugins entry: the warning names the folder the plugin is in and the lines to add", () => {
    expect(pluginLocationProblem(places({ yaml: "name: vpn\nruntime: nodejs\n" }))).toBe(
      "the engine will not find the openbsd provider plugin: it ships in this package (./node_modules/pulumi-openbsd/providers/bin), and Pulumi.yaml names no path for it, " +
        "no pulumi-resource-openbsd is on $PATH and none is installed in /home/u/.pulumi/plugins; the engine then fails with \"no resource plugin 'pulumi-resource-openbsd' found\". " +
        "Add to /home/u/vpn/Pulumi.yaml:\nplugins:\n  providers:\n    - name: openbsd\n      path: ./node_modules/pulumi-openbsd/providers/bin",
    );
  });
  it("the path is the package's own, relative to the project: a workspace's hoisted node_modules", () => {
    expect(pluginLocationProblem(places({ yaml: "name: vpn\nruntime: nodejs\n", packageRoot: "/home/u/node_modules/pulumi-openbsd" }))).toMatch(/\n      path: \.\.\/node_modules\/pulumi-openbsd\/providers\/bin$/);
  });
  it("a project named openbsd still needs the entry: only an indented `name: openbsd` is a provider's", () => {
    expect(pluginLocationProblem(places({ yaml: "name: openbsd\nruntime: nodejs\n" }))).toContain("names no path for it");
  });
  it("found: the README's entry (quoted or not), a plugin on $PATH, one installed in the plugin cache (PULUMI_HOME too)", () => {
    expect(pluginLocationProblem(places({ yaml: README_YAML }))).toBeUndefined();
    expect(pluginLocationProblem(places({ yaml: "name: vpn\nplugins:\n  providers:\n  - name: \"openbsd\"  # ours\n    path: vendor/openbsd\n" }))).toBeUndefined();
    expect(pluginLocationProblem(places({ yaml: "name: vpn\nplugins: { providers: [{ name: openbsd, path: ./vendor }] }\n" }))).toBeUndefined();
    expect(pluginLocationProblem(places({ yaml: "name: vpn\n", onPath: ["/usr/local/bin/pulumi-resource-openbsd"] }))).toBeUndefined();
    expect(pluginLocationProblem(places({ yaml: "name: vpn\n", cache: ["resource-openbsd-v0.1.0"] }))).toBeUndefined();
    expect(pluginLocationProblem(places({ yaml: "name: vpn\n", cache: ["resource-openbsd-v0.1.0"], pulumiHome: "/srv/pulumi" }))).toBeUndefined();
  });
  it("not found: another provider's entry, a plugin still downloading, a cache of other plugins", () => {
    expect(pluginLocationProblem(places({ yaml: "name: vpn\nplugins:\n  providers:\n    - name: openbsd-extra\n      path: ./x\n" }))).toContain("names no path for it");
    expect(pluginLocationProblem(places({ yaml: "name: vpn\n", cache: ["resource-openbsd-v0.1.0.partial", "resource-openbsd-v0.1.0.lock", "resource-aws-v6.0.0"] }))).toContain("names no path for it");
  });
  it("nothing is said when the project file cannot be read", () => {
    expect(pluginLocationProblem(places({}))).toBeUndefined();
  });
});
