import type { GetCallerIdentityResponse } from '@aws-sdk/client-sts';
import type { ServiceSimulator } from '../types.js';

/** STS: who am I. The sandbox identity is an IAM user in the world's own account. */
export const stsSimulator: ServiceSimulator = {
  GetCallerIdentity: (_input, ctx): GetCallerIdentityResponse => ({
    // IAM user ids are "AIDA" + 17 upper-case alphanumerics.
    UserId: `AIDASB${ctx.accountId}PMG`,
    Account: ctx.accountId,
    Arn: `arn:aws:iam::${ctx.accountId}:user/promigrate-sandbox`,
  }),
};
