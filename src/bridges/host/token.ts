/**
 * The host's bearer token: generated at first start (32 random bytes, base64url), kept in a file only its
 * owner can read (0600, in a 0700 folder), printed once — when it is created. A token file that others
 * can read is refused rather than used.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { KilnError } from '../../engine/errors.js';

export function defaultTokenFile(): string {
  if (process.env.KILN_HOST_TOKEN_FILE) return process.env.KILN_HOST_TOKEN_FILE;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'kiln', 'host-token');
}

/** The token in `file`, creating it when absent. `created` says whether to print it. */
export async function loadOrCreateToken(file: string): Promise<{ token: string; created: boolean }> {
  try {
    const st = await stat(file);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KilnError('E_IO', `the token file ${file} can be read by other users (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
    }
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length < 16) throw new KilnError('E_IO', `the token file ${file} holds no usable token (at least 16 characters); delete it to get a new one`);
    return { token, created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  // 'wx': fail rather than overwrite when another host created the file meanwhile.
  await writeFile(file, token + '\n', { mode: 0o600, flag: 'wx' });
  return { token, created: true };
}

/** Compares a request's Authorization header with the token in constant time. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([\x21-\x7e]+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
