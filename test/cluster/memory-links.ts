import { CloseNotifier, type Link } from '../../src/cluster/link.ts';

/**
 * Two connected in-memory Link ends, for tests: messages go through JSON (as over a pipe) and arrive
 * asynchronously, in order. Closing either end closes both, with `reason`.
 */
export function linkPair<A, B>(
  label: string,
): { near: Link<A, B> & { kill(reason: string): void }; far: Link<B, A> } {
  const nearClosed = new CloseNotifier();
  const farClosed = new CloseNotifier();
  const toNear: ((m: B) => void)[] = [];
  const toFar: ((m: A) => void)[] = [];
  const closeBoth = (reason: string) => {
    nearClosed.fire(reason);
    farClosed.fire(reason);
  };
  const deliver = <M>(handlers: ((m: M) => void)[], message: M, closed: CloseNotifier) =>
    new Promise<void>((resolve) => {
      const copy = JSON.parse(JSON.stringify(message)) as M;
      setImmediate(() => {
        if (!closed.closed) for (const h of handlers) h(copy);
        resolve();
      });
    });
  return {
    near: {
      label,
      send: (m) => (nearClosed.closed ? Promise.resolve() : deliver(toFar, m, farClosed)),
      onMessage: (h) => void toNear.push(h),
      onClose: (h) => nearClosed.add(h),
      close: () => closeBoth('closed'),
      kill: (reason) => closeBoth(reason),
    },
    far: {
      label: 'coordinator',
      send: (m) => (farClosed.closed ? Promise.resolve() : deliver(toNear, m, nearClosed)),
      onMessage: (h) => void toFar.push(h),
      onClose: (h) => farClosed.add(h),
      close: () => closeBoth('the coordinator disconnected'),
    },
  };
}
