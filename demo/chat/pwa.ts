/**
 * The service worker (sw.ts, built into sw.js with the list of files to precache) makes the app start
 * with no network after the first visit. It is registered in built apps only: the dev server has no
 * precache list. The header shows whether the network is there.
 */
import { $ } from './app.js';

const DEV = (import.meta as { env?: { DEV?: boolean } }).env?.DEV === true;

export function registerServiceWorker(): void {
  if (DEV || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('./sw.js', { scope: './' }).then(
    (reg) => {
      document.body.dataset.sw = 'registered';
      reg.addEventListener('updatefound', () => (document.body.dataset.sw = 'updating'));
    },
    (e: unknown) => {
      document.body.dataset.sw = 'failed';
      console.warn('service worker registration failed', e);
    },
  );
}

export function watchNetwork(): void {
  const show = () => {
    const net = $('net');
    net.textContent = navigator.onLine ? '' : 'Offline';
    net.classList.toggle('offline', !navigator.onLine);
  };
  addEventListener('online', show);
  addEventListener('offline', show);
  show();
}

/** Asks the browser to keep stored models under storage pressure (it may say no). */
export async function askPersistence(): Promise<void> {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch {}
}
