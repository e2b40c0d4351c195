// Imported first by cli.ts, so the variables are in place before any module reads its settings.
// `.env` in the working directory fills in what the environment leaves unset: a variable the
// environment already has keeps its value. No `.env` is fine.
try {
  process.loadEnvFile('.env');
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
    process.stderr.write(`Cannot read .env: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
