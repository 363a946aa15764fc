/** Reading IAM roles: what assess and provision share. */
import { GetRoleCommand, type IAMClient, type Role } from '@aws-sdk/client-iam';
import { isAwsError, unlessNotFound } from './errors.js';

/** The role, or undefined when IAM answers NoSuchEntity (GetRole, IAM API reference). Any other error is thrown. */
export async function getRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  return (await unlessNotFound(() => iam.send(new GetRoleCommand({ RoleName: name })), 'NoSuchEntity', 'NoSuchEntityException'))?.Role;
}

/** IAM refused the call for lack of permission (`AccessDenied`, HTTP 403). */
export function isIamAccessDenied(err: unknown): boolean {
  return isAwsError(err, 'AccessDenied', 'AccessDeniedException');
}
