/** The layering of src/ (scripts/import-graph.js draws it): commands → engine/steps → aws/db/state. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain JS script without declarations; its exports are used as documented there.
import { importsOf, RULES, violations } from '../../scripts/import-graph.js';

interface Edge { from: string; to: string; typeOnly: boolean }
type Rule = { name: string; broken(edge: Edge): string | undefined };

describe('the import rules', () => {
  it('hold for every import in src/ (static, dynamic and type-only)', () => {
    expect(violations()).toEqual([]);
  });

  it('see every kind of import, and each rule catches the edge it is about', () => {
    const text = [
      "import type { A } from '../sync/a.js';",
      "import { b } from './b.js';",
      "export { c } from '../../aws/sandbox/c.js';",
      "const d = await import('../../commands/d.js');",
      "// import { e } from '../e.js';",
      "import pg from 'pg';",
    ].join('\n');
    expect(importsOf('steps/verify/x.ts', text)).toEqual([
      { to: 'steps/sync/a.ts', typeOnly: true },
      { to: 'steps/verify/b.ts', typeOnly: false },
      { to: 'aws/sandbox/c.ts', typeOnly: false },
      { to: 'commands/d.ts', typeOnly: false },
    ]);
    const broken = (from: string, to: string) => (RULES as Rule[]).filter((r) => r.broken({ from, to, typeOnly: false })).map((r) => r.name);
    expect(broken('steps/verify/x.ts', 'steps/sync/a.ts')).toHaveLength(1);
    expect(broken('steps/sync/x.ts', 'steps/sync/a.ts')).toEqual([]);
    expect(broken('steps/index.ts', 'steps/sync/index.ts')).toEqual([]);
    expect(broken('aws/guards.ts', 'aws/sandbox/faults.ts')).toHaveLength(1);
    expect(broken('aws/runtime.ts', 'aws/sandbox/index.ts')).toEqual([]);
    expect(broken('steps/verify/x.ts', 'aws/sandbox/copy/hooks.ts')).toHaveLength(2);
    expect(broken('engine/session.ts', 'commands/spec.ts')).toHaveLength(1);
    expect(broken('steps/assess/index.ts', 'ui/assess-view.ts')).toHaveLength(1);
    expect(broken('steps/assess/index.ts', 'ui/io-host.ts')).toEqual([]);
  });
});
