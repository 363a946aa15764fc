import { SimError } from '../errors.js';

/**
 * MaxResults/NextToken paging over an already filtered list. Tokens are opaque to callers,
 * as in AWS; a token from another listing or a changed filter is rejected.
 */
export function page<T>(
  items: T[],
  input: { MaxResults?: number; NextToken?: string },
  opts: { min?: number; max?: number; errorName?: string } = {},
): { items: T[]; NextToken?: string } {
  const errorName = opts.errorName ?? 'InvalidParameterValue';
  let start = 0;
  if (input.NextToken !== undefined && input.NextToken !== '') {
    const decoded = /^pm1:(\d+)$/.exec(Buffer.from(input.NextToken, 'base64').toString('utf8'));
    if (!decoded) throw new SimError(errorName, `The token '${input.NextToken}' is invalid.`);
    start = Number(decoded[1]);
  }
  if (input.MaxResults === undefined) return { items: items.slice(start) };
  const min = opts.min ?? 5;
  const max = opts.max ?? 1000;
  if (input.MaxResults < min || input.MaxResults > max) {
    throw new SimError(errorName, `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`);
  }
  const end = start + input.MaxResults;
  const result: { items: T[]; NextToken?: string } = { items: items.slice(start, end) };
  if (end < items.length) result.NextToken = Buffer.from(`pm1:${end}`).toString('base64');
  return result;
}
