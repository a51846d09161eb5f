/** One program run for the kernel side of networks. */
import { spawn } from 'node:child_process';
import { BerthError } from '../../events/errors.js';

/** Runs a program (the kernel side's `ip`, `bridge` and `nft`) with `input` on stdin; resolves with stdout, rejects with its stderr's first line. */
export function run(program: string, args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: [input === '' ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (data: Buffer) => { stdout += data.toString(); });
    child.stderr!.on('data', (data: Buffer) => { stderr += data.toString(); });
    child.on('error', (error) => reject(new BerthError(`${program}: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new BerthError(`${program} ${args.join(' ')}: ${stderr.trim().split('\n')[0] || `exit ${code}`}`));
    });
    if (child.stdin) {
      // A program that exits before reading (a failed check) closes the pipe: its exit code tells.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}
