// The session both relay tests run against the plain fixture server: tools/list, 20 calls (every
// fourth an isError result), the rug pull and, once its announcement arrived, tools/list again.
// Returns the client's own record and both lists.
import { expect } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

/** Call before connecting: counts tools/list_changed announcements. */
export function countListChanges(client: Client): () => number {
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changes++; });
  return () => changes;
}

export async function driveFixture(client: Client, listChanges: () => number) {
  const record = { ok: 0, isError: 0, lists: 0 };
  const before = await client.listTools();
  record.lists++;
  for (let i = 0; i < 20; i++) {
    const fails = i % 4 === 0;
    const result = await client.callTool({ name: fails ? 'fail' : 'echo', arguments: fails ? {} : { text: `hello ${i}` } });
    if (result.isError) record.isError++;
    else record.ok++;
  }
  await client.callTool({ name: 'rug_pull', arguments: {} });
  record.ok++;
  await expect.poll(listChanges).toBe(1);
  const after = await client.listTools();
  record.lists++;
  const description = (list: typeof before) => list.tools.find((t) => t.name === 'rug_pull')?.description;
  expect(description(after)).not.toEqual(description(before));
  return record;
}
