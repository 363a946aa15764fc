/**
 * What CreateLaunchTemplate and CreateLaunchTemplateVersion check up front (EC2 API reference;
 * EC2 user guide, "Restrictions for Amazon EC2 launch templates"): the name and id formats,
 * the supported LaunchTemplateData members, user data (base64, at most 16 KB raw), tags and
 * metadata options; what only fails at launch comes back as a Warning.
 */
import type { RequestLaunchTemplateData, ValidationError } from '@aws-sdk/client-ec2';
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { imageNameOf } from './images.js';
import { ec2Error, ec2State, invalidParameter, validateTags } from './store.js';

/** Error codes: EC2 API reference, "Error codes for the Amazon EC2 API". */
const NAME_RULE =
  "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: '-', '_', '.', '/', '(', and ')'.";

export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateName');
  }
  if (name.length < 3 || name.length > 128 || !/^[a-zA-Z0-9().\-/_]+$/.test(name)) {
    throw ec2Error('InvalidLaunchTemplateName.MalformedException', `The specified launch template name is invalid. ${NAME_RULE}`);
  }
  return name;
}

export function checkIdFormat(id: unknown): string {
  if (typeof id !== 'string' || !/^lt-[0-9a-f]{17}$/.test(id)) {
    throw ec2Error('InvalidLaunchTemplateId.Malformed', `The specified ID for the launch template (${String(id)}) is malformed. Ensure that you specify the launch template ID in the form lt-xxxxxxxxxxxxxxxxx.`);
  }
  return id;
}

/** What the sandbox can launch from; other LaunchTemplateData members are refused, not ignored. */
const SUPPORTED_DATA = new Set([
  'ImageId', 'InstanceType', 'KeyName', 'UserData', 'SecurityGroupIds', 'SecurityGroups', 'IamInstanceProfile',
  'BlockDeviceMappings', 'TagSpecifications', 'MetadataOptions', 'Monitoring', 'EbsOptimized', 'DisableApiTermination',
  'DisableApiStop', 'InstanceInitiatedShutdownBehavior', 'CreditSpecification', 'PrivateDnsNameOptions', 'MaintenanceOptions',
]);

/** Resource types LaunchTemplateData.TagSpecifications may name (LaunchTemplateTagSpecificationRequest). */
const LAUNCH_TAGGABLE = ['instance', 'volume', 'network-interface', 'spot-instances-request'];

/** User data: base64, at most 16 KB before encoding (EC2 User Guide, "Run commands at launch"). */
const USER_DATA_LIMIT = 16 * 1024;

export function checkData(data: RequestLaunchTemplateData | undefined): RequestLaunchTemplateData {
  if (!data || typeof data !== 'object') {
    throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  }
  for (const key of Object.keys(data)) {
    if ((data as Record<string, unknown>)[key] === undefined) continue;
    if (!SUPPORTED_DATA.has(key)) {
      throw new SimError('UnsupportedOperation', `The promigrate sandbox does not simulate LaunchTemplateData.${key}. Use a real AWS account for this launch template.`);
    }
  }
  if (data.UserData !== undefined) {
    const text = data.UserData;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw ec2Error('InvalidUserData.Malformed', 'Invalid BASE64 encoding of user data.');
    }
    if (Buffer.from(text, 'base64').length > USER_DATA_LIMIT) {
      throw ec2Error('InvalidUserData.Malformed', `User data is limited to ${USER_DATA_LIMIT} bytes`);
    }
  }
  for (const spec of data.TagSpecifications ?? []) {
    if (!LAUNCH_TAGGABLE.includes(spec.ResourceType ?? '')) {
      throw invalidParameter(`'${spec.ResourceType ?? ''}' is not a valid taggable resource type for this operation.`);
    }
    validateTags(spec.Tags);
  }
  const m = data.MetadataOptions;
  if (m) {
    if (m.HttpTokens !== undefined && !['optional', 'required'].includes(m.HttpTokens)) {
      throw invalidParameter(`The value '${m.HttpTokens}' for HttpTokens is not valid. Valid values are: optional, required.`);
    }
    if (m.HttpEndpoint !== undefined && !['enabled', 'disabled'].includes(m.HttpEndpoint)) {
      throw invalidParameter(`The value '${m.HttpEndpoint}' for HttpEndpoint is not valid. Valid values are: enabled, disabled.`);
    }
    if (m.HttpPutResponseHopLimit !== undefined && (m.HttpPutResponseHopLimit < 1 || m.HttpPutResponseHopLimit > 64)) {
      throw invalidParameter('The HttpPutResponseHopLimit must be between 1 and 64.');
    }
    if (m.InstanceMetadataTags !== undefined && !['enabled', 'disabled'].includes(m.InstanceMetadataTags)) {
      throw invalidParameter(`The value '${m.InstanceMetadataTags}' for InstanceMetadataTags is not valid. Valid values are: enabled, disabled.`);
    }
  }
  if (data.IamInstanceProfile?.Arn && data.IamInstanceProfile.Name) {
    throw ec2Error('InvalidParameterCombination', 'The parameter iamInstanceProfile.name cannot be used with the parameter iamInstanceProfile.arn');
  }
  if (data.SecurityGroupIds?.length && data.SecurityGroups?.length) {
    throw ec2Error('InvalidParameterCombination', 'The parameter groupName cannot be used with the parameter groupId');
  }
  for (const bdm of data.BlockDeviceMappings ?? []) {
    if (!bdm.DeviceName) throw ec2Error('MissingParameter', 'The request must contain the parameter BlockDeviceMapping.DeviceName');
    const size = bdm.Ebs?.VolumeSize;
    if (size !== undefined && (size < 1 || size > 65536)) throw invalidParameter(`Volume of ${size}GiB is not within the supported range.`);
  }
  return data;
}

/** ValidationWarning: what would fail at launch (unknown AMI, security group). */
export function warnings(ctx: SimContext, data: RequestLaunchTemplateData): ValidationError[] {
  const s = ec2State(ctx);
  const out: ValidationError[] = [];
  if (data.ImageId !== undefined && imageNameOf(ctx, data.ImageId) === undefined) {
    out.push({ Code: 'InvalidAMIID.NotFound', Message: `The image id '[${data.ImageId}]' does not exist` });
  }
  const missing = (data.SecurityGroupIds ?? []).filter((id) => !s.groups[id]);
  if (missing.length) out.push({ Code: 'InvalidGroup.NotFound', Message: `The security group '${missing.join(', ')}' does not exist` });
  return out;
}
