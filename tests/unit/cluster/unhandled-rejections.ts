import { runUnderMocks, type MockOptions, type ResourceGraph } from "../../harness/mocks";

/**
 * Runs `program` under mocks and returns the messages of the promise rejections nobody
 * handled. An error thrown in an `apply` that feeds a resource input surfaces that way:
 * the real Node language host fails `pulumi up` on it, the mock monitor only drops the
 * resource. Mocha's own listener is set aside for the run and put back afterwards.
 */
export async function unhandledUnderMocks(program: () => unknown, mocks: MockOptions): Promise<{ messages: string[]; resources: ResourceGraph }> {
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const messages: string[] = [];
  process.on("unhandledRejection", (reason) => messages.push(reason instanceof Error ? reason.message : String(reason)));
  try {
    const { resources } = await runUnderMocks(program, mocks);
    await new Promise((resolve) => setImmediate(resolve));
    return { messages, resources };
  } finally {
    process.removeAllListeners("unhandledRejection");
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
}
