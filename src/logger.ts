import { pino } from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stderr, so stdout stays clean for `--json` output. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'docent' } }, pino.destination(2));
}
