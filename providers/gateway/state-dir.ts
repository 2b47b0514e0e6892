/** Where the provider keeps its on-host state (0700): lock, rollback copies, baselines, owner. */
export const STATE_DIR = "/var/db/pulumi-openbsd";
