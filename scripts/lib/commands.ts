// The commands the server runs for callers over its admin channel (those that need the database).
import type { Command } from './cli';
import { command as backfillRecords } from '../backfill-records';
import { command as backup } from '../backup';
import { command as importBank } from '../import-bank';
import { command as migrate } from '../migrate';
import { command as publish } from '../publish';
import { command as report } from '../report';
import { command as seedDemo } from '../seed-demo';
import { command as staffAdd } from '../staff-add';
import { command as verifyLedger } from '../verify-ledger';
import { command as virtualAccounts } from '../virtual-accounts';

export const adminCommands = new Map<string, Command>(
  [backfillRecords, backup, importBank, migrate, publish, report, seedDemo, staffAdd, verifyLedger, virtualAccounts].map((command) => [command.name, command]),
);
