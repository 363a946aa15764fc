/**
 * What the engine needs to know of each built-in step before running it: its id, its title
 * and what it depends on. The registry (steps/index.ts) orders and selects steps from this
 * alone and loads a step's code — and the AWS SDK clients and drivers it imports — only when
 * that step runs, so `promigrate cutover` does not load provision's EC2 client.
 */
import type { Step } from '../engine/step.js';

export type StepAbout = Pick<Step, 'id' | 'title' | 'dependsOn'>;

export const ASSESS: StepAbout = { id: 'assess', title: 'know the source before touching AWS', dependsOn: [] };
export const PROVISION: StepAbout = {
  id: 'provision',
  title: 'build the AWS landing zone: private two-AZ network, RDS, DMS replication instance',
  dependsOn: ['assess'],
};
export const SYNC: StepAbout = { id: 'sync', title: 'replicate with AWS DMS: full load, then CDC until cutover', dependsOn: ['provision'] };
export const CUTOVER: StepAbout = {
  id: 'cutover',
  title: 'switch DNS (Route 53) to the new stack, gated, with an exact way back',
  dependsOn: ['sync'],
};
export const VERIFY: StepAbout = {
  id: 'verify',
  title: 'prove it: data compared table by table, DNS, the app, and a report to sign',
  dependsOn: ['cutover'],
};
