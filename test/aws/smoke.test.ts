import { CreateVpcCommand, DescribeVpcsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { expect, it } from 'vitest';
import { makeSandbox } from '../helpers/sandbox.js';
import { localSimulators } from './local-simulators.js';

it('smoke', async () => {
  const { clients } = await makeSandbox({ simulators: localSimulators });
  const ec2 = await clients.ec2;
  const out = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  console.log(out);
  const d = await ec2.send(new DescribeVpcsCommand({}));
  console.log(JSON.stringify(d, null, 1));
  const err = await ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })).catch((e) => e);
  console.log(err, err instanceof EC2ServiceException);
  expect(err.name).toBe('InvalidVpcID.NotFound');
});
