// Publishing as gifts arrive: a confirmation (the bank feed's) asks for a publish; requests within a
// few seconds share one, one runs at a time, and a request during a run starts another after it, so a
// gift is on its house and ledger pages one publish after its notification, with no site build.
import type { Db } from '../../db/client';
import { logEvent } from '../log';
import { currentPublish } from '../staff/publish';
import { activateBuild, currentBuild, refreshSite, siteLayout, type SiteLayout } from './site';

// Waits this long after a request so a burst of notifications becomes one publish.
export const LIVE_PUBLISH_DELAY_MS = Number(process.env.LIVE_PUBLISH_DELAY_MS ?? 3000);

let timer: NodeJS.Timeout | null = null;
let running = false;
let again = false;
let pending: { promise: Promise<void>; settle: () => void } | null = null;

// Asks for a publish soon; a no-op where the site cannot be swapped (a server not started by npm start).
export function requestLivePublish(db: Db, layout: SiteLayout = siteLayout(), delayMs = LIVE_PUBLISH_DELAY_MS): void {
  if (currentBuild(layout) === null) return;
  if (!pending) {
    let settle = () => {};
    const promise = new Promise<void>((done) => { settle = done; });
    pending = { promise, settle };
  }
  if (running) {
    again = true;
    return;
  }
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    running = true;
    void run(db, layout).finally(() => {
      running = false;
      if (again) {
        again = false;
        requestLivePublish(db, layout, delayMs);
        return;
      }
      pending?.settle();
      pending = null;
    });
  }, delayMs);
}

// Resolves once every requested publish has run (the benchmark and tests wait on it).
export const livePublishIdle = (): Promise<void> => pending?.promise ?? Promise.resolve();

async function run(db: Db, layout: SiteLayout): Promise<void> {
  const started = Date.now();
  try {
    // A staff full build swaps in a site from its own, earlier snapshot: publish after it, never under it.
    await currentPublish()?.finished;
    const build = await refreshSite(db, layout);
    await activateBuild(layout, build.id);
    logEvent('info', 'site.live_publish', { entries: build.dataset.entries, changed: build.dataset.changes.changed.length, elapsed_ms: Date.now() - started });
  } catch (error) {
    // The site keeps the last publish; the next confirmation asks again.
    logEvent('error', 'site.live_publish_failed', { error: error instanceof Error ? error.name : 'unknown', code: (error as NodeJS.ErrnoException | undefined)?.code, elapsed_ms: Date.now() - started });
  }
}
