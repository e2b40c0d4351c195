import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../src/core/errors.js';
import { moving, type RemoteError, rpcLink } from '../../src/threads/rpc.js';

// The two ends of a MessageChannel behave as a worker and its parentPort do: structured cloning,
// transfer lists, asynchronous delivery.
const channels: MessageChannel[] = [];
function linked(handlers: Parameters<typeof rpcLink>[1]) {
  const channel = new MessageChannel();
  channels.push(channel);
  rpcLink(channel.port2, handlers);
  return rpcLink(channel.port1, {});
}
afterEach(() => {
  for (const c of channels.splice(0)) c.port1.close();
});

describe('calls across a thread boundary', () => {
  it("returns the other end's result, and counts the calls still waiting", async () => {
    let release!: () => void;
    const link = linked({
      add: (a: number, b: number) => a + b,
      slow: () => new Promise<void>((resolve) => (release = resolve)),
    });
    await expect(link.call('add', 2, 3)).resolves.toBe(5);
    const slow = link.call('slow');
    expect(link.inFlight).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await slow;
    expect(link.inFlight).toBe(0);
  });

  it('keeps an error’s name, message, code and whether it is transient', async () => {
    const link = linked({
      fail: () => {
        throw new IngestError('too_large', 'big.pdf: over the 25 MB limit', { transient: true });
      },
    });
    const error = (await link.call('fail').catch((e) => e)) as RemoteError;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IngestError');
    expect(error.message).toBe('big.pdf: over the 25 MB limit');
    expect(error.code).toBe('too_large');
    expect(error.transient).toBe(true);
  });

  it('moves buffers both ways instead of copying them, when asked', async () => {
    let sent = new Float32Array();
    const link = linked({
      double: (bytes: Uint8Array) => {
        const out = new Float32Array(bytes.length).map((_, i) => (bytes[i] ?? 0) * 2);
        sent = out;
        return moving({ out }, [out.buffer]);
      },
    });
    const bytes = new Uint8Array([1, 2, 3]);
    const reply = await link.callMoving<{ out: Float32Array }>([bytes.buffer], 'double', bytes);
    expect(bytes.byteLength).toBe(0); // moved: this side no longer holds it
    expect([...reply.out]).toEqual([2, 4, 6]);
    expect(sent.byteLength).toBe(0);
  });

  it('fails every waiting call at once when the other end is gone', async () => {
    const link = linked({ never: () => new Promise(() => {}) });
    const waiting = link.call('never');
    link.failPending(new Error('the thread stopped'));
    await expect(waiting).rejects.toThrow('the thread stopped');
    expect(link.inFlight).toBe(0);
  });
});
