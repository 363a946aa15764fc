/**
 * `--source engine://user@host:port/db[,db2]`: the short form of the source section.
 * A password in the URL is refused (and never echoed): it would land in shell history.
 */
import { DB_URL_PROTOCOLS, type Engine } from './fields.js';

export interface SourceUrlParts {
  engine: Engine;
  host: string;
  port?: number;
  user: string;
  databases: string[];
}

export const SOURCE_URL_EXAMPLE = 'postgres://app@10.0.0.5:5432/shop';

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseSourceUrl(value: string): SourceUrlParts | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `expected engine://user@host:port/database, e.g. ${SOURCE_URL_EXAMPLE}` };
  }
  if (url.password !== '') {
    return {
      problem:
        'the URL contains a password; leave it out and pass --source-password-env <VAR> (or --source-secret-arn <ARN>) instead',
    };
  }
  const engine = DB_URL_PROTOCOLS[url.protocol];
  if (!engine) return { problem: `expected a mysql://, mariadb:// or postgres:// URL, e.g. ${SOURCE_URL_EXAMPLE}` };
  if (url.search !== '' || url.hash !== '') {
    return { problem: 'expected no ?query or #fragment; set TLS and other options in the config file' };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return { problem: `expected a host, e.g. ${SOURCE_URL_EXAMPLE}` };
  const user = decode(url.username);
  if (user === '') return { problem: `expected a user name before @, e.g. ${SOURCE_URL_EXAMPLE}` };
  const databases = url.pathname
    .replace(/^\//, '')
    .split(',')
    .map((db) => decode(db).trim())
    .filter((db) => db !== '');
  if (databases.length === 0) return { problem: `expected a database name after the port, e.g. ${SOURCE_URL_EXAMPLE}` };
  const parts: SourceUrlParts = { engine, host, user, databases };
  if (url.port !== '') parts.port = Number(url.port);
  return parts;
}
