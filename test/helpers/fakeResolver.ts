/**
 * A fake upstream resolver in a namespace of the test (the "outside world"): UDP port 53 on its
 * address, A records from a table, NXDOMAIN for the rest, and every name it was asked logged,
 * so that a test sees which queries left the engine's namespace, and none leaves the machine.
 */
import { spawn } from 'node:child_process';
import { until } from './engine.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

const MESSAGE = new URL('../../runtime/network/dns/message.js', import.meta.url).href;

export interface FakeResolver {
  /** The names asked so far, lower case. */
  asked(): string[];
}

export async function startFakeResolver(t: Teardown, namespace: string, address: string, records: Record<string, string>): Promise<FakeResolver> {
  const code = `
    import dgram from 'node:dgram';
    import { parseQuery, buildResponse, RCODE, TYPE_A } from ${JSON.stringify(MESSAGE)};
    const records = ${JSON.stringify(records)};
    const socket = dgram.createSocket('udp4');
    socket.on('message', (packet, remote) => {
      const question = parseQuery(packet);
      if (!question) return;
      console.log('asked ' + question.name);
      const address = records[question.name];
      const reply = address ? buildResponse(question, RCODE.noError, question.type === TYPE_A ? [{ type: TYPE_A, address }] : [])
        : buildResponse(question, RCODE.nameError);
      socket.send(reply, remote.port, remote.address);
    });
    socket.bind(53, ${JSON.stringify(address)}, () => console.log('ready'));`;
  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { child.kill('SIGKILL'); });
  let output = '';
  child.stdout.on('data', (data: Buffer) => { output += data.toString(); });
  await until('the fake resolver', async () => output.includes('ready'));
  return { asked: () => [...output.matchAll(/^asked (.*)$/gm)].map((match) => match[1]) };
}
