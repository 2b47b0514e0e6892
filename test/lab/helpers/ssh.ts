/** Test helper: an ssh2 session to a lab gateway with the host key pinned. */
import { Client } from "ssh2";
import type { LabGateway } from "../api";

export interface Session {
  exec(cmd: string): Promise<{ stdout: string; stderr: string; code: number }>;
  end(): void;
}

/** Connect as root with the lab's key; refuse any host key other than `gw.hostKey`. */
export function sshConnect(gw: LabGateway, hostKey = gw.hostKey): Promise<Session> {
  const pinned = Buffer.from(hostKey.split(" ")[1] ?? "", "base64");
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on("ready", () => resolve({
      exec: (cmd) => new Promise((res, rej) => {
        c.exec(cmd, (err, stream) => {
          if (err) return rej(err);
          let stdout = "";
          let stderr = "";
          stream.on("data", (d: Buffer) => { stdout += d.toString(); });
          stream.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
          stream.on("close", (code: number | null) => res({ stdout, stderr, code: code ?? -1 }));
        });
      }),
      end: () => c.end(),
    }));
    c.on("error", reject);
    c.connect({ host: gw.host, port: gw.port, username: gw.user, privateKey: gw.privateKey, hostVerifier: (key: Buffer) => key.equals(pinned), readyTimeout: 10_000 });
    c.setNoDelay(true); // no Nagle: ~90 ms less per command (delayed ACKs)
  });
}
