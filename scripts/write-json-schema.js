// Writes schema/promigrate.schema.json from the built zod schema (run by `npm run build`
// after tsc). The file is committed and shipped, so editors can validate configs.
import { mkdir, writeFile } from 'node:fs/promises';
import { renderJsonSchema } from '../dist/config/json-schema.js';

const target = new URL('../schema/promigrate.schema.json', import.meta.url);
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, renderJsonSchema(), 'utf8');
