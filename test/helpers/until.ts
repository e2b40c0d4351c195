/** Polls until `probe` returns something, for events that arrive asynchronously through a fake. */
export async function until<T>(probe: () => T | undefined | false, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`nothing arrived within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
