// resources/read labels: the registered URI or the URI template the URI matched, else _OTHER, so
// URIs a client invents (ids, paths, query strings) never become label values.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { RegisteredNames } from '../../src/instrument/labels.js';

describe('resource labels', () => {
  it('reads an McpServer registry: static URIs as they are, templated URIs as their template', () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.registerResource('index', 'docs://index', {}, () => ({ contents: [] }));
    server.registerResource('page', new ResourceTemplate('docs://pages/{id}', { list: undefined }), {}, () => ({ contents: [] }));
    const names = new RegisteredNames();
    names.addServer(server);
    expect(names.resourceLabel('docs://index')).toBe('docs://index');
    expect(names.resourceLabel('docs://pages/metrics')).toBe('docs://pages/{id}');
    expect(names.resourceLabel('docs://other/x')).toBe('_OTHER');
    expect(names.resourceLabel(42)).toBe('_OTHER');
  });

  it('labels a listed instance of a registered template by the template, and learns at most 100 listed URIs', () => {
    const server = new McpServer({ name: 't', version: '1' });
    server.registerResource('page', new ResourceTemplate('docs://pages/{id}', { list: undefined }), {}, () => ({ contents: [] }));
    const names = new RegisteredNames();
    names.addServer(server);
    // What resources/list answers: the template's instances, one URI each.
    names.learnResources(['docs://pages/metrics', 'docs://pages/alerts']);
    expect(names.resourceLabel('docs://pages/metrics')).toBe('docs://pages/{id}');
    const listed = Array.from({ length: 1000 }, (_, i) => `file:///data/${i}.csv`);
    names.learnResources(listed);
    const labels = new Set(listed.map((uri) => names.resourceLabel(uri)));
    expect(labels.size).toBe(99); // 100 learned URIs in all (the 2 pages above, 98 files), and _OTHER
  });

  it('matches listed templates: {var} one segment, {+var} anything; 10,000 invented URIs make one label', () => {
    const names = new RegisteredNames();
    names.addResources(['file:///etc/motd', 'notes://{user}/{id}', 'repo://{+path}']);
    expect(names.resourceLabel('file:///etc/motd')).toBe('file:///etc/motd');
    expect(names.resourceLabel('notes://ann/7')).toBe('notes://{user}/{id}');
    expect(names.resourceLabel('notes://ann/7/extra')).toBe('_OTHER');
    expect(names.resourceLabel('repo://src/a/b.ts')).toBe('repo://{+path}');
    const labels = new Set(Array.from({ length: 10_000 }, (_, i) => names.resourceLabel(`https://evil.example/${i}?q=${i}`)));
    expect([...labels]).toEqual(['_OTHER']);
  });
});
