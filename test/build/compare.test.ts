/**
 * `berth build` checked against a real builder (issue 16, "Checked against a real builder"):
 * the same Dockerfiles, FROM the same busybox image (berth's, through `berth save` and `buildah
 * pull docker-archive:`, so the very same image id), built by berth and by Debian's buildah
 * (`buildah bud --layers --format docker`; OCI isolation with runc and `--network none`: chroot
 * isolation refuses `--network none` and crun refuses this host's hybrid cgroups; vfs storage
 * under this test's temp dir, removed at teardown), then compared: the image config (Env, Cmd,
 * Entrypoint, WorkingDir, User, ExposedPorts, Labels, Volumes), the history (its length, which
 * entries are empty layers, the number of layers) and the final root filesystem (every path's
 * type, mode, owner, content or link target, and which paths are hard links of one another).
 * Both roots are read the same way: berth's image goes to buildah through `berth save`, and
 * `buildah from` + `buildah mount` lays out each. The four cases build side by side.
 *
 * Differences that are choices or buildah's own, not bugs (also in docs/ARCHITECTURE.md's Build section):
 * - created_by: berth writes BuildKit's form (`RUN /bin/sh -c cmd # buildkit`), buildah the legacy builder's (`/bin/sh -c #(nop) ENV A=b`): only the count and empty_layer flags are compared.
 * - An unset Entrypoint or Volumes: buildah writes `[]` or `{}`, berth null as Docker: empty counts as null.
 * - buildah's `io.buildah.version` label: turned off (`--identity-label=false`); berth adds no label of its own.
 * - buildah's RUN leaves an empty `/run` (its tmpfs's mount point) in the layer; berth leaves none, as Docker: ignored.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import t, { type Test } from 'tap';
import { runCaptured, startEngine } from '../helpers/engine.js';
import { gateFile, requiresEngine, requiresProgram } from '../helpers/gates.js';

gateFile(requiresEngine(), requiresProgram('buildah', 'apt-get install buildah'), requiresProgram('runc', 'apt-get install runc'));

const engine = await startEngine(t);
const storage = path.join(engine.dir, 'buildah');

/** buildah with its own storage under the engine's temp dir; throws on failure. */
async function buildah(args: string[]): Promise<string> {
  const result = await runCaptured('buildah', ['--root', path.join(storage, 'root'), '--runroot', path.join(storage, 'run'),
    '--storage-driver', 'vfs', ...args], { env: engine.env, what: `buildah ${args.join(' ')}`, timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`buildah ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

// Runs before the engine's own teardown (tap runs them last first): nothing of buildah's is left.
t.teardown(async () => {
  await buildah(['umount', '--all']).catch(() => {});
  await buildah(['rm', '--all']).catch(() => {});
  await buildah(['rmi', '--all', '--force']).catch(() => {});
  await fs.rm(storage, { recursive: true, force: true });
});

// The base image both builders start from: berth's busybox, the very same image id in buildah.
const saved = path.join(engine.dir, 'busybox-saved.tar');
await engine.ok(['save', '-o', saved, 'busybox']);
await buildah(['pull', '--quiet', `docker-archive:${saved}`]);

/** A context's files: path to content, or to [content, mode]. */
type Files = Record<string, string | [string, number]>;

/** A context dir with these files. */
async function context(name: string, files: Files): Promise<string> {
  const dir = path.join(engine.dir, 'contexts', name);
  for (const [rel, spec] of Object.entries(files)) {
    const [content, mode] = typeof spec === 'string' ? [spec, 0o644] : spec;
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
    await fs.chmod(path.join(dir, rel), mode);
  }
  return dir;
}

/** Path -> "type mode uid:gid what" for every entry under root, and hard links named by their first path. */
async function walk(root: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  const inodes = new Map<number, { first: string; digest: string }>();
  const visit = async (rel: string): Promise<void> => {
    const full = path.join(root, rel);
    const st = await fs.lstat(full);
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    const head = `${mode} ${st.uid}:${st.gid}`;
    if (st.isDirectory()) {
      tree[rel || '/'] = `dir ${head}`;
      for (const name of (await fs.readdir(full)).sort()) await visit(path.join(rel, name));
    } else if (st.isSymbolicLink()) {
      tree[rel] = `link ${head} -> ${await fs.readlink(full)}`;
    } else if (st.isFile()) {
      let seen = inodes.get(st.ino);
      if (!seen) {
        seen = { first: rel, digest: createHash('sha256').update(await fs.readFile(full)).digest('hex').slice(0, 16) };
        inodes.set(st.ino, seen);
      }
      tree[rel] = `file ${head} ${seen.digest}${seen.first === rel ? '' : ` hardlink of ${seen.first}`}`;
    } else {
      tree[rel] = `other ${head} ${st.rdev}`;
    }
  };
  await visit('');
  return tree;
}

/** An image's root filesystem as buildah lays it out, walked. */
async function rootfs(image: string): Promise<Record<string, string>> {
  const container = (await buildah(['from', '--pull-never', '--quiet', image])).trim();
  try {
    return await walk((await buildah(['mount', container])).trim());
  } finally {
    await buildah(['umount', container]);
    await buildah(['rm', container]);
  }
}

interface DockerConfig {
  config: Record<string, any>;
  history: Array<{ created_by?: string; empty_layer?: boolean }>;
  rootfs: { diff_ids: string[] };
}

/** null for an empty list or map: buildah writes `[]` and `{}` where Docker writes null, which mean the same. */
const orNull = (v: unknown) => (v == null || (typeof v === 'object' && Object.keys(v).length === 0) ? null : v);

/** What the two builders must agree on in an image's config and history. */
function comparable(image: DockerConfig, baseHistory: number) {
  const c = image.config;
  const history = image.history.slice(baseHistory);
  return {
    Env: orNull(c.Env),
    Cmd: orNull(c.Cmd),
    Entrypoint: orNull(c.Entrypoint),
    WorkingDir: c.WorkingDir ?? '',
    User: c.User ?? '',
    ExposedPorts: orNull(c.ExposedPorts),
    Labels: orNull(c.Labels),
    Volumes: orNull(c.Volumes),
    history: history.map((h) => (h.empty_layer ? 'empty' : 'layer')),
    layers: image.rootfs.diff_ids.length,
  };
}

/** The image's Docker config as buildah holds it. */
async function dockerConfig(image: string): Promise<DockerConfig> {
  const inspected = JSON.parse(await buildah(['inspect', '--type', 'image', image]));
  return inspected.Docker as DockerConfig;
}

const base = await dockerConfig('busybox');

/** Builds the context with both builders (the same build args), side by side: they share nothing but the base image. */
async function buildBoth(name: string, files: Files, buildArgs: string[]): Promise<void> {
  const dir = await context(name, files);
  const args = buildArgs.flatMap((a) => ['--build-arg', a]);
  await Promise.all([
    (async () => {
      await engine.ok(['build', '-q', '-t', `berth-${name}`, ...args, dir]);
      const archive = path.join(engine.dir, `${name}.tar`);
      await engine.ok(['save', '-o', archive, `berth-${name}`]);
      await buildah(['pull', '--quiet', `docker-archive:${archive}:berth-${name}:latest`]);
    })(),
    buildah(['bud', '--quiet', '--layers', '--format', 'docker', '--identity-label=false', '--isolation', 'oci', '--runtime', 'runc',
      '--network', 'none', '--pull-never', '-t', `buildah-${name}`, ...args, dir]),
  ]);
}

/** Compares the two builds of a case: config, history and files. */
async function compare(t: Test, name: string, built: Promise<void>): Promise<void> {
  await built;
  const ours = await dockerConfig(`berth-${name}`);
  const theirs = await dockerConfig(`buildah-${name}`);
  t.same(comparable(ours, base.history.length), comparable(theirs, base.history.length), `${name}: config and history`);
  const [ourFiles, theirFiles] = await Promise.all([rootfs(`berth-${name}`), rootfs(`buildah-${name}`)]);
  // buildah's RUN leaves the mount point of its /run tmpfs in the layer (an empty dir); Docker and berth do not.
  if (theirFiles.run === 'dir 0755 0:0') delete theirFiles.run;
  t.same(ourFiles, theirFiles, `${name}: the root filesystem`);
}

const cases: Array<{ name: string; title: string; files: Files; buildArgs?: string[] }> = [
  {
    name: 'config',
    title: 'ENV, ARG, LABEL, EXPOSE, WORKDIR, RUN, VOLUME, USER, ENTRYPOINT and CMD',
    buildArgs: ['GREETING=bonjour'],
    files: {
      Dockerfile: [
        'FROM busybox',
        'ARG GREETING=hello',
        'ENV APP_HOME=/srv/app GREETING_COPY=$GREETING',
        'LABEL org.example.name="compare" version=1',
        'EXPOSE 8080 53/udp',
        'WORKDIR $APP_HOME',
        'RUN echo "$GREETING" > greeting.txt && mkdir -p data && chmod 0750 data && chown 1000:1000 data',
        'VOLUME ["/srv/app/data", "/cache"]',
        'USER 1000:1000',
        'ENTRYPOINT ["/bin/sh", "-c"]',
        'CMD ["cat greeting.txt"]',
      ].join('\n'),
    },
  },
  {
    name: 'copy',
    title: 'COPY with --chown and --chmod, modes from the context, RUN that adds a user, a link and a whiteout',
    files: {
      Dockerfile: [
        'FROM busybox',
        'RUN echo app:x:2000:2000::/opt/files:/bin/sh >> /etc/passwd && echo app:x:2000: >> /etc/group',
        'COPY --chown=app:app files/ /opt/files/',
        'COPY --chown=1234:5678 tool.sh /usr/local/bin/',
        'COPY --chmod=0640 secret.conf /etc/',
        'COPY tool.sh /exec.sh',
        'RUN echo data > /var/written && chmod 0600 /var/written && ln -s /var/written /link && rm /bin/vi',
        'CMD /exec.sh',
      ].join('\n'),
      'files/a.txt': 'a\n',
      'files/sub/b.txt': ['b\n', 0o600],
      'tool.sh': ['#!/bin/sh\necho tool\n', 0o755],
      'secret.conf': 'secret=1\n',
    },
  },
  {
    name: 'stages',
    title: 'multi-stage with COPY --from',
    buildArgs: ['VERSION=2.5'],
    files: {
      Dockerfile: [
        'FROM busybox AS builder',
        'ARG VERSION=1.0',
        'WORKDIR /build',
        'RUN echo "v$VERSION" > version && mkdir out && echo bin > out/tool && chmod 0755 out/tool',
        'FROM busybox',
        'COPY --from=builder /build/version /app/version',
        'COPY --from=builder --chown=10:20 /build/out /app/bin',
        'ENV PATH=/app/bin:$PATH',
        'CMD ["tool"]',
      ].join('\n'),
    },
  },
  {
    name: 'entrypoint',
    title: 'ENTRYPOINT in shell form clears an inherited CMD; WORKDIR with no RUN after it',
    files: {
      Dockerfile: [
        'FROM busybox AS parent',
        'CMD ["echo", "inherited"]',
        'FROM parent',
        'WORKDIR /made/by/workdir',
        'ENTRYPOINT exec echo "$HOME"',
      ].join('\n'),
    },
  },
];

// Every case's builds start now, together; each test waits for its own.
for (const c of cases) {
  const built = buildBoth(c.name, c.files, c.buildArgs ?? []);
  built.catch(() => {}); // its test reports the failure
  t.test(c.title, (t) => compare(t, c.name, built));
}
