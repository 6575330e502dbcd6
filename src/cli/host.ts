/**
 * `kiln host`: serves a model repository over the Open Inference Protocol (and TensorFlow Serving's
 * predict API) for Kiln's `remote` backend, Triton clients, KServe clients, curl.
 *
 *   kiln host --repo DIR [--engine ort|kiln|executorch] [--ep cuda,cpu] [--port 8000] [--bind 127.0.0.1]
 *             [--allow-origin https://app.example] [--allow-upload] [--token-file F]
 *             [--max-body-mb 64] [--timeout-ms 60000] [--python python3] [--verbose]
 *
 * The bearer token is created at first start in --token-file (default ~/.config/kiln/host-token, mode
 * 0600) and printed that once; later starts say where it is. Stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KilnError } from '../index.js';
import { defaultTokenFile, loadOrCreateToken, startHost, type HostOptions } from '../bridges/host/index.js';

export const HOST_USAGE = `kiln host --repo <dir> [--engine ort|kiln|executorch] [--ep a,b] [--port 8000] [--bind 127.0.0.1]
           [--allow-origin <origin>]... [--allow-upload] [--token-file <file>] [--max-body-mb 64]
           [--timeout-ms 60000] [--python python3] [--verbose]`;

class UsageError extends Error {}

interface HostArgs {
  options: Omit<HostOptions, 'token'>;
  tokenFile: string;
  verbose: boolean;
}

export function parseHostArgs(argv: readonly string[]): HostArgs {
  const o: { -readonly [K in keyof HostOptions]?: HostOptions[K] } & { allowOrigins: string[] } = { allowOrigins: [] };
  let tokenFile = defaultTokenFile();
  let verbose = false;
  const num = (flag: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} needs a non-negative number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--allow-upload') { o.allowUpload = true; continue; }
    if (flag === '--verbose' || flag === '-v') { verbose = true; continue; }
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    switch (flag) {
      case '--repo': o.repo = resolve(v); break;
      case '--engine':
        if (v !== 'ort' && v !== 'kiln' && v !== 'executorch') throw new UsageError('--engine is ort, kiln or executorch');
        o.engine = v;
        break;
      case '--ep': o.providers = v.split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--port': o.port = num(flag, v); break;
      case '--bind': case '--host': o.host = v; break;
      case '--allow-origin': {
        let origin: string;
        try { origin = new URL(v).origin; } catch { throw new UsageError(`--allow-origin needs an origin like https://app.example.com, got '${v}'`); }
        if (origin === 'null') throw new UsageError(`--allow-origin: '${v}' has no origin`);
        o.allowOrigins.push(origin);
        break;
      }
      case '--token-file': tokenFile = resolve(v); break;
      case '--max-body-mb': o.maxBodyBytes = Math.floor(num(flag, v) * 2 ** 20); break;
      case '--timeout-ms': o.timeoutMs = num(flag, v); break;
      case '--python': o.python = v; break;
      default: throw new UsageError(`host: unknown argument '${flag}'`);
    }
  }
  if (!o.repo) throw new UsageError('host: --repo <dir> is required');
  return { options: o as HostArgs['options'], tokenFile, verbose };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0';
  }
}

/** Runs the host until SIGINT/SIGTERM. Returns the exit code. */
export async function hostCommand(argv: readonly string[]): Promise<number> {
  let args: HostArgs;
  try {
    args = parseHostArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`kiln: ${e.message}\nusage: ${HOST_USAGE}\n`);
    return 2;
  }
  const err = (line: string) => process.stderr.write(line + '\n');
  try {
    const { token, created } = await loadOrCreateToken(args.tokenFile);
    const host = await startHost({
      ...args.options,
      token,
      version: packageVersion(),
      onEvent: (e) => {
        if (e.type === 'log') err(`kiln host: ${e.message}`);
        else if (e.type === 'internal-error') err(`kiln host: internal error: ${e.message}`);
        else if (e.type === 'request' && args.verbose) err(`> ${e.method} ${e.path}`);
        else if (e.type === 'response' && args.verbose) err(`< ${e.method} ${e.path} ${e.status} ${e.ms.toFixed(1)} ms`);
      },
    });
    process.stdout.write(`kiln host: serving ${args.options.repo} on ${host.url} (Open Inference Protocol v2, TensorFlow Serving predict)\n`);
    process.stdout.write(created
      ? `kiln host: bearer token (shown once; saved in ${args.tokenFile}, mode 0600):\n  ${token}\n`
      : `kiln host: bearer token in ${args.tokenFile}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  } catch (e) {
    err(`kiln: ${e instanceof KilnError ? e.message : e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
