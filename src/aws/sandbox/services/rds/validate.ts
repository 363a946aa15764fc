/** CreateDBInstance / ModifyDBInstance argument checks, with RDS's messages. */
import { ENGINE_DEFAULT, INSTANCE_CLASSES, LICENSE_MODEL, MAJORS, type RdsEngine } from './catalog.js';
import { rdsErrors } from './state.js';

export const STORAGE_TYPES_ALL = ['gp2', 'gp3', 'io1', 'io2', 'standard'];

export function resolveVersion(engine: RdsEngine, requested: string | undefined): string {
  const v = requested ?? ENGINE_DEFAULT[engine];
  const major = MAJORS.find((m) => m.engine === engine && (m.versions.includes(v) || m.major === v));
  if (!major) throw rdsErrors.combination(`Cannot find version ${v} for ${engine}`);
  return major.versions.includes(v) ? v : major.default;
}

export function checkClass(cls: unknown, engine: RdsEngine, version: string): void {
  if (typeof cls !== 'string' || !cls) {
    throw rdsErrors.value('The parameter DBInstanceClass must be provided and must not be blank.');
  }
  if (!INSTANCE_CLASSES.includes(cls)) {
    throw rdsErrors.combination(
      `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${cls}, ` +
        `Engine=${engine}, EngineVersion=${version}, LicenseModel=${LICENSE_MODEL[engine]}. ` +
        'For supported combinations of instance class and database engine version, see the documentation.',
    );
  }
}

export function checkPassword(engine: RdsEngine, password: string): void {
  const max = engine === 'postgres' ? 128 : 41;
  if (password.length < 8) {
    throw rdsErrors.value('The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.');
  }
  if (password.length > max || /[/@"\s]/.test(password) || /[^\x21-\x7e]/.test(password)) {
    throw rdsErrors.value(
      `The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '"', ' ' may be used.`,
    );
  }
}
