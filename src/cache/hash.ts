/** SHA-256 through WebCrypto (browsers in a secure context, workers, Node 20). */

export const canHash = (): boolean => typeof crypto !== 'undefined' && typeof crypto.subtle?.digest === 'function';

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}
