/**
 * How an Auto Scaling group launches an instance from its launch template: the template and
 * version are resolved at launch time ($Default, $Latest or a number), the instance is a real
 * EC2 instance of the sandbox (RunInstances with the template's AMI, type, key, security groups
 * and metadata options, in the chosen subnet), tagged with the group's PropagateAtLaunch tags —
 * which override launch template tags of the same key (Auto Scaling User Guide, "Tag Auto
 * Scaling groups and instances") — and `aws:autoscaling:groupName`, `aws:ec2launchtemplate:id`,
 * `aws:ec2launchtemplate:version`.
 *
 * CreateAutoScalingGroup and UpdateAutoScalingGroup check the template as a launch would
 * ("You must use a valid fully-formed launch template. …"); a launch that still fails later (the
 * template was deleted, the account's instance limit) becomes a failed scaling activity, as in AWS.
 */
import type { LaunchTemplateSpecification } from '@aws-sdk/client-auto-scaling';
import type { RequestLaunchTemplateData, RunInstancesRequest } from '@aws-sdk/client-ec2';
import { SimError } from '../../errors.js';
import type { SimContext } from '../../types.js';
import { findSecurityGroup } from '../ec2.js';
import { imageNameOf } from '../ec2/images.js';
import { instanceOperations } from '../ec2/instances.js';
import { findLaunchTemplate } from '../ec2/launch-templates.js';
import { ec2State } from '../ec2/store.js';
import { validation, type AsgInstanceRec, type GroupRec } from './state.js';

const FULLY_FORMED = 'You must use a valid fully-formed launch template.';

/** The group's LaunchTemplate as given: exactly one of id and name; Version $Latest, $Default or a number. */
export function checkTemplateSpec(ctx: SimContext, spec: LaunchTemplateSpecification): GroupRec['launchTemplate'] {
  if (!!spec.LaunchTemplateId === !!spec.LaunchTemplateName) {
    throw validation(`${FULLY_FORMED} Valid requests must contain either launchTemplateId or launchTemplateName.`);
  }
  const version = spec.Version ?? '$Default';
  if (!['$Latest', '$Default'].includes(version) && !/^[1-9]\d*$/.test(version)) {
    throw validation(`${FULLY_FORMED} The launch template version '${version}' is not valid. Specify $Latest, $Default or a version number.`);
  }
  const lt = findLaunchTemplate(ctx, { ...(spec.LaunchTemplateId ? { id: spec.LaunchTemplateId } : { name: spec.LaunchTemplateName! }) });
  if (!lt) throw validation(`${FULLY_FORMED} ${missingTemplate(spec.LaunchTemplateId, spec.LaunchTemplateName)}`);
  return { id: lt.id, name: lt.name, version };
}

const missingTemplate = (id: string | undefined, name: string | undefined): string =>
  id ? `The specified launch template, with template ID ${id}, does not exist.` : `The specified launch template, with template name ${name}, does not exist.`;

interface Resolved {
  id: string;
  name: string;
  version: number;
  data: RequestLaunchTemplateData;
  groupIds: string[];
}

/** The template version a launch uses now and its security groups, or why the launch fails. */
export function resolveLaunch(ctx: SimContext, g: Pick<GroupRec, 'launchTemplate' | 'vpcId'>): Resolved | string {
  const lt = findLaunchTemplate(ctx, { id: g.launchTemplate.id });
  if (!lt) return missingTemplate(g.launchTemplate.id, undefined);
  const v = lt.version(g.launchTemplate.version);
  if (!v) return `The specified launch template, with template ID ${lt.id}, version ${g.launchTemplate.version}, does not exist.`;
  const data = v.data;
  if (!data.ImageId) return 'The request must contain the parameter ImageId';
  if (imageNameOf(ctx, data.ImageId) === undefined) return `The image id '[${data.ImageId}]' does not exist`;
  const groupIds: string[] = [];
  for (const id of data.SecurityGroupIds ?? []) {
    const sg = findSecurityGroup(ctx, id);
    if (!sg) return `The security group '${id}' does not exist`;
    if (sg.vpcId !== g.vpcId) return `Security group ${id} and the group's subnets belong to different networks.`;
    groupIds.push(id);
  }
  for (const name of data.SecurityGroups ?? []) {
    const sg = Object.values(ec2State(ctx).groups).find((x) => x.vpcId === g.vpcId && x.name === name);
    if (!sg) return `The security group '${name}' does not exist in VPC '${g.vpcId}'`;
    groupIds.push(sg.id);
  }
  return { id: lt.id, name: lt.name, version: v.number, data, groupIds };
}

/** CreateAutoScalingGroup / UpdateAutoScalingGroup: refuse a template no launch could use. */
export function checkLaunchable(ctx: SimContext, g: Pick<GroupRec, 'launchTemplate' | 'vpcId'>): void {
  const resolved = resolveLaunch(ctx, g);
  if (typeof resolved === 'string') throw validation(`${FULLY_FORMED} ${resolved}`);
}

/** Launches one instance of the group into `subnetId`: the record, or the failure message. */
export function launchInstance(ctx: SimContext, g: GroupRec, subnet: { subnetId: string; az: string }): AsgInstanceRec | string {
  const resolved = resolveLaunch(ctx, g);
  if (typeof resolved === 'string') return resolved;
  const { data } = resolved;
  const tags = new Map<string, string>();
  for (const spec of data.TagSpecifications ?? []) {
    if (spec.ResourceType === 'instance') for (const t of spec.Tags ?? []) tags.set(t.Key!, t.Value ?? '');
  }
  for (const t of g.tags) if (t.PropagateAtLaunch) tags.set(t.Key, t.Value);
  const request: RunInstancesRequest = {
    ImageId: data.ImageId!,
    ...(data.InstanceType ? { InstanceType: data.InstanceType } : {}),
    ...(data.KeyName ? { KeyName: data.KeyName } : {}),
    ...(resolved.groupIds.length ? { SecurityGroupIds: resolved.groupIds } : {}),
    ...(data.MetadataOptions ? { MetadataOptions: data.MetadataOptions as RunInstancesRequest['MetadataOptions'] } : {}),
    SubnetId: subnet.subnetId,
    MinCount: 1,
    MaxCount: 1,
    ...(tags.size ? { TagSpecifications: [{ ResourceType: 'instance', Tags: [...tags].map(([Key, Value]) => ({ Key, Value })) }] } : {}),
  };
  let instanceId: string;
  let instanceType: string;
  try {
    const reservation = instanceOperations.RunInstances!(request, ctx) as { Instances: Array<{ InstanceId: string; InstanceType: string }> };
    instanceId = reservation.Instances[0]!.InstanceId;
    instanceType = reservation.Instances[0]!.InstanceType;
  } catch (err) {
    if (err instanceof SimError) return err.message;
    throw err;
  }
  // Tags only AWS may set (RunInstances refuses aws: keys from callers).
  const s = ec2State(ctx);
  Object.assign((s.tags[instanceId] ??= {}), {
    'aws:autoscaling:groupName': g.name,
    'aws:ec2launchtemplate:id': resolved.id,
    'aws:ec2launchtemplate:version': String(resolved.version),
  });
  return {
    id: instanceId,
    az: subnet.az,
    subnetId: subnet.subnetId,
    instanceType,
    imageId: data.ImageId!,
    launchTemplate: { id: resolved.id, name: resolved.name, version: String(resolved.version) },
    launchedAt: ctx.now(),
    protectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
  };
}
