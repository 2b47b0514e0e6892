/** The message of the {@link ModelError} `f` throws (any other error is rethrown; no error fails the test). */
import { ModelError } from "../../sdk/model/diagnostics";

export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelError) return e.message;
    throw e;
  }
  throw new Error("no error");
}
