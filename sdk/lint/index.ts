/** The `lint` command's library: lint one file's text, tell kinds from names, check daemon-enforced modes. */
export * from "./kinds";
export * from "./lint";
export * from "./modes";
export { processIo, runCli, runLint, USAGE, type CliIo } from "./main";
