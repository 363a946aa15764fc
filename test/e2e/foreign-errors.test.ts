import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { foreignEndpoint, HTML_500, type ForeignEndpoint } from '../helpers/foreign-endpoint.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

// A step that makes AWS calls the way promigrate's own do (the sandbox harness's), run against
// an endpoint that is not AWS: a proxy answering every request with its HTML error page.
const STEPS = new URL('../fixtures/steps/sandbox-resources.js', import.meta.url).pathname;
const CONFIG = `project:
  name: foreign
aws:
  region: us-east-1
source:
  engine: postgres
  host: 10.0.0.5
  user: app
  databases: [shop]
  passwordEnv: SRC_PW
dns:
  hostedZone: example.com
  record: www.example.com
`;

let endpoint: ForeignEndpoint;
beforeAll(async () => {
  endpoint = await foreignEndpoint(HTML_500);
});
afterAll(async () => {
  await endpoint.close();
  removeTempDirs();
});

function run(args: string[]) {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'promigrate.yaml'), CONFIG);
  return runCli(['--endpoint-url', endpoint.url, ...args], {
    cwd,
    env: {
      PROMIGRATE_EXTRA_STEPS: STEPS,
      PROMIGRATE_BUILTIN_STEPS: 'none',
      SRC_PW: 'x',
      AWS_ACCESS_KEY_ID: 'AKIATESTTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_CONFIG_FILE: join(cwd, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(cwd, 'no-credentials'),
      AWS_PROFILE: undefined,
      // One attempt: the SDK's retry back-off would sleep on the wall clock.
      AWS_MAX_ATTEMPTS: '1',
    },
  });
}

describe('an AWS call answered by something that is not AWS', () => {
  it('the step failure names the call, the service and what came back; no stack, no "bug in promigrate"', async () => {
    const result = await run(['run', '--yes']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      `Step network failed: DescribeVpcs (EC2, us-east-1, endpoint ${endpoint.url}) failed: the response was not AWS XML (HTTP 500, text/html: "500 Internal Server Error")`,
    );
    expect(result.stderr).toContain(`Check that ${endpoint.url}`);
    expect(result.stderr).toContain('run `promigrate run --from network` to resume');
    expect(result.stderr).not.toMatch(/bug in promigrate|\n\s+at /);
  });

  it('destroy names each inventory it could not take, with the call and the answer, and exits 1', async () => {
    const result = await run(['destroy', '--yes']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      `could not list network.vpc (ec2:vpc), so what it made may still exist: DescribeVpcs (EC2, us-east-1, endpoint ${endpoint.url}) failed: the response was not AWS XML (HTTP 500, text/html: "500 Internal Server Error")`,
    );
    expect(result.stdout).toContain('run `promigrate destroy` again');
    expect(result.stderr).not.toMatch(/bug in promigrate|\n\s+at /);
  });

  it('--json carries the call as fields', async () => {
    const result = await run(['run', '--yes', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const doc = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(doc.error.aws).toEqual({ operation: 'DescribeVpcs', service: 'EC2', region: 'us-east-1', endpoint: endpoint.url, httpStatus: 500, kind: 'not-aws' });
  });
});
