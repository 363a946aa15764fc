/**
 * A hosted zone in the sandbox, reached through the real Route 53 SDK client: batches are
 * applied with Route 53's validation rules (atomic, DELETE must match, no CNAME beside
 * other records, simple vs weighted…), and listings come back as ListResourceRecordSets
 * returns them.
 */
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ChangeBatch,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { DnsScope } from '../../../src/aws/route53/names.js';
import { makeSandbox } from '../../helpers/sandbox.js';

export interface TestZone {
  route53: Route53Client;
  zoneId: string;
  scope: (record?: string) => DnsScope;
  list(): Promise<ResourceRecordSet[]>;
  apply(batch: ChangeBatch | undefined): Promise<ResourceRecordSet[]>;
  clock: import('../../../src/clock.js').Clock;
  close(): Promise<void>;
}

export async function makeZone(name = 'example.com', records: ResourceRecordSet[] = []): Promise<TestZone> {
  const { sandbox, clients } = await makeSandbox();
  const route53 = await clients.route53;
  const created = await route53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `test-${name}` }));
  const zoneId = created.HostedZone!.Id!.replace('/hostedzone/', '');
  const list = async () => (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];
  const apply = async (batch: ChangeBatch | undefined) => {
    if (batch) await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: batch }));
    return list();
  };
  if (records.length) await apply({ Changes: records.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })) });
  return {
    route53,
    zoneId,
    scope: (record = `www.${name}`) => ({ zoneId, zoneName: `${name}.`, record }),
    list,
    apply,
    clock: sandbox.clock,
    close: async () => {
      clients.destroy();
      await sandbox.close();
    },
  };
}

export const a = (name: string, ip: string, ttl = 3600): ResourceRecordSet => ({ Name: name, Type: 'A', TTL: ttl, ResourceRecords: [{ Value: ip }] });
export const aaaa = (name: string, ip: string, ttl = 3600): ResourceRecordSet => ({ Name: name, Type: 'AAAA', TTL: ttl, ResourceRecords: [{ Value: ip }] });
export const cname = (name: string, host: string, ttl = 3600): ResourceRecordSet => ({ Name: name, Type: 'CNAME', TTL: ttl, ResourceRecords: [{ Value: host }] });
export const txt = (name: string, text: string): ResourceRecordSet => ({ Name: name, Type: 'TXT', TTL: 300, ResourceRecords: [{ Value: `"${text}"` }] });

/** Only the name's address record sets, as JSON (what "byte for byte" compares). */
export const addressJson = (sets: ResourceRecordSet[], name = 'www.example.com.') =>
  JSON.stringify(sets.filter((r) => r.Name === name && ['A', 'AAAA', 'CNAME'].includes(r.Type!)));
