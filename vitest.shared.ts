// What both suites share: the workspaces resolve to their TypeScript sources (the
// `@mcp-observability/source` export condition), in the test files and in every Node process a
// test starts (NODE_OPTIONS is inherited), so nothing needs compiling before a test.
export const SOURCE_CONDITION = '@mcp-observability/source';

export const sourceResolution = {
  resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'import', 'default'] } },
};

export const sourceEnv = { NODE_OPTIONS: `--conditions=${SOURCE_CONDITION}` };
