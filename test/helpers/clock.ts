import type { Clock } from '../../src/core/clock.ts';

/** A clock that stands still at `start` until a test moves it. */
export function testClock(start: Date): Clock & { advance(ms: number): void; set(d: Date): void } {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(d) {
      t = d.getTime();
    },
  };
}
