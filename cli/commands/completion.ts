/** `berth completion bash`: the completion script, generated from the program (cli/completion.ts). */
import { ValidationError } from '../../events/errors.js';
import { bashCompletion, completionTree } from '../completion.js';
import { buildProgram } from '../program.js';

export default async function completion(shell: string): Promise<number> {
  if (shell !== 'bash') throw new ValidationError(`completion: unsupported shell "${shell}" (only bash is supported)`);
  process.stdout.write(bashCompletion(completionTree(buildProgram())));
  return 0;
}
