/**
 * Scenario 9: forwarding, esp/ah, rc.conf.local flags through rcctl, examples/09-host-basics. The example's
 * remote.Command (@pulumi/command on the gateway's connection) runs when the engine has the
 * pulumi-resource-command plugin (.tools/bin); otherwise `command: false`.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../support/env";
import { scenario } from "./harness";

const hasCommand = existsSync(path.join(ROOT, ".tools", "bin", "pulumi-resource-command"));
scenario({
  example: "09-host-basics",
  project: "openbsd-host-basics",
  topology: "site-to-site",
  prefix: "s09",
  config: { command: { value: String(hasCommand) } },
  files: {
    gw1: {
      "/etc/sysctl.conf": "net.inet.ah.enable=1\nnet.inet.esp.enable=1\nnet.inet.esp.udpencap=1\nnet.inet.ip.forwarding=1\nnet.inet6.ip6.forwarding=1\n",
      "/etc/rc.conf.local": "ntpd_flags=-s\n",
    },
  },
  edit: { gateway: "gw1", command: "sed -i 's/ip6.forwarding=1/ip6.forwarding=0/' /etc/sysctl.conf", file: "/etc/sysctl.conf" },
  reboot: "gw1",
});
