/**
 * Notices above the conversation: errors (role=alert), warnings and information, each with a key (a
 * new notice replaces the one with the same key), optional action buttons and a dismiss button.
 */
export interface NoticeAction {
  readonly label: string;
  readonly run: () => void;
}

export type NoticeKind = 'error' | 'warning' | 'info';

const box = (): HTMLElement => document.getElementById('notices')!;

export function notify(kind: NoticeKind, key: string, text: string, actions: readonly NoticeAction[] = []): void {
  clearNotice(key);
  const n = document.createElement('div');
  n.className = `notice ${kind}`;
  n.dataset.key = key;
  n.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const p = document.createElement('p');
  p.textContent = text;
  n.append(p);
  for (const a of actions) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = a.label;
    b.dataset.action = a.label;
    b.addEventListener('click', () => {
      clearNotice(key);
      a.run();
    });
    n.append(b);
  }
  const x = document.createElement('button');
  x.type = 'button';
  x.className = 'dismiss';
  x.textContent = '×';
  x.setAttribute('aria-label', 'Dismiss');
  x.addEventListener('click', () => clearNotice(key));
  n.append(x);
  box().append(n);
}

export function clearNotice(key: string): void {
  box().querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
}

export function errorText(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  const msg = e instanceof Error ? e.message.replace(/^\[[A-Z0-9_]+\] /, '') : String(e);
  return code ? `${msg} (${code})` : msg;
}
