import './cli/env-file.js';
import { Command, Option } from 'commander';
import { askCommand } from './cli/ask-command.js';
import { chatCommand } from './cli/chat-command.js';
import { demoCommand, inDemoDataDir } from './cli/demo-command.js';
import { listDocsCommand, removeDocsCommand } from './cli/docs-command.js';
import { evalCommand } from './cli/eval-command.js';
import { ingestCommand } from './cli/ingest-command.js';
import {
  addSourceCommand,
  listSourcesCommand,
  removeSourceCommand,
  syncSourcesCommand,
} from './cli/source-command.js';
import type { Services } from './composition/services.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { describeError } from './core/errors.js';

/**
 * Opens the services for one command, runs it, closes them, and sets the exit status. A command
 * that writes claims the data directory first, so it is refused while `docent serve` owns it.
 */
function run<A extends unknown[]>(
  command: string,
  action: (services: Services, ...args: A) => Promise<number>,
  options: { writes?: boolean; adjust?: (config: Config) => Config } = {},
) {
  return async (...args: A) => {
    let services: Services | undefined;
    try {
      const config = (options.adjust ?? ((c: Config) => c))(loadConfig());
      // Loaded here, not at start-up: `docent --help` has no use for the services' modules.
      const { createServices } = await import('./composition/services.js');
      services = await createServices(config, { command, claimDataDir: options.writes });
      process.exitCode = await action(services, ...args);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`error: ${describeError(err)}\n`);
      if (process.env.DOCENT_DEBUG) console.error(err);
      process.exitCode = 1;
    } finally {
      await services?.close();
    }
  };
}

const tenant = () => new Option('--tenant <id>', 'tenant (workspace) to use').default('default');
const json = () => new Option('--json', 'machine-readable output');

const program = new Command('docent').description('Answers questions from your team’s documents.');

program
  .command('ingest')
  .description('index files and folders (recursively) into the knowledge base')
  .argument('<paths...>')
  .addOption(tenant())
  .addOption(new Option('--scope <scope>', 'visibility: tenant, channel:<id> or user:<id>').default('tenant'))
  .addOption(json())
  .action(run('ingest', (s, paths: string[], opts) => ingestCommand(s, paths, opts), { writes: true }));

program
  .command('ask')
  .description('answer a question from the knowledge base')
  .argument('[question]')
  .option('--stdin', 'read one question per line from standard input')
  .option('--thread', 'with --stdin: treat the questions as one conversation (follow-ups)')
  .addOption(tenant())
  .addOption(json())
  .action(run('ask', (s, question: string | undefined, opts) => askCommand(s, question, opts)));

const docs = program.command('docs').description('list or remove documents');
docs
  .command('list')
  .addOption(tenant())
  .addOption(json())
  .action(run('docs list', (s, opts) => listDocsCommand(s, opts)));
docs
  .command('rm')
  .argument('<doc_ids...>')
  .addOption(tenant())
  .addOption(json())
  .action(run('docs rm', (s, ids: string[], opts) => removeDocsCommand(s, ids, opts), { writes: true }));

// Every source command writes the operational database, so each claims DATA_DIR.
const source = program.command('source').description('sites and wikis synced on a schedule');
source
  .command('add')
  .description('add a source: docent source add web https://docs.example.com/sitemap.xml')
  .argument('<kind>')
  .argument('<target>')
  .addOption(tenant())
  .option('--every <period>', 'how often it is synced: 30m, 6h, 1d', '6h')
  .option('--scope <scope>', 'who may read its documents: tenant or channel:<id>', 'tenant')
  .option('--token-env <name>', 'environment variable holding its access token')
  .option('--token-file <path>', 'file holding its access token')
  .option('--key-file <path>', 'JSON key file, read whole (gdrive: a service account key)')
  .option('--email <address>', 'the account the token belongs to (confluence)')
  .option('--max-pages <n>', 'the most pages or files read')
  .addOption(json())
  .action(
    run('source add', (s, kind: string, target: string, opts) => addSourceCommand(s, kind, target, opts), {
      writes: true,
    }),
  );
source
  .command('list')
  .option('--tenant <id>', 'one tenant only')
  .addOption(json())
  .action(run('source list', (s, opts) => listSourcesCommand(s, opts), { writes: true }));
source
  .command('sync')
  .description('sync one source now, or every source')
  .argument('[id]')
  .option('--tenant <id>', 'without an id: one tenant only')
  .option('--full', 'download every page again, without conditional requests')
  .addOption(json())
  .action(
    run('source sync', (s, id: string | undefined, opts) => syncSourcesCommand(s, id, opts), {
      writes: true,
    }),
  );
source
  .command('rm')
  .description('remove a source and its documents')
  .argument('<id>')
  .addOption(json())
  .action(run('source rm', (s, id: string, opts) => removeSourceCommand(s, id, opts), { writes: true }));

program
  .command('serve')
  .description('run the HTTP service, and Slack and Discord when configured')
  .action(async () => {
    let code: number;
    try {
      const { serveCommand } = await import('./cli/serve-command.js');
      code = await serveCommand(loadConfig());
    } catch (err) {
      process.stderr.write(`${err instanceof ConfigError ? err.message : `error: ${describeError(err)}`}\n`);
      if (process.env.DOCENT_DEBUG) console.error(err);
      code = err instanceof ConfigError ? 2 : 1;
    }
    // Shutdown is over (cleanly, out of time, or a failed start): whatever still holds the event
    // loop (a model call that never returns, a Redis connection) must not keep the process alive.
    process.exit(code);
  });

program
  .command('discord')
  .description('Discord tools')
  .command('register')
  .description('register the /ask slash command (per guild with DISCORD_GUILD_IDS, else globally)')
  .action(async () => {
    try {
      const config = loadConfig();
      if (!config.discord) throw new ConfigError(['DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set']);
      const { registerDiscordCommands } = await import('../adapters/discord/commands.js');
      await registerDiscordCommands(config.discord);
      process.stdout.write(
        config.discord.guildIds.length
          ? `Registered /ask in ${config.discord.guildIds.length} guild(s).\n`
          : 'Registered /ask globally (may take up to an hour to appear).\n',
      );
    } catch (err) {
      process.stderr.write(
        `${err instanceof ConfigError ? err.message : `error: ${(err as Error).message}`}\n`,
      );
      process.exitCode = err instanceof ConfigError ? 2 : 1;
    }
  });

program
  .command('chat')
  .description('chat with Docent in the terminal (plain lines when not a terminal)')
  .addOption(tenant())
  .action(run('chat', (s, opts) => chatCommand(s, opts)));

program
  .command('demo')
  .description('chat with a sample knowledge base, loaded into a throwaway data directory')
  .action(() =>
    inDemoDataDir((adjust) =>
      run('demo', (s) => demoCommand(s, { tenant: 'default' }), { writes: true, adjust })(),
    ),
  );

program
  .command('mcp')
  .description('serve the knowledge base to an AI assistant over MCP on standard input and output')
  .addOption(tenant())
  .action(run('mcp', async (s, opts) => (await import('./cli/mcp-command.js')).mcpCommand(s, opts)));

program
  .command('eval')
  .description('measure retrieval on a labelled JSONL file')
  .argument('<file>')
  .addOption(tenant())
  .addOption(
    new Option('--mode <mode>', 'retrieval to measure')
      .choices(['hybrid', 'vector', 'bm25'])
      .default('hybrid'),
  )
  .addOption(json())
  .action(run('eval', (s, file: string, opts) => evalCommand(s, file, opts)));

await program.parseAsync();
