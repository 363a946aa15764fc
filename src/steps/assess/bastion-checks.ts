/**
 * With network.bastion: the image provision will launch must ship the EC2 Instance Connect
 * agent, or promigrate's tunnel to the private RDS instance (schema phases, cutover
 * positions, verify) would be refused — found here, before anything is created.
 */
import type { AwsClients } from '../../aws/clients.js';
import { BASTION_AMI_NAME, latestBastionImage, shipsInstanceConnect } from '../../aws/bastion-image.js';
import type { MigrationConfig } from '../../config/schema.js';
import { isPromigrateError } from '../../errors.js';
import { targetRoute } from '../../tunnel/target-route.js';
import type { Finding } from './finding.js';

export async function checkBastionImage(aws: AwsClients, config: MigrationConfig, add: (f: Finding) => void): Promise<void> {
  if (!config.network.bastion) return;
  const tunnel = targetRoute(config).kind === 'bastion';
  try {
    const image = await latestBastionImage(await aws.ec2, aws.region);
    const agent = shipsInstanceConnect(image.Name);
    add({
      id: 'aws.bastion-image',
      severity: agent || !tunnel ? 'info' : 'blocker',
      object: `region ${aws.region}`,
      title: agent ? 'Bastion image ships EC2 Instance Connect' : 'Bastion image without EC2 Instance Connect',
      evidence: `${image.Name} (${image.ImageId}, Amazon)${agent ? ': the standard Amazon Linux 2023 image, EC2 Instance Connect pre-installed' : ''}`,
      fix: agent ? 'Nothing to do.' : 'Choose a region where the standard Amazon Linux 2023 image is offered, or set target.connectVia to your own tunnel.',
    });
  } catch (err) {
    if (!isPromigrateError(err)) throw err;
    add({
      id: 'aws.bastion-image', severity: 'blocker', object: `region ${aws.region}`, title: 'No bastion image',
      evidence: `no available ${BASTION_AMI_NAME} image owned by Amazon in ${aws.region}`,
      fix: 'Choose another aws.region, or set network.bastion to false (and target.connectVia to your own tunnel or direct).',
    });
  }
}
