import type { CommandHandler } from './spec.js';
import { applyOverrides, loadConfig } from '../config/load.js';
import { iamPolicyFor } from '../aws/iam-policy.js';

const iamPolicy: CommandHandler = async ({ globals, io }) => {
  const loaded = await loadConfig(globals.config);
  const policy = iamPolicyFor(applyOverrides(loaded.config, globals));
  io.result(policy, () => JSON.stringify(policy, null, 2));
};
export default iamPolicy;
