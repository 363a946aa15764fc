/**
 * Simulated AWS Systems Manager Parameter Store, read-only: the AWS public parameters for
 * the latest Amazon Linux AMIs (ssm/public-parameters.ts). The sandbox account holds no
 * parameters of its own, so every other name is ParameterNotFound, as in a fresh account.
 *
 * GetParameter, GetParameters and GetParametersByPath follow their API reference pages:
 * names or full ARNs, `name:version` selectors (ParameterVersionNotFound for another
 * version), GetParameters' 1–10 names with the unknown ones in InvalidParameters and the
 * found ones in alphabetical order, GetParametersByPath's MaxResults of 1–10.
 */
import { SimError } from '../errors.js';
import type { ServiceSimulator, SimContext } from '../types.js';
import { Constraints } from './model-constraints.js';
import { page } from './paging.js';
import { publicParameter, publicParametersUnder, type PublicParameter } from './ssm/public-parameters.js';

// GetParameter: ParameterNotFound carries no message.
const notFound = (): SimError => new SimError('ParameterNotFound', '');

/** `name`, `name:version`, `name:label`, or the same behind `arn:…:ssm:<region>:<account>:parameter`. */
function parseName(ctx: SimContext, raw: string): { name: string; selector?: string } {
  let rest = raw;
  const arn = /^arn:(aws|aws-cn|aws-us-gov):ssm:([a-z0-9-]+):(\d{12})?:parameter(\/.*)$/.exec(raw);
  if (arn) {
    if (arn[2] !== ctx.region) return { name: '' };
    rest = arn[4]!;
  }
  const i = rest.lastIndexOf(':');
  return i > 0 ? { name: rest.slice(0, i), selector: rest.slice(i) } : { name: rest };
}

/** The parameter a name (with its selector) stands for; undefined when there is none. */
function resolve(ctx: SimContext, raw: string): (PublicParameter & { Selector?: string }) | undefined {
  const { name, selector } = parseName(ctx, raw);
  const found = publicParameter(ctx, name);
  if (!found || selector === undefined) return found;
  const version = /^:(\d+)$/.exec(selector);
  // A label the parameter does not carry: no such parameter.
  if (!version) return undefined;
  if (Number(version[1]) !== found.Version) {
    throw new SimError('ParameterVersionNotFound', `Systems Manager could not find version ${version[1]} of ${name}. Verify the version and try again.`);
  }
  return { ...found, Selector: selector };
}

export const ssmSimulator: ServiceSimulator = {
  GetParameter(input, ctx) {
    const c = new Constraints();
    if (c.required('name', input.Name)) c.length('name', input.Name, 1, 2048);
    c.throwIfAny('ValidationException');
    const found = resolve(ctx, input.Name);
    if (!found) throw notFound();
    return { Parameter: found };
  },

  GetParameters(input, ctx) {
    const c = new Constraints();
    if (c.required('names', input.Names) && c.length('names', input.Names, 1, 10)) {
      (input.Names as string[]).forEach((n, i) => c.length(`names.${i + 1}.member`, n, 1, 2048));
    }
    c.throwIfAny('ValidationException');
    const names = [...new Set(input.Names as string[])];
    const found: PublicParameter[] = [];
    const invalid: string[] = [];
    for (const n of names) {
      const p = resolve(ctx, n);
      if (p) found.push(p);
      else invalid.push(n);
    }
    // "The results for GetParameters requests are listed in alphabetical order."
    found.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    return { Parameters: found, InvalidParameters: invalid };
  },

  GetParametersByPath(input, ctx) {
    const c = new Constraints();
    if (c.required('path', input.Path)) c.length('path', input.Path, 1, 2048);
    c.range('maxResults', input.MaxResults, 1, 10);
    c.throwIfAny('ValidationException');
    if (input.ParameterFilters?.length) {
      throw new SimError('UnsupportedOperation', 'The promigrate sandbox does not simulate ParameterFilters on GetParametersByPath.');
    }
    if (!String(input.Path).startsWith('/')) {
      throw new SimError('ValidationException', 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
    }
    const all = publicParametersUnder(ctx, input.Path, Boolean(input.Recursive));
    const { items, NextToken } = page(all, { MaxResults: input.MaxResults ?? 10, NextToken: input.NextToken }, { min: 1, max: 10, errorName: 'InvalidNextToken' });
    return { Parameters: items, ...(NextToken ? { NextToken } : {}) };
  },
};
