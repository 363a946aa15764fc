/** The MySQL/MariaDB target-schema adapter (src/db/schema/types.ts has the contract). */
import type { SchemaAdapter } from '../types.js';
import { extract } from './extract.js';
import { positions } from './positions.js';
import { snapshot } from './snapshot.js';
import { openTarget } from './target.js';

export const mysqlSchema: SchemaAdapter = { extract, positions, openTarget, snapshot };
