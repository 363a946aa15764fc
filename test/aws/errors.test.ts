import { DBInstanceNotFoundFault } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { errorName, isAwsError, isNotFound, isRetryable, isThrottling, isTransient, unlessNotFound } from '../../src/aws/errors.js';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('AWS error predicates', () => {
  it('errorName: the name of anything that has one, else empty', () => {
    expect(errorName(named('InvalidVpcID.NotFound'))).toBe('InvalidVpcID.NotFound');
    expect(errorName({ name: 'Throttling' })).toBe('Throttling');
    expect(errorName(undefined)).toBe('');
    expect(errorName('boom')).toBe('');
  });

  it('isAwsError: a modelled Fault matches its wire code and the other way round', () => {
    const modelled = new DBInstanceNotFoundFault({ message: 'gone', $metadata: {} });
    expect(isAwsError(modelled, 'DBInstanceNotFoundFault')).toBe(true);
    expect(isAwsError(modelled, 'DBInstanceNotFound')).toBe(true);
    expect(isAwsError(named('DBInstanceNotFound'), 'DBInstanceNotFoundFault')).toBe(true);
    expect(isAwsError(named('InvalidGroup.Duplicate'), 'InvalidGroup.Duplicate')).toBe(true);
    expect(isAwsError(named('DBSubnetGroupNotFoundFault'), 'DBInstanceNotFoundFault')).toBe(false);
    expect(isAwsError(null, 'X')).toBe(false);
  });

  it('isNotFound: the named codes when given, else any NotFound name', async () => {
    expect(isNotFound(named('InvalidVpcID.NotFound'))).toBe(true);
    expect(isNotFound(named('NatGatewayNotFound'))).toBe(true);
    expect(isNotFound(named('DBSubnetGroupNotFoundFault'), 'DBInstanceNotFoundFault')).toBe(false);
    await expect(unlessNotFound(() => Promise.reject(named('ResourceNotFoundFault')), 'ResourceNotFoundFault')).resolves.toBeUndefined();
    await expect(unlessNotFound(() => Promise.reject(named('AccessDenied')))).rejects.toThrow('AccessDenied');
    await expect(unlessNotFound(async () => 42)).resolves.toBe(42);
  });

  it('isThrottling: the SDK’s list, HTTP 429 and $retryable.throttling', () => {
    for (const name of ['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'PriorRequestNotComplete', 'TooManyRequestsException']) {
      expect(isThrottling(named(name))).toBe(true);
    }
    expect(isThrottling(named('Whatever', { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottling(named('SimThrottled', { $retryable: { throttling: true } }))).toBe(true);
    expect(isThrottling(new Error('Throttling'))).toBe(false);
    expect(isThrottling(named('InvalidChangeBatch'))).toBe(false);
  });

  it('isTransient and isRetryable: timeouts, 5xx and network failures are worth another poll; client errors are not', () => {
    expect(isTransient(named('TimeoutError'))).toBe(true);
    expect(isTransient(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(named('InternalFailure', { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(named('InternalFailure', { $metadata: { httpStatusCode: 501 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('dns'), { code: 'EAI_AGAIN' }))).toBe(true);
    expect(isRetryable(named('Throttling'))).toBe(true);
    expect(isRetryable(named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
