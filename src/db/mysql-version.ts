import type { ServerVersion } from './types.js';

/**
 * `SELECT VERSION()` as MySQL or MariaDB reports it: `8.0.36`, `8.0.36-log`,
 * `10.11.6-MariaDB-0+deb12u1-log`, or with the `5.5.5-` prefix old MariaDB releases put in
 * front to satisfy MySQL 5.x replication clients.
 */
export function parseMysqlVersion(raw: string): ServerVersion {
  const mariadb = /mariadb/i.test(raw);
  const text = mariadb ? raw.replace(/^5\.5\.5-/, '') : raw;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new Error(`unrecognised MySQL/MariaDB version string: ${raw}`);
  return { raw, flavor: mariadb ? 'mariadb' : 'mysql', major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** version ≥ major.minor.patch */
export function versionAtLeast(v: ServerVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}
