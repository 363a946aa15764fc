/** SNS: no operation simulated yet — every call fails with UnsupportedOperation (app tier, issue 18). */
import type { ServiceSimulator } from '../types.js';

export const snsSimulator: ServiceSimulator = {};
