/**
 * `promigrate demo --interactive`: the init wizard first, its answers about the source and
 * the sandbox target given by the demo (the embedded servers), everything else asked. The
 * answers are kept in the workspace (they name environment variables, never a password), so
 * a re-run only refreshes the servers' ports.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderConfig } from '../config/save.js';
import { validateConfig } from '../config/issues.js';
import type { MigrationConfigInput } from '../config/schema.js';
import { wizardQuestions, type Answers } from '../config/wizard.js';
import { buildDraft, collectAnswers } from '../config/wizard-run.js';
import { UsageError } from '../errors.js';
import type { IoHost } from '../ui/io-host.js';
import { DEMO_PASSWORD_ENV, type DemoPorts, type DemoWorkspace } from './workspace.js';

const ANSWERS = 'demo-answers.json';

/** Refused before anything is created: no terminal, and no answers saved by an earlier run. */
export function checkCanAsk(dir: string, io: IoHost): void {
  if (io.interactive || existsSync(join(resolve(dir), ANSWERS))) return;
  throw new UsageError('promigrate demo --interactive asks the init wizard\'s questions and needs a terminal.', {
    hint: 'Run it in a terminal, or leave --interactive out for the demo with its own answers.',
  });
}

export async function interactiveDemoConfig(ws: DemoWorkspace, ports: DemoPorts, io: IoHost): Promise<string> {
  const given = {
    source: `postgres://postgres@127.0.0.1:${ports.source}/postgres`,
    sourcePasswordEnv: DEMO_PASSWORD_ENV,
    sandbox: true,
    sandboxTarget: `postgres://postgres@127.0.0.1:${ports.target}/postgres`,
    targetPasswordEnv: DEMO_PASSWORD_ENV,
  };
  const path = join(ws.dir, ANSWERS);
  let answers: Answers;
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Answers;
    answers = { ...saved, source: given.source, sandboxTarget: given.sandboxTarget };
  } else {
    checkCanAsk(ws.dir, io);
    io.notify({ level: 'info', code: 'demo.wizard', message: 'The init wizard: the source and the sandbox target are the demo\'s embedded databases; answer the rest (Enter takes the default).' });
    answers = await collectAnswers(wizardQuestions, { flags: given, io, assumeYes: false });
    writeFileSync(path, `${JSON.stringify(answers, null, 2)}\n`);
  }
  const draft = buildDraft(wizardQuestions, answers) as Record<string, Record<string, unknown>>;
  // What the demo's servers need whatever was answered.
  draft.source = { ...draft.source, tls: { mode: 'disable' } };
  draft.dms = { ...draft.dms, lobMaxSizeKb: 256 };
  draft.sandbox = { ...draft.sandbox, targetPasswordEnv: DEMO_PASSWORD_ENV, appAddress: `127.0.0.1:${ports.app}` };
  draft.dns = { hostedZone: 'example.com', record: 'www.example.com', ...draft.dns, newTarget: (draft.dns?.newTarget as string | undefined) || 'alias:demo-shop-alb-1234567890.us-east-1.elb.amazonaws.com' };
  const record = String(draft.dns.record);
  draft.verify = { url: `http://${record}/`, ...draft.verify, bodyMatch: 'Demo Shop' };
  validateConfig(draft, 'promigrate demo --interactive');
  // Valid by the line above: the draft is exactly the config input the file will hold.
  return renderConfig(ws.config, draft as unknown as MigrationConfigInput);
}
