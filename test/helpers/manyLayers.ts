/**
 * An image of many tiny layers over busybox, as an OCI layout `berth load` reads: more layers
 * than one page of overlay mount options can name (issue 22), up to Docker's 128 and beyond.
 *   layer 0             /lowest  ("lowest")
 *   layer 1             busybox
 *   layers 2..count-1   /layers/<i>  ("<i>"); /highest ("highest") in the last one
 *   layer `whiteAt`     /gone ("gone"), whited out (.wh.gone) by layer `whiteAt` + 20
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { tarBuffer } from '../../runtime/images/tarWriter.js';
import { makeBusyboxTar } from './busybox.js';
import { writeOciLayout } from './registry.js';

export async function writeManyLayersLayout(dir: string, tag: string, count: number, whiteAt = Math.floor(count / 3)): Promise<void> {
  const busybox = path.join(`${dir}.busybox.tar`);
  await makeBusyboxTar(busybox);
  const layers = [await tarBuffer([{ path: 'lowest', type: 'file', data: 'lowest\n' }]), await fs.readFile(busybox)];
  for (let i = 2; i < count; i++) {
    const entries: Parameters<typeof tarBuffer>[0] = [{ path: 'layers', type: 'dir' }, { path: `layers/${i}`, type: 'file', data: `${i}\n` }];
    if (i === whiteAt) entries.push({ path: 'gone', type: 'file', data: 'gone\n' });
    if (i === whiteAt + 20) entries.push({ path: '.wh.gone', type: 'file', data: '' });
    if (i === count - 1) entries.push({ path: 'highest', type: 'file', data: 'highest\n' });
    layers.push(await tarBuffer(entries));
  }
  await writeOciLayout(dir, tag, [{ layers, plain: true, config: { Cmd: ['cat', '/lowest', '/highest'] } }]);
  await fs.rm(busybox);
}
