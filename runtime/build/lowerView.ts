/**
 * Looking up single paths in a stack of unpacked layers as overlayfs would show them, without
 * walking the whole tree: the topmost layer that has the path wins, a whiteout (a 0/0 char
 * device) there hides it, and so does an opaque dir or a non-dir above it. For COPY's
 * destination and its parents, and for `--chown` names (the image's /etc/passwd and /etc/group).
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export class LowerView {
  /** `layers`: the layer dirs, bottom first. */
  constructor(private readonly layers: string[]) {}

  /** The entry at `rel` (no leading slash) and the layer dir it lives in, or null. */
  async lookup(rel: string): Promise<{ stat: Stats; file: string } | null> {
    const parts = rel.split('/').filter(Boolean);
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      // A parent that is not a dir in this layer hides the path below it.
      let hidden = false;
      for (let depth = 1; depth < parts.length; depth++) {
        const parent = await fs.lstat(path.join(layer, ...parts.slice(0, depth))).catch(() => null);
        if (parent && !parent.isDirectory()) { hidden = true; break; }
      }
      if (hidden) return null;
      const file = path.join(layer, ...parts);
      const stat = await fs.lstat(file).catch(() => null);
      if (!stat) continue;
      if (stat.isCharacterDevice() && stat.rdev === 0) return null;
      return { stat, file };
    }
    return null;
  }

  async isDir(rel: string): Promise<boolean> {
    return (await this.lookup(rel))?.stat.isDirectory() ?? false;
  }

  async readText(rel: string): Promise<string | null> {
    const found = await this.lookup(rel);
    return found?.stat.isFile() ? fs.readFile(found.file, 'utf8') : null;
  }
}

/** `--chown=user[:group]`: numbers as they are, names from the image's /etc/passwd and /etc/group. */
export async function resolveChown(view: LowerView, chown: string): Promise<{ uid: number; gid: number }> {
  const [user, group] = chown.split(':') as [string, string | undefined];
  const lookup = async (file: string, name: string): Promise<string[] | null> => {
    const text = await view.readText(file);
    return text?.split('\n').map((line) => line.split(':')).find((fields) => fields[0] === name) ?? null;
  };
  let uid: number;
  let primary: number | undefined;
  if (/^[0-9]+$/.test(user)) uid = Number(user);
  else {
    const entry = await lookup('etc/passwd', user);
    if (!entry) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${user}: no such user: ${user}`);
    uid = Number(entry[2]);
    primary = Number(entry[3]);
  }
  let gid: number;
  if (group === undefined) gid = primary ?? uid;
  else if (/^[0-9]+$/.test(group)) gid = Number(group);
  else {
    const entry = await lookup('etc/group', group);
    if (!entry) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${group}: no such group: ${group}`);
    gid = Number(entry[2]);
  }
  return { uid, gid };
}
