import type * as provider from "@pulumi/pulumi/provider";
import type { DetailedDiffResult } from "../diff";

/** One resource type's CRUD, as `provider.Provider` with a detailed diff. */
export interface ResourceProvider {
  check?: (urn: string, olds: any, news: any) => Promise<provider.CheckResult>;
  /** `oldInputs`: the inputs recorded with `olds` (on an import: the inputs the read returned). */
  diff?: (id: string, urn: string, olds: any, news: any, oldInputs?: any) => Promise<DetailedDiffResult>;
  create: (urn: string, inputs: any) => Promise<provider.CreateResult>;
  /** `inputs` are the program's inputs on an import (the engine sends no properties then). */
  read?: (id: string, urn: string, props?: any, inputs?: any) => Promise<provider.ReadResult & { inputs?: any }>;
  update?: (id: string, urn: string, olds: any, news: any) => Promise<provider.UpdateResult>;
  delete?: (id: string, urn: string, props: any) => Promise<void>;
}
