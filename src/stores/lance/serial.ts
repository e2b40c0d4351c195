/** Runs a task, perhaps after something else: a queue, a lock. */
export type TaskRunner = <T>(task: () => Promise<T>) => Promise<T>;

export const runAtOnce: TaskRunner = (task) => task();

/** Runs async tasks one at a time, in call order. LanceDB commits from one process must not race. */
export function serialQueue(): TaskRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
