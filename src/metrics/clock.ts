const TIME_ORIGIN_MS = performance.timeOrigin;
/**
 * Epoch ms that never jumps backwards. Unlike Date.now (which boxes its result on every call) and
 * reading performance.timeOrigin (a getter) each time, this does not allocate once optimised.
 */
export function monotonicEpochMs(): number {
  return TIME_ORIGIN_MS + performance.now();
}
