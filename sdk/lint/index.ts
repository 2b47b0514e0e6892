/** The `lint` command's library: lint one file's text, tell kinds from names, check daemon-enforced modes. */
export * from "./kinds";
export * from "./lint";
export * from "./modes";
export { runCli, runLint, USAGE } from "./main";
