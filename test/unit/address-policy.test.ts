import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  guardedLookup,
  isPrivateAddress,
  isPrivateHost,
  PrivateAddressError,
  type Resolver,
} from '../../src/ingestion/address-policy.js';

const PRIVATE = [
  '127.0.0.1',
  '127.8.9.10',
  '10.1.2.3',
  '172.16.0.1',
  '172.31.255.254',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.251',
  '255.255.255.255',
  '::',
  '::1',
  'fc00::1',
  'fd00:ec2::254',
  'fe80::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:a9fe:a9fe',
  '::ffff:10.0.0.1',
  '64:ff9b::a9fe:a9fe',
];
const PUBLIC = ['8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'];

const resolverOf =
  (table: Record<string, string[]>): Resolver =>
  async (hostname) =>
    (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

function lookupAll(resolve: Resolver, hostname: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) =>
    guardedLookup(resolve)(hostname, { all: true }, (error, addresses) =>
      error ? fail(error) : done(addresses as unknown as LookupAddress[]),
    ),
  );
}

describe('outbound address policy', () => {
  it.each(PRIVATE)('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(PUBLIC)('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses private IP literals and names as a URL gives them, before any lookup', () => {
    for (const host of [
      '[::1]',
      '[::ffff:7f00:1]',
      '169.254.169.254',
      'localhost',
      'metadata.google.internal',
    ])
      expect(isPrivateHost(host), host).toBe(true);
    expect(isPrivateHost('docs.example.com')).toBe(false);
  });

  it('refuses a name when any address it resolves to is private, and hands on only checked addresses', async () => {
    const resolve = resolverOf({
      'rebound.example.test': ['93.184.216.34', '10.0.0.7'],
      'metadata.example.test': ['169.254.169.254'],
      'docs.example.test': ['93.184.216.34', '2606:4700::1111'],
    });
    await expect(lookupAll(resolve, 'rebound.example.test')).rejects.toBeInstanceOf(PrivateAddressError);
    await expect(lookupAll(resolve, 'metadata.example.test')).rejects.toThrow(
      'metadata.example.test resolves to a private address',
    );
    expect(await lookupAll(resolve, 'docs.example.test')).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
  });
});
