// One structured log line per event: JSON on one line, so operators can grep and ship logs.
// Callers pass only what is safe to log (ids, routes, statuses, error codes), never request values.
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

// Writes {time, level, event, ...fields}; warnings and errors go to stderr so they can be separated.
export function logEvent(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}
