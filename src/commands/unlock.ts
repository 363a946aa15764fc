import type { CommandHandler } from './spec.js';
import { isAlive, readLock, removeLock } from '../state/lock.js';
import { hostname } from 'node:os';

const unlock: CommandHandler = async ({ globals, io }) => {
  const held = await readLock(globals.stateDir);
  if (!held) {
    io.result({ removed: null }, () => `No lock in ${globals.stateDir}; nothing to do.`);
    return;
  }
  if (held.host === hostname() && isAlive(held.pid)) {
    const ok = await io.ask({
      kind: 'confirm',
      code: 'unlock.alive',
      message: `pid ${held.pid} (${held.command}) is still running and holds the lock. Remove the lock anyway?`,
      default: false,
    });
    if (!ok) {
      io.result({ removed: null }, () => 'Lock left in place.');
      return;
    }
  }
  const removed = await removeLock(globals.stateDir);
  io.result({ removed }, () =>
    removed ? `Removed the lock held by pid ${removed.pid} on ${removed.host} (${removed.command}, since ${removed.acquiredAt}).` : 'No lock to remove.',
  );
};

export default unlock;
