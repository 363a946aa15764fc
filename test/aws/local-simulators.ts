/** The simulators this suite owns; the others (RDS, DMS, Route 53) are tested on their own. */
import { ec2Simulator } from '../../src/aws/sandbox/services/ec2.js';
import { secretsManagerSimulator } from '../../src/aws/sandbox/services/secretsmanager.js';
import { stsSimulator } from '../../src/aws/sandbox/services/sts.js';

export const localSimulators = { ec2: ec2Simulator, sts: stsSimulator, secretsmanager: secretsManagerSimulator };
