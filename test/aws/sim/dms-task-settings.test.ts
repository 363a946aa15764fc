/**
 * The sandbox refuses ReplicationTaskSettings that DMS refuses, per the DMS user guide
 * "Specifying task settings for AWS Database Migration Service tasks" and its subpages
 * ("Target metadata task settings", "Full-load task settings", "Logging task settings",
 * "Error handling task settings", "Data validation task settings"), and accepts every
 * document promigrate builds from templates/dms/task-settings.v2.json.
 */
import { describe, expect, it } from 'vitest';
import { dmsSimulator as dms } from '../../../src/aws/sandbox/services/dms.js';
import { buildTaskSettings } from '../../../src/steps/sync/settings.js';
import { config } from '../../unit/sync/mapping-fixtures.js';
import { createTask, setup } from './dms-env.js';
import { MIN, expectSimError } from './helpers.js';

const settings = (doc: unknown) => ({ ReplicationTaskSettings: JSON.stringify(doc) });
const refused = (doc: unknown, message: string) => {
  const env = setup();
  expectSimError(() => createTask(env, settings(doc)), 'InvalidParameterValueException', `Invalid task settings: ${message}`);
};

describe('DMS ReplicationTaskSettings validation', () => {
  it('refuses an unknown section and an unknown key, naming it', () => {
    refused({ FullLoadSetting: { MaxFullLoadSubTasks: 8 } }, 'Unknown task settings section FullLoadSetting.');
    refused({ FullLoadSettings: { MaxFullLoadSubTask: 8 } }, 'Unknown task setting FullLoadSettings.MaxFullLoadSubTask.');
  });

  it('refuses out-of-range values ("Full-load task settings": MaxFullLoadSubTasks at most 49; "Target metadata": InlineLobMaxSize at most 102400)', () => {
    refused({ FullLoadSettings: { MaxFullLoadSubTasks: 50 } }, 'Invalid value 50 for FullLoadSettings.MaxFullLoadSubTasks: must be at most 49.');
    refused({ FullLoadSettings: { MaxFullLoadSubTasks: 0 } }, 'Invalid value 0 for FullLoadSettings.MaxFullLoadSubTasks: must be at least 1.');
    refused({ TargetMetadata: { InlineLobMaxSize: 102_401 } }, 'Invalid value 102401 for TargetMetadata.InlineLobMaxSize: must be at most 102400.');
  });

  it('refuses wrongly typed values and values outside an enumeration ("Logging", "Error handling")', () => {
    refused({ TargetMetadata: { SupportLobs: 'true' } }, 'Invalid value "true" for TargetMetadata.SupportLobs: expected a boolean.');
    refused({ FullLoadSettings: { CommitRate: 1.5 } }, 'Invalid value 1.5 for FullLoadSettings.CommitRate: expected an integer.');
    const env = setup();
    expectSimError(() => createTask(env, settings({ Logging: { LogComponents: [{ Id: 'SOURCE_UNLOAD', Severity: 'LOUD' }] } })), 'InvalidParameterValueException',
      /^Invalid task settings: Invalid value "LOUD" for Logging\.LogComponents\.Severity: must be one of LOGGER_SEVERITY_ERROR, /);
  });

  it('refuses on ModifyReplicationTask too, and leaves the task as it was', () => {
    const env = setup();
    const t = createTask(env);
    env.sim.advance(MIN);
    expectSimError(() => env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: t.ReplicationTaskArn, ...settings({ ErrorBehavior: { TableErrorEscalationPolicy: 'SUSPEND_TABLE' } }) }),
      'InvalidParameterValueException', 'Invalid task settings: Invalid value "SUSPEND_TABLE" for ErrorBehavior.TableErrorEscalationPolicy: must be one of STOP_TASK.');
    const stored = env.sim.call(dms, 'DescribeReplicationTasks', { Filters: [{ Name: 'replication-task-arn', Values: [t.ReplicationTaskArn] }] }).ReplicationTasks[0];
    expect(JSON.parse(stored.ReplicationTaskSettings).ErrorBehavior.TableErrorEscalationPolicy).toBeUndefined();
  });

  it('accepts what DMS returns (a task\'s stored settings sent back) and every document promigrate builds', () => {
    const env = setup();
    const t = createTask(env);
    env.sim.advance(MIN);
    const stored = JSON.parse(t.ReplicationTaskSettings);
    delete stored.Logging.CloudWatchLogGroup;
    delete stored.Logging.CloudWatchLogStream;
    env.sim.call(dms, 'ModifyReplicationTask', { ReplicationTaskArn: t.ReplicationTaskArn, ...settings(stored) });
    for (const lobMode of ['limited', 'inline', 'full'] as const) {
      for (const migrationType of ['full-load', 'full-load-and-cdc'] as const) {
        const built = buildTaskSettings(config({ lobMode, migrationType, validation: lobMode !== 'full' }));
        const e = setup();
        expect(createTask(e, { MigrationType: migrationType, ReplicationTaskSettings: built.json }).Status).toBe('creating');
      }
    }
  });
});
