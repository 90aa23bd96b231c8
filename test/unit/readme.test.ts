// README must stay true: every alert and dashboard we generate is listed, every npm script it
// shows exists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/build/index.js';
import { validateConfig } from '../../src/cli/config/load.js';

const readme = readFileSync('README.md', 'utf8');
const artifacts = generate(validateConfig({}));
const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts);

describe('README', () => {
  it('lists every generated alert', () => {
    const alerts = new Set(artifacts.filter((a) => /^alerts\/[^/]+\/[^/]+\.rules\.yaml$/.test(a.path))
      .flatMap((a) => [...a.content.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1]!)));
    expect(alerts.size).toBeGreaterThan(10);
    for (const alert of alerts) expect(readme, alert).toContain(`\`${alert}\``);
  });

  it('lists every generated dashboard uid', () => {
    const uids = artifacts.filter((a) => a.path.startsWith('dashboards/'))
      .map((a) => (JSON.parse(a.content) as { uid: string }).uid);
    expect(uids.length).toBeGreaterThanOrEqual(10);
    for (const uid of uids) expect(readme, uid).toContain(`\`${uid}\``);
  });

  it('only shows npm scripts that exist', () => {
    const shown = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThan(0);
    for (const name of shown) expect(scripts, `npm run ${name}`).toContain(name);
  });
});
