/*
 * The frames ProcLens and its terminal launcher (launcher/run_in_terminal.py)
 * exchange over the launcher's stdin and stdout: one byte of kind, four of
 * length (big-endian), then the payload. Framing keeps the program's output
 * and its exit in one ordered stream, so the exit is never told before the
 * last output.
 */

const HEADER_BYTES = 5;

export interface Frame {
  readonly kind: string;
  readonly payload: Buffer;
}

export function frame(kind: string, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(kind, 0, 1, 'latin1');
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Collects bytes as they arrive and hands out the whole frames among them. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(data: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, data]) : data;
    const frames: Frame[] = [];
    let at = 0;
    while (this.buffered.length - at >= HEADER_BYTES) {
      const length = this.buffered.readUInt32BE(at + 1);
      if (this.buffered.length - at - HEADER_BYTES < length) {
        break;
      }
      const kind = String.fromCharCode(this.buffered[at]);
      frames.push({ kind, payload: this.buffered.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length) });
      at += HEADER_BYTES + length;
    }
    this.buffered = this.buffered.subarray(at);
    return frames;
  }
}
