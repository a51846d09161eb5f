/**
 * Prints a JetStream stream's info as JSON: `node streamInfo.js URLS CREDS STREAM`. The
 * cluster helper runs it inside a host's network namespace to check what JetStream holds, once
 * the stream has a leader.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../../nats/server/connect.js';
import { untilAnswered } from '../../nats/server/untilAnswered.js';

const [url, credsFile, stream] = process.argv.slice(2);
const nc = await connectNats({ url, credsFile, inboxPrefix: process.env.INBOX_PREFIX, caFile: process.env.BERTH_NATS_CA }, 'test-stream-info', { reconnect: false });
try {
  // Right after a node loss the info can time out, or name no leader while one is elected.
  const info = await untilAnswered(`${stream} info`, async () => {
    const read = await (await jetstreamManager(nc)).streams.info(stream);
    if (read.cluster && !read.cluster.leader) throw new Error('no leader yet');
    return read;
  }, 30_000);
  process.stdout.write(`${JSON.stringify({ config: info.config, cluster: info.cluster, state: info.state })}\n`);
} finally {
  await nc.close();
}
