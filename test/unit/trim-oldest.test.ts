import { describe, expect, it } from 'vitest';
import { BoundedMap, trimOldest } from '../../src/stores/trim-oldest.js';

describe('trimOldest', () => {
  it('leaves a map within its bound alone', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(trimOldest(map, 2)).toEqual([]);
    expect([...map.keys()]).toEqual(['a', 'b']);
  });

  it('drops the oldest entries first, down to nine tenths of the bound', () => {
    const map = new Map(Array.from({ length: 101 }, (_, i) => [`k${i}`, i] as const));
    const dropped = trimOldest(map, 100);
    expect(dropped).toEqual(Array.from({ length: 11 }, (_, i) => `k${i}`));
    expect(map.size).toBe(90);
    expect(map.has('k100')).toBe(true);
  });
});

describe('BoundedMap', () => {
  it('never holds more than its bound, and a rewritten key counts as new', () => {
    const map = new BoundedMap<string, number>(10);
    for (let i = 0; i < 10; i++) map.set(`k${i}`, i);
    map.set('k0', 0); // k0 is now the newest; k1 the oldest
    map.set('k10', 10);
    expect(map.size).toBeLessThanOrEqual(10);
    expect(map.has('k0')).toBe(true);
    expect(map.has('k1')).toBe(false);
    expect(map.get('k10')).toBe(10);
    for (let i = 11; i < 1000; i++) map.set(`k${i}`, i);
    expect(map.size).toBeLessThanOrEqual(10);
    expect(map.get('k999')).toBe(999);
  });
});
