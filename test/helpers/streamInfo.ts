/**
 * Prints a JetStream stream's info as JSON: `node streamInfo.js URLS CREDS STREAM`. The
 * cluster helper runs it inside a host's network namespace to check what JetStream holds.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../../runtime/nats/connect.js';

const [url, credsFile, stream] = process.argv.slice(2);
const nc = await connectNats({ url, credsFile, inboxPrefix: process.env.INBOX_PREFIX, caFile: process.env.BERTH_NATS_CA }, 'test-stream-info', { reconnect: false });
try {
  const info = await (await jetstreamManager(nc)).streams.info(stream);
  process.stdout.write(`${JSON.stringify({ config: info.config, cluster: info.cluster, state: info.state })}\n`);
} finally {
  await nc.close();
}
