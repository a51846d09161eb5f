/**
 * Loading a project as Docker Compose v2 does: the files (`-f`, several merged in order, else
 * COMPOSE_FILE, else compose.yaml / docker-compose.yml found in the directory or a parent, with
 * its override file), the project directory, `.env` (or `--env-file`) under the process's
 * environment, `${VAR}` substitution, the schema, the merge, the project's name (`-p`,
 * COMPOSE_PROJECT_NAME, the top-level `name`, the directory's name) and the profiles
 * (`--profile`, COMPOSE_PROFILES).
 */
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parseDotEnv } from './dotenv.js';
import { ComposeError, ComposeFileNotFoundError, ComposeParseError } from './errors.js';
import { interpolateString, interpolateTree, type Lookup } from './interpolate.js';
import { mergeFiles } from './merge.js';
import type { Project } from './model.js';
import { normalize } from './normalize.js';
import { validateFile, type RawFile } from './schema.js';

export interface LoadOptions {
  /** -f, in order; empty: found. */
  files: string[];
  /** -p. */
  projectName?: string;
  /** --project-directory; else the first file's directory. */
  projectDirectory?: string;
  /** --env-file; else <project directory>/.env when it exists. */
  envFiles: string[];
  /** --profile. */
  profiles: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

const CANDIDATES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The compose files of a directory or the nearest parent that has one, with its override file. */
export function findComposeFiles(cwd: string): string[] {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const found = CANDIDATES.find((name) => fs.existsSync(path.join(dir, name)));
    if (found) {
      const override = OVERRIDES.find((name) => fs.existsSync(path.join(dir, name)));
      return [path.join(dir, found), ...(override ? [path.join(dir, override)] : [])];
    }
    if (dir === path.dirname(dir)) throw new ComposeFileNotFoundError('no configuration file provided: not found');
  }
}

/** A directory's name as a project name: lower case, only [a-z0-9_-], starting with a letter or digit. */
export function projectNameFromDirectory(dir: string): string {
  return path.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[^a-z0-9]+/, '');
}

/** A name given by the user (-p, COMPOSE_PROJECT_NAME, `name:`), checked as Compose checks it. */
export function checkProjectName(name: string): string {
  if (!PROJECT_NAME.test(name)) throw new ComposeError(`invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
  return name;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ComposeFileNotFoundError(`open ${file}: no such file or directory`);
    throw new ComposeError(`open ${file}: ${(error as Error).message}`);
  }
}

/** One file's YAML as a plain tree, `<<` merge keys applied; a syntax error names the file and line. */
export function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { merge: true, prettyErrors: false, lineCounter });
  const error = document.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new ComposeParseError(`failed to parse ${file}: yaml: ${line !== undefined ? `line ${line}: ` : ''}${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return document.toJS({ maxAliasCount: 10000 }) ?? {};
}

/** The variables substitution sees: the process's environment over the env files'. */
function variables(options: LoadOptions, projectDir: string): Record<string, string | undefined> {
  const files = options.envFiles.length ? options.envFiles.map((file) => path.resolve(options.cwd, file)) : [path.join(projectDir, '.env')];
  const fromFiles: Record<string, string> = {};
  for (const file of files) {
    if (!fs.existsSync(file)) {
      if (options.envFiles.length) throw new ComposeFileNotFoundError(`couldn't find env file: ${file}`);
      continue;
    }
    Object.assign(fromFiles, parseDotEnv(readFile(file), file, (name) => options.env[name] ?? fromFiles[name]));
  }
  return { ...fromFiles, ...options.env };
}

/** Reads, checks, merges and normalises the project. */
export function loadProject(options: LoadOptions): Project {
  const fromEnvironment = options.env.COMPOSE_FILE?.split(options.env.COMPOSE_PATH_SEPARATOR ?? ':').filter(Boolean) ?? [];
  const given = options.files.length ? options.files : fromEnvironment;
  const files = given.length ? given.map((file) => path.resolve(options.cwd, file)) : findComposeFiles(options.cwd);
  const projectDir = options.projectDirectory ? path.resolve(options.cwd, options.projectDirectory) : path.dirname(files[0]);
  const vars = variables(options, projectDir);
  const lookup: Lookup = (name) => vars[name];
  let merged: RawFile = {};
  for (const file of files) {
    const tree = parseYaml(readFile(file), file);
    merged = mergeFiles(merged, validateFile(interpolateTree(tree, lookup), file));
  }
  const name = options.projectName !== undefined ? checkProjectName(options.projectName)
    : vars.COMPOSE_PROJECT_NAME ? checkProjectName(vars.COMPOSE_PROJECT_NAME)
      : merged.name ? checkProjectName(interpolateString(merged.name, lookup, 'name'))
        : projectNameFromDirectory(projectDir);
  if (!name) throw new ComposeError(`project name must not be empty: ${projectDir} gives none; use -p`);
  const profiles = options.profiles.length ? options.profiles : (vars.COMPOSE_PROFILES ?? '').split(',').filter(Boolean);
  return normalize(merged, {
    name, workingDir: projectDir, files, profiles, lookup, home: options.env.HOME,
    readEnvFile: (file) => (fs.existsSync(file) ? parseDotEnv(readFile(file), file, lookup) : null),
  });
}
