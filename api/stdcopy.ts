/**
 * Docker's stdcopy framing of a stream without a TTY: an 8-byte header (the stream: 0 stdin,
 * 1 stdout, 2 stderr; three zero bytes; the length, big-endian) before each piece. Pure.
 */
export type StreamName = 'stdin' | 'stdout' | 'stderr';

const STREAM_BYTE: Record<StreamName, number> = { stdin: 0, stdout: 1, stderr: 2 };

/** One frame: the header and the data. */
export function frame(stream: StreamName, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = STREAM_BYTE[stream];
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** A container's output as it goes on the wire: framed without a TTY, raw with one. */
export function outputBytes(stream: StreamName, data: string, tty: boolean): Buffer {
  const bytes = Buffer.from(data, 'utf8');
  return tty ? bytes : frame(stream, bytes);
}
