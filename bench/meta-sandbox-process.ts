/** The Meta sandbox in its own process, so the sync bench's memory figure is Plexus's alone. */
import { sandbox } from '../src/providers/meta/sandbox.ts';

const history = process.env.SANDBOX_HISTORY_DAYS ? { historyDays: Number(process.env.SANDBOX_HISTORY_DAYS) } : {};
const sb = await sandbox.start({ seed: 7, size: Number(process.env.SANDBOX_SIZE ?? 1_000_000), ...history });
const token = sb.mintToken({ ttlSeconds: null });
process.stdout.write(`${JSON.stringify({ url: sb.url, appId: sb.appId, appSecret: sb.appSecret, userId: sb.userId, token, counts: sb.counts() })}\n`);
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
