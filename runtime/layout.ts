/** Where everything lives under the data root and the run root. The one place paths are built. */
import path from 'node:path';

export interface ContainerPaths {
  dir: string;
  upper: string;
  work: string;
  merged: string;
  log: string;
  /** The none and journald drivers' output on its way to the live followers only (no `logs`). */
  spool: string;
  exit: string;
  pid: string;
}

export class Layout {
  constructor(
    /** The data root, /var/lib/berth by default. */
    readonly root: string,
    /** The run root, /run/berth by default. */
    readonly runRoot: string,
  ) {}

  get blobsDir(): string { return path.join(this.root, 'images', 'blobs', 'sha256'); }
  get layersDir(): string { return path.join(this.root, 'images', 'layers'); }
  get containersDir(): string { return path.join(this.root, 'containers'); }
  /** Named and anonymous volumes: `volumes/<name>/_data`. */
  get volumesDir(): string { return path.join(this.root, 'volumes'); }
  get natsStoreDir(): string { return path.join(this.root, 'nats'); }
  get tmpDir(): string { return path.join(this.root, 'tmp'); }
  /** 0600, Docker's config.json format: the registry credentials `berth login` keeps for pulls. */
  get authFile(): string { return path.join(this.root, 'auth', 'config.json'); }
  /** The daemon's own log when the CLI starts it in the background. */
  get daemonLog(): string { return path.join(this.root, 'berthd.log'); }
  /** 0600, never copied anywhere: the key that seals the secrets events carry (runtime/secrets/secretBox.ts). */
  get secretKeyFile(): string { return path.join(this.root, 'secrets', 'host.key'); }
  /** The host id chosen at first start, kept across restarts. */
  get hostIdFile(): string { return path.join(this.root, 'host-id'); }

  /** 0600: url and token of the embedded nats-server. */
  get natsInfo(): string { return path.join(this.runRoot, 'nats.json'); }
  get natsConfig(): string { return path.join(this.runRoot, 'nats.conf'); }
  /** Written once the daemon is ready: its pid, host id and the NATS url it uses. */
  get daemonInfo(): string { return path.join(this.runRoot, 'berthd.json'); }
  /** The Docker Engine API's socket (api/), served by the daemon. */
  get dockerSocket(): string { return path.join(this.runRoot, 'docker.sock'); }

  /** The dir of the shims' attach sockets (under the run root: a socket path must fit in 108 bytes). */
  get shimSocketsDir(): string { return path.join(this.runRoot, 'shims'); }
  /** A container's attach socket, served by its shim (protocol: runtime/native/sock.c). */
  /** Named by the id's first 24 hex digits: a unix socket path must fit in 108 bytes, so long run roots still work. */
  shimSocket(id: string): string { return path.join(this.shimSocketsDir, `${id.slice(0, 24)}.sock`); }

  /** An exec's attach socket (`exec -i/-t`), served by its `berth-shim exec` while it runs. */
  execSocket(execId: string): string { return path.join(this.shimSocketsDir, `exec-${execId.slice(0, 24)}.sock`); }

  /** A blob by its sha256 hex (no "sha256:" prefix). */
  blob(hex: string): string { return path.join(this.blobsDir, hex); }
  /** An unpacked layer by its chain id hex. */
  layer(chainHex: string): string { return path.join(this.layersDir, chainHex); }

  /** A volume's dir and the data dir that containers mount (the name is checked by the caller). */
  volume(name: string): { dir: string; data: string } {
    const dir = path.join(this.volumesDir, name);
    return { dir, data: path.join(dir, '_data') };
  }

  /** A container's paths: joined once, then appended to (a start's reconciliation asks for thousands). */
  container(id: string): ContainerPaths {
    const dir = path.join(this.containersDir, id);
    return {
      dir,
      upper: `${dir}/upper`,
      work: `${dir}/work`,
      merged: `${dir}/merged`,
      log: `${dir}/ctr.log`,
      spool: `${dir}/ctr.spool`,
      exit: `${dir}/exit`,
      pid: `${dir}/pid`,
    };
  }
}

export const DEFAULT_ROOT = '/var/lib/berth';
export const DEFAULT_RUN_ROOT = '/run/berth';

/** The roots from flags, then the environment, then the defaults. */
export function layoutFrom(flags: { root?: string; runRoot?: string }, env = process.env): Layout {
  return new Layout(
    path.resolve(flags.root ?? env.BERTH_ROOT ?? DEFAULT_ROOT),
    path.resolve(flags.runRoot ?? env.BERTH_RUN_ROOT ?? DEFAULT_RUN_ROOT),
  );
}
