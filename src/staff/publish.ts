// The staff "Publish" job: one at a time per server process. Its progress lives in memory while it
// runs; its result goes to the append-only audit log, which is also where the page reads the last one.
import { logEvent } from '../log';
import { desc, inArray } from 'drizzle-orm';
import { schema, type Db } from '../../db/client';
import { DomainError } from '../domain/errors';
import { activateBuild, assertSwappable, buildSite, siteLayout, type BuildStage, type SiteLayout } from '../publish/site';
import { audit } from './audit';

export interface PublishRun {
  by: string;
  startedAt: Date;
  stage: BuildStage;
  /** Settles when the job has finished and its result is in the audit log (tests wait on it in-process). */
  finished: Promise<void>;
}

export const PUBLISH_DONE = 'site.publish.done';
export const PUBLISH_FAILED = 'site.publish.failed';

let running: PublishRun | null = null;

export const currentPublish = (): PublishRun | null => running;

// Starts the job in the background and returns at once: a build takes longer than a request should.
export function startPublish(db: Db, actor: string, ip: string | null, layout: SiteLayout = siteLayout()): PublishRun {
  if (running) {
    const since = running.startedAt.toISOString().slice(11, 19);
    throw new DomainError(409, 'publish_running',
      `Đang có một lần xuất bản chạy (do ${running.by} bắt đầu lúc ${since} UTC). Hãy chờ xong rồi thử lại.`,
      `A publish is already running (started by ${running.by} at ${since} UTC). Wait for it to finish, then try again.`);
  }
  assertSwappable(layout);
  const run: PublishRun = { by: actor, startedAt: new Date(), stage: 'dataset', finished: Promise.resolve() };
  running = run;
  run.finished = publish(db, run, layout, ip).finally(() => { running = null; });
  return run;
}

async function publish(db: Db, run: PublishRun, layout: SiteLayout, ip: string | null): Promise<void> {
  try {
    const build = await buildSite(db, layout, (stage) => { run.stage = stage; });
    run.stage = 'swap';
    await activateBuild(layout, build.id);
    const { entries, contributions, houses } = build.dataset;
    await audit(db, { actor: run.by, action: PUBLISH_DONE, outcome: 'ok', target: `build:${build.id}`, ip,
      details: { entries, contributions, houses, duration_ms: Date.now() - run.startedAt.getTime() } });
  } catch (error) {
    // The old site stays served; the reason is kept for the page and the audit log.
    const message = error instanceof Error ? error.message : String(error);
    logEvent('error', 'publish_failed', { stage: run.stage, error: error instanceof Error ? error.name : 'unknown' });
    await audit(db, { actor: run.by, action: PUBLISH_FAILED, outcome: 'refused', ip,
      details: { stage: run.stage, message: message.slice(-2000), duration_ms: Date.now() - run.startedAt.getTime() } }).catch(() => {});
  }
}

// The latest finished publish, done or failed, for the status on the page.
export async function lastPublish(db: Db) {
  const [row] = await db.select().from(schema.auditLog).where(inArray(schema.auditLog.action, [PUBLISH_DONE, PUBLISH_FAILED]))
    .orderBy(desc(schema.auditLog.id)).limit(1);
  return row;
}
