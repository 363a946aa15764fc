import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, loadTemplate, templatePath, templatesDir } from '../../../src/migration/templates.js';

const root = resolve(import.meta.dirname, '../../..');

describe('findPackageRoot', () => {
  it.each([
    ['src/migration/templates.ts'],
    ['dist/migration/templates.js'],
    ['dist/bundle/chunk-ABC123.js'],
    ['dist/bundle/cli.js'],
  ])('from %s', (file) => {
    expect(findPackageRoot(pathToFileURL(join(root, file)))).toBe(root);
    expect(findPackageRoot(join(root, file))).toBe(root);
    expect(templatesDir(pathToFileURL(join(root, file)))).toBe(join(root, 'templates'));
  });

  it('defaults to this module, and skips package.json files of other packages', () => {
    expect(findPackageRoot()).toBe(root);
    const other = mkdtempSync(join(tmpdir(), 'promigrate-tpl-'));
    mkdirSync(join(other, 'node_modules/x/lib'), { recursive: true });
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'promigrate' }));
    writeFileSync(join(other, 'node_modules/x/package.json'), JSON.stringify({ name: 'x' }));
    expect(findPackageRoot(join(other, 'node_modules/x/lib/index.js'))).toBe(other);
  });

  it('fails clearly outside any promigrate package', () => {
    // Not under tmpdir(): a stray package.json there may name any package.
    expect(() => findPackageRoot('/promigrate-no-such-dir/lib/a.js')).toThrow(/cannot find its package root above \/promigrate-no-such-dir/);
  });
});

describe('loadTemplate', () => {
  it('every shipped template parses and declares the version in its file name', () => {
    const dir = join(root, 'templates/dms');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['table-mappings.v1.json', 'task-settings.v2.json']);
    for (const f of files) {
      const [, name, version] = /^(.+)\.v(\d+)\.json$/.exec(f)!;
      expect(loadTemplate(`dms/${name}`, Number(version)).templateVersion).toBe(Number(version));
    }
  });

  it('returns a deep copy each time', () => {
    const a = loadTemplate<{ templateVersion: 2; settings: { TargetMetadata: { LobMaxSize: number } } }>('dms/task-settings', 2);
    a.settings.TargetMetadata.LobMaxSize = 999;
    expect(loadTemplate<typeof a>('dms/task-settings', 2).settings.TargetMetadata.LobMaxSize).toBe(32);
  });

  it('refuses a missing template, a wrong templateVersion and bad names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promigrate-tpl-'));
    writeFileSync(join(dir, 'x.v2.json'), JSON.stringify({ templateVersion: 1 }));
    writeFileSync(join(dir, 'y.v1.json'), '{ nope');
    expect(() => loadTemplate('x', 2, dir)).toThrow(/declares templateVersion 1, expected 2/);
    expect(() => loadTemplate('y', 1, dir)).toThrow(/not valid JSON/);
    expect(() => loadTemplate('dms/task-settings', 9)).toThrow(/template dms\/task-settings v9 is missing/);
    expect(() => templatePath('../etc/passwd', 1)).toThrow(/invalid template name/);
    expect(() => templatePath('dms/x', 0)).toThrow(/invalid template version/);
  });
});

describe('templates from a built package', () => {
  it('an esbuild bundle in dist/bundle/ finds templates/ of its own package', async () => {
    const pkg = mkdtempSync(join(tmpdir(), 'promigrate-pkg-'));
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'promigrate', type: 'module' }));
    cpSync(join(root, 'templates'), join(pkg, 'templates'), { recursive: true });
    // Marks the copy, so the assertion shows which templates/ the bundle read.
    const file = join(pkg, 'templates/dms/task-settings.v2.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"MaxFullLoadSubTasks": 8', '"MaxFullLoadSubTasks": 7'));
    await build({
      entryPoints: [join(root, 'src/steps/sync/settings.ts')],
      outfile: join(pkg, 'dist/bundle/settings.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
    });
    const built = (await import(pathToFileURL(join(pkg, 'dist/bundle/settings.js')).href)) as typeof import('../../../src/steps/sync/settings.js');
    const dms = { lobMode: 'full', lobMaxSizeKb: 32, validation: false } as Parameters<typeof built.buildTaskSettings>[0]['dms'];
    const { settings } = built.buildTaskSettings({ dms });
    expect(settings.TargetMetadata.FullLobMode).toBe(true);
    expect(settings.ValidationSettings.EnableValidation).toBe(false);
    expect(settings.FullLoadSettings.MaxFullLoadSubTasks).toBe(7);
  });
});
