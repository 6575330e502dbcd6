/**
 * Shared steps of the chat app's browser tests: build the app (when demo/chat or src changed since the
 * last build), open it, add models through its dialog, send messages and wait for the answers.
 */
import { join, resolve } from 'node:path';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { buildIfStale } from '../build-if-stale.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const APP = '/demo/dist/chat/index.html';
const BUILT = join(ROOT, 'demo/dist/chat/sw.js');

export async function buildChat(): Promise<void> {
  await buildIfStale(join(ROOT, 'demo/chat/vite.config.ts'), BUILT, [join(ROOT, 'demo/chat'), join(ROOT, 'src')]);
}

/** Settings stored before the app starts (the same JSON the settings dialog writes). */
export async function presetSettings(context: BrowserContext, settings: Record<string, unknown>): Promise<void> {
  await context.addInitScript((s) => {
    if (!localStorage.getItem('kiln-chat:settings')) localStorage.setItem('kiln-chat:settings', JSON.stringify(s));
  }, settings);
}

/** Opens the app and waits until its worker and model store are up. Page errors are collected. */
export async function openChat(page: Page, query = ''): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${APP}${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  return errors;
}

/** Adds a model through the "Add a model" dialog (the sample, or a URL) and waits until it is loaded. */
export async function addModel(page: Page, url?: string): Promise<void> {
  await page.click('#add-model');
  if (url) await page.fill('#add-url', url);
  await page.click('#add-go');
  await page.waitForSelector('body[data-model="loaded"]');
}

/** Sends a message with the keyboard and waits for the answer; returns the answer's text. */
export async function send(page: Page, text: string): Promise<string> {
  const before = Number((await page.getAttribute('body', 'data-replies')) ?? 0);
  await page.fill('#prompt', text);
  await page.press('#prompt', 'Enter');
  await page.waitForSelector(`body[data-replies="${before + 1}"]`);
  return (await page.locator('.msg.assistant .body').last().innerText()).trim();
}

/** Messages on screen as { role, text }. */
export async function messages(page: Page): Promise<{ role: string; text: string }[]> {
  return page.$$eval('#messages .msg', (ms) => ms.map((m) => ({ role: m.classList.contains('user') ? 'user' : 'assistant', text: (m.querySelector('.body') as HTMLElement).innerText.trim() })));
}

export async function notices(page: Page): Promise<string[]> {
  return page.$$eval('#notices .notice p', (ns) => ns.map((n) => n.textContent ?? ''));
}

/** Waits until the service worker controls the page (it claims open pages when it activates). */
export async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/demo\/dist\/chat\/sw\.js$/);
}
