// A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it accepts, parsed by
// mailparser; it can be stopped and started again on the same port to play an outage.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface Received { to: string[]; raw: string; parsed: ParsedMail }

export interface SmtpSink {
  port: number;
  received: Received[];
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Starts it again if a test left it stopped. */
  ensureRunning(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: Received[] = [];
  let server: SMTPServer | undefined;
  let port = 0;
  const listen = () => new Promise<void>((resolve, reject) => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then((parsed) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          }, callback);
        });
      },
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server!.server.address() as AddressInfo).port;
      resolve();
    });
  });
  const stop = () => new Promise<void>((resolve) => { if (!server) resolve(); else server.close(() => { server = undefined; resolve(); }); });
  await listen();
  return { get port() { return port; }, received, stop, start: listen, ensureRunning: () => (server ? Promise.resolve() : listen()), close: stop };
}
