/**
 * The `nat` topology's NAT router is a real one: gw1 (10.0.0.2, behind nat1) reaches gw2 on the internet and
 * gw2 sees its packets come from the router's outside address 198.51.100.2; gw2 cannot open a connection to
 * gw1 (nothing is forwarded). Lab prefix `n1`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "./api";

let lab: Lab;
beforeAll(async () => { lab = await labUp("nat", { prefix: "n1", quiet: true }); }, 120_000);
afterAll(async () => { if (lab) await labDown(lab); });

/** Polls a command until it succeeds (ARP, routes settle), a few seconds at most. */
async function until(gw: string, cmd: string, tries = 10) {
  let r = await labExec(lab, gw, cmd);
  for (let i = 1; i < tries && r.code !== 0; i++) r = await labExec(lab, gw, cmd);
  return r;
}

describe("the nat topology", () => {
  it("gw1 reaches gw2 through the NAT, which masquerades it as 198.51.100.2", async () => {
    const r = await until("gw1", "ping -c 1 -W 1 192.0.123.85");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // a UDP datagram to gw2 port 500 arrives from the NAT's outside address
    const listen = labExec(lab, "gw2", "timeout 5 python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind((\"0.0.0.0\",5500));d,a=s.recvfrom(100);print(a[0])'");
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) await labExec(lab, "gw1", "python3 -c 'import socket;socket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b\"x\",(\"192.0.123.85\",5500))'");
    expect((await listen).stdout.trim()).toBe("198.51.100.2");
  });
  it("gw2 cannot reach gw1's private address", async () => {
    expect((await labExec(lab, "gw2", "ping -c 1 -W 1 10.0.0.2")).code).not.toBe(0);
  });
});
