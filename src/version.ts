import { existsSync, readFileSync } from 'node:fs';

/** The package's own package.json: two levels up from dist/ or src/, three from dist/bundle/. */
function packageJsonUrl(): URL {
  for (const candidate of ['../package.json', '../../package.json']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error('promigrate: cannot find its package.json');
}

/** The package version, read once. */
export const TOOL_VERSION: string = (JSON.parse(readFileSync(packageJsonUrl(), 'utf8')) as { version: string }).version;
