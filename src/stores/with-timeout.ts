/**
 * Resolves to the call's result, or to undefined once `ms` have passed or if it throws.
 * For optional backends (cache, shared thread memory) whose absence must cost milliseconds only.
 */
export async function withTimeout<T>(
  call: () => Promise<T>,
  ms: number,
  onError?: (error: unknown) => void,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } catch (error) {
    onError?.(error);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
