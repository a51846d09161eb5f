/**
 * Drives a command through a real pseudo-terminal (python3's pty module): the command's stdin,
 * stdout and stderr are the slave, as in an interactive shell. A session is a list of steps:
 * send bytes, wait for a regular expression in the output, set the window size (the kernel
 * sends the command SIGWINCH), wait until the command has put the terminal in raw mode, or wait
 * for the exit. Resolves with the transcript and the code.
 */
import { spawn } from 'node:child_process';

export type PtyStep =
  | { send: string }
  | { expect: string; timeoutMs?: number }
  | { resize: [rows: number, cols: number] }
  | { sleepMs: number }
  /** until the command has put the terminal in raw mode (ECHO off): typing before that is echoed here */
  | { raw: true; timeoutMs?: number };

export interface PtyResult {
  /** the exit code, or null when it did not exit in time (it was then killed) */
  code: number | null;
  transcript: string;
  /** the step that failed, if any */
  failed: string | null;
}

const DRIVER = String.raw`
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time
req = json.loads(sys.stdin.read())
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
    os.environ.update(req['env'])
    os.execvp(req['argv'][0], req['argv'])
out = b''
failed = None
def pump(t):
    global out
    r, _, _ = select.select([fd], [], [], t)
    if r:
        try:
            d = os.read(fd, 4096)
        except OSError:
            d = b''
        if not d:
            return False
        out += d
    return True
alive = True
for step in req['steps']:
    if 'send' in step:
        os.write(fd, step['send'].encode())
    elif 'resize' in step:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', step['resize'][0], step['resize'][1], 0, 0))
    elif 'raw' in step:
        end = time.time() + step.get('timeoutMs', 15000) / 1000
        while termios.tcgetattr(fd)[3] & termios.ECHO and alive and time.time() < end:
            alive = pump(0.05)
        if termios.tcgetattr(fd)[3] & termios.ECHO:
            failed = 'raw mode'
            break
    elif 'sleepMs' in step:
        end = time.time() + step['sleepMs'] / 1000
        while alive and time.time() < end:
            alive = pump(end - time.time())
    elif 'expect' in step:
        start = len(out)
        end = time.time() + step.get('timeoutMs', 15000) / 1000
        rx = re.compile(step['expect'].encode())
        while not rx.search(out, start) and alive and time.time() < end:
            alive = pump(min(0.1, max(0, end - time.time())))
        if not rx.search(out, start):
            failed = 'expect ' + step['expect']
            break
code = None
end = time.time() + req['exitTimeoutMs'] / 1000
while time.time() < end:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        code = os.waitstatus_to_exitcode(st)
        break
    if alive:
        alive = pump(0.05)
    else:
        time.sleep(0.05)
if code is None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
while alive:
    alive = pump(0)
    if not select.select([fd], [], [], 0)[0]:
        break
print(json.dumps({'code': code, 'transcript': out.decode('utf-8', 'replace'), 'failed': failed}))
`;

export function runInPty(argv: string[], env: NodeJS.ProcessEnv, steps: PtyStep[], exitTimeoutMs = 15_000): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as PtyResult);
      } catch {
        reject(new Error(`pty driver failed: ${stderr || stdout}`));
      }
    });
    const stringEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    child.stdin.end(JSON.stringify({ argv, env: stringEnv, steps, exitTimeoutMs }));
  });
}
