/**
 * The build plan: a Dockerfile's stages, the one `--target` names (the last by default) and the
 * stages it needs (its base stages and those its `COPY --from` name), in the order to build
 * them. Global ARGs (before the first FROM) and `--build-arg`s expand the FROM lines, as in
 * BuildKit. Pure; errors are BuildKit's, one line each.
 */
import { ValidationError } from '../../events/errors.js';
import { parseDockerfile, parseError, type Instruction } from './dockerfile.js';
import { expandWord } from './shellLex.js';

export interface Stage {
  index: number;
  /** `AS name`, lowercased. */
  name?: string;
  /** 1-based line of its FROM. */
  line: number;
  /** The FROM as written, for progress. */
  text: string;
  /** The base: an earlier stage, `scratch`, or an image reference (expanded). */
  base: { stage: number } | { scratch: true } | { image: string };
  /** The instructions after the FROM. */
  instructions: Instruction[];
  /** `COPY --from` sources: the stage index, or an image reference, by instruction index. */
  copyFrom: Map<number, { stage: number } | { image: string }>;
}

export interface BuildPlan {
  escape: string;
  stages: Stage[];
  /** The index of the stage the build makes. */
  target: number;
  /** The stages to build, dependencies first; the target is last. */
  order: number[];
  /** Global ARGs with their values (defaults overridden by build args). */
  globalArgs: Map<string, string>;
  /** Build args no ARG of the needed stages or the globals declares (Docker warns of them). */
  unusedBuildArgs: string[];
}

export interface PlanOptions {
  buildArgs: Record<string, string>;
  target?: string;
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function globalArgsOf(prelude: Instruction[], buildArgs: Record<string, string>, escape: string): Map<string, string> {
  const args = new Map<string, string>();
  for (const instruction of prelude) {
    if (instruction.keyword !== 'ARG') throw parseError(instruction.line, 'no build stage in current context');
    for (const [name, value] of instruction.pairs) {
      const given = buildArgs[name];
      if (given !== undefined) args.set(name, given);
      else if (value !== undefined) args.set(name, expandWord(value, args, escape));
    }
  }
  return args;
}

function splitStages(instructions: Instruction[]): { prelude: Instruction[]; stages: Instruction[][] } {
  const first = instructions.findIndex((i) => i.keyword === 'FROM');
  if (first === -1) return { prelude: instructions, stages: [] };
  const stages: Instruction[][] = [];
  for (const instruction of instructions.slice(first)) {
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else stages.at(-1)!.push(instruction);
  }
  return { prelude: instructions.slice(0, first), stages };
}

function stageOf(instructions: Instruction[], index: number, named: Map<string, number>, globals: Map<string, string>, escape: string): Stage {
  const from = instructions[0] as Extract<Instruction, { keyword: 'FROM' }>;
  const image = expandWord(from.image, globals, escape);
  if (from.stageName !== undefined) {
    if (!STAGE_NAME.test(from.stageName)) throw parseError(from.line, `invalid name for build stage: "${from.stageName}", name can't start with a number or contain symbols`);
    if (named.has(from.stageName)) throw parseError(from.line, `duplicate stage name "${from.stageName}"`);
  }
  const baseStage = named.get(image.toLowerCase());
  const base = baseStage !== undefined ? { stage: baseStage } : image.toLowerCase() === 'scratch' ? { scratch: true as const } : { image };
  if (image === '') throw parseError(from.line, 'base name (' + from.image + ') should not be blank');
  const rest = instructions.slice(1);
  const copyFrom = new Map<number, { stage: number } | { image: string }>();
  rest.forEach((instruction, i) => {
    const value = (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') ? instruction.flags.from : undefined;
    if (value === undefined) return;
    if (instruction.keyword === 'ADD') throw parseError(instruction.line, 'ADD does not support the --from flag');
    const ref = expandWord(value, globals, escape);
    const byName = named.get(ref.toLowerCase());
    if (byName !== undefined) copyFrom.set(i, { stage: byName });
    else if (ref.toLowerCase() === from.stageName) throw new ValidationError(`circular dependency detected on stage: ${from.stageName}`);
    else if (/^[0-9]+$/.test(ref)) {
      if (Number(ref) >= index) throw parseError(instruction.line, `invalid from flag value ${ref}: refers to current or future build stage`);
      copyFrom.set(i, { stage: Number(ref) });
    } else copyFrom.set(i, { image: ref });
  });
  return { index, ...(from.stageName ? { name: from.stageName } : {}), line: from.line, text: from.text, base, instructions: rest, copyFrom };
}

/** The stages `target` needs, dependencies first (each once), ending with the target. */
function buildOrder(stages: Stage[], target: number): number[] {
  const order: number[] = [];
  const visit = (index: number) => {
    if (order.includes(index)) return;
    const stage = stages[index]!;
    if ('stage' in stage.base) visit(stage.base.stage);
    for (const source of stage.copyFrom.values()) if ('stage' in source) visit(source.stage);
    order.push(index);
  };
  visit(target);
  return order;
}

export function planBuild(text: string, options: PlanOptions): BuildPlan {
  if (text.trim() === '') throw new ValidationError('the Dockerfile cannot be empty');
  const { escape, instructions } = parseDockerfile(text);
  const { prelude, stages: raw } = splitStages(instructions);
  const globalArgs = globalArgsOf(prelude, options.buildArgs, escape);
  if (raw.length === 0) throw new ValidationError('dockerfile contains no stages to build');
  const named = new Map<string, number>();
  const stages = raw.map((stageInstructions, index) => {
    const stage = stageOf(stageInstructions, index, named, globalArgs, escape);
    if (stage.name) named.set(stage.name, index);
    return stage;
  });
  let target = stages.length - 1;
  if (options.target !== undefined) {
    const found = named.get(options.target.toLowerCase());
    if (found === undefined) throw new ValidationError(`target stage "${options.target}" could not be found`);
    target = found;
  }
  const order = buildOrder(stages, target);
  const declared = new Set<string>(prelude.flatMap((i) => (i.keyword === 'ARG' ? i.pairs.map(([name]) => name) : [])));
  for (const index of order) {
    for (const instruction of stages[index]!.instructions) {
      if (instruction.keyword === 'ARG') for (const [name] of instruction.pairs) declared.add(name);
    }
  }
  const unusedBuildArgs = Object.keys(options.buildArgs).filter((name) => !declared.has(name) && !PREDEFINED_ARGS.has(name)).sort();
  return { escape, stages, target, order, globalArgs, unusedBuildArgs };
}

/** Build args every build accepts without an ARG (Docker's predefined proxy args). */
export const PREDEFINED_ARGS: ReadonlySet<string> = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);
