import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UsageError, describeFailure } from '../errors.js';

export interface PasswordRef {
  passwordEnv?: string;
  secretArn?: string;
}

/**
 * Resolves a password reference at connect time. The value is returned to the caller
 * only: it is never logged, stored in state, or put in an error message.
 * A Secrets Manager secret may hold the password itself or RDS's JSON
 * (`{"username": …, "password": …}`).
 */
export async function resolvePassword(
  ref: PasswordRef,
  field: string,
  secrets?: () => Promise<SecretsManagerClient>,
): Promise<string | undefined> {
  if (ref.passwordEnv) {
    const value = process.env[ref.passwordEnv];
    if (value === undefined) {
      throw new UsageError(`${field}.passwordEnv: the environment variable ${ref.passwordEnv} is not set.`, {
        hint: `Export it in the shell that runs promigrate (e.g. \`read -rs ${ref.passwordEnv} && export ${ref.passwordEnv}\`), or use ${field}.secretArn.`,
      });
    }
    return value;
  }
  if (ref.secretArn) {
    if (!secrets) throw new Error(`internal error: ${field}.secretArn needs an AWS client`);
    let text: string | undefined;
    try {
      text = (await (await secrets()).send(new GetSecretValueCommand({ SecretId: ref.secretArn }))).SecretString;
    } catch (err) {
      throw new UsageError(`${field}.secretArn: cannot read the secret ${ref.secretArn} (${describeFailure(err)}).`, {
        hint: 'Check the ARN, the region, and that your AWS identity may call secretsmanager:GetSecretValue on it.',
      });
    }
    if (text === undefined) {
      throw new UsageError(`${field}.secretArn: the secret ${ref.secretArn} has no string value.`, {
        hint: 'Store the password as the secret string, or as JSON with a "password" field.',
      });
    }
    return passwordFromSecretString(text);
  }
  return undefined;
}

export function passwordFromSecretString(text: string): string {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { password?: unknown };
      if (typeof parsed.password === 'string') return parsed.password;
    } catch {
      // Not JSON after all: the whole string is the password.
    }
  }
  return text;
}
