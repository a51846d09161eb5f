/**
 * The least a Node process per command can do against berth's daemon, as a reference for the
 * start-latency bench (bench/subjects.mjs builds it and runs it as the `node-client` row): read
 * where the daemon's embedded NATS listens, connect over TLS to its pinned certificate, send one
 * `container.list` request, print how many containers there are, close. No flags, no schema,
 * no ping, no subscription. It is bundled and run from V8's code cache by a copy of berth's
 * launcher (the same `#!` line and flags), so that what it costs beyond `node -e 0` is the
 * connection and one request, which every berth command pays at least.
 *
 *   BERTH_RUN_ROOT=DIR SSL_CERT_FILE=/dev/null node minimalClient.mjs
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { Packr } from 'msgpackr';

(async () => {
  const runRoot = process.env.BERTH_RUN_ROOT;
  const nats = JSON.parse(fs.readFileSync(path.join(runRoot, 'nats.json'), 'utf8'));
  const { host } = JSON.parse(fs.readFileSync(path.join(runRoot, 'berthd.json'), 'utf8'));
  const packr = new Packr({ useRecords: false, moreTypes: false });
  // The server's certificate is the only one trusted; its name is not checked (berth pins it likewise).
  const nc = await connect({ servers: nats.url, token: nats.token, tls: { ca: nats.certificate, checkServerIdentity: () => undefined } });
  const answer = await nc.request(`berth.cmd.${host}.container`, packr.pack({ id: randomUUID(), request: { op: 'container.list', all: false } }), { timeout: 10_000 });
  const reply = packr.unpack(answer.data);
  await nc.close();
  if (reply.ok !== true) throw new Error(`container.list: ${JSON.stringify(reply).slice(0, 300)}`);
  process.stdout.write(`${reply.result.length}\n`);
})().catch((error) => {
  process.stderr.write(`minimalClient: ${error.message}\n`);
  process.exitCode = 1;
});
