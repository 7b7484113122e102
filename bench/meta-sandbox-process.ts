/** The Meta sandbox in its own process, so the sync bench's memory figure is Plexus's alone. */
import { sandbox, type MetaSandboxOptions } from '../src/providers/meta/sandbox.ts';

const history = process.env.SANDBOX_HISTORY_DAYS ? { historyDays: Number(process.env.SANDBOX_HISTORY_DAYS) } : {};
const opts: MetaSandboxOptions = {
  seed: 7,
  size: Number(process.env.SANDBOX_SIZE ?? 1_000_000),
  asyncReportMs: Number(process.env.SANDBOX_ASYNC_REPORT_MS ?? 0),
  ...history,
};
const sb = await sandbox.start(opts);
const token = sb.mintToken({ ttlSeconds: null });
process.stdout.write(
  `${JSON.stringify({ url: sb.url, appId: sb.appId, appSecret: sb.appSecret, userId: sb.userId, token, counts: sb.counts() })}\n`,
);
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
