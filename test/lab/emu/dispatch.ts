/**
 * TEST DOUBLE — running one emulated OpenBSD command by name with a given {@link Io}: what both entry points of
 * the emulator share (the one-shot `main.ts` and the resident `server.ts`).
 */
import { loadCommand, type Io } from "./command";
import { tunnelHelpersReady } from "./linux";
import { espdAfter, espdSyncs } from "./natt";
import { gatewayName } from "./state";

/**
 * Run command `name` (`ifconfig`, `rcd`, …) with `io`; returns its exit status. An unknown name prints
 * `emu: NAME: no such emulated command` and returns 127; a command that throws prints
 * `NAME: emulator error: STACK` and returns 1 (a defect of the emulator, never a silent success).
 */
export async function dispatch(name: string | undefined, io: Io): Promise<number> {
  const cmd = name ? await loadCommand(name) : undefined;
  if (!cmd) {
    io.err(`emu: ${name ?? ""}: no such emulated command\n`);
    return 127;
  }
  const syncs = espdSyncs();
  try {
    return await cmd(io);
  } catch (e) {
    io.err(`${name}: emulator error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    // a tunnel the command configured carries packets before the command returns (as the kernel's would)
    await tunnelHelpersReady();
    // an IPsec tunnel's data path (espd.py) starts and stops with the tunnel
    await espdAfter(name!, syncs, async () => (await import("./ike-state")).kernelView(gatewayName()), io.argv).catch((e) => {
      process.stderr.write(`emu: espd: ${(e as Error).message}\n`);
    });
  }
}
