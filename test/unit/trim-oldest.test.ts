import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/http/trim-oldest.js';

describe('BoundedMap', () => {
  it('leaves a map within its bound alone', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect([...map.keys()]).toEqual(['a', 'b']);
  });

  it('drops the oldest entries first, down to nine tenths of the bound', () => {
    const map = new BoundedMap<string, number>(100);
    for (let i = 0; i <= 100; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(90);
    expect([...map.keys()][0]).toBe('k11');
    expect(map.has('k100')).toBe(true);
  });

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
