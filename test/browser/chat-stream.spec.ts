/**
 * Kiln Chat while it generates: the stop button stops the worker within one token, the page stays
 * responsive (a timer on the main thread keeps ticking, no long tasks), and model output is shown
 * safely. The last test uses a chat-templated model built for it (test/browser/pages/chat-models.ts)
 * whose answer is known: HTML in it stays text and never runs, its Markdown renders, and regenerate,
 * edit-and-resend, copy and the keyboard-only path all work.
 */
import { expect, test } from '@playwright/test';
import { addModel, buildChat, messages, notices, openChat, presetSettings, send } from './pages/chat-app.js';
import { echoChatModel, HOSTILE_PIECES, HOSTILE_TEXT } from './pages/chat-models.js';

test.beforeAll(async () => {
  await buildChat();
});

test('stop ends the answer within one token; the page stays responsive while the worker generates', async ({ page, context }) => {
  // Long answers: 4000 tokens slide through the 2048-token context.
  await presetSettings(context, { maxTokens: 4000, temperature: 0.8, seed: '7' });
  const errors = await openChat(page);
  await addModel(page);
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  await page.fill('#prompt', 'Once upon a time');
  await page.press('#prompt', 'Enter');
  await page.waitForFunction(() => Number(document.querySelector('.msg.streaming')?.getAttribute('data-tokens') ?? 0) >= 20);
  // The timer is updated by setInterval on the main thread: it advances only if the page is free.
  const ticks: number[] = [];
  for (let i = 0; i < 6; i++) {
    ticks.push(Number(/([\d.]+) s/.exec((await page.textContent('#timer')) ?? '')?.[1]));
    await page.waitForTimeout(150);
  }
  for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]!);
  await expect(page.locator('.msg.streaming')).toBeVisible();
  // Typing works mid-answer (the composer stays usable while Send is replaced by Stop).
  await page.fill('#prompt', 'typed while it writes');
  await expect(page.locator('#prompt')).toHaveValue('typed while it writes');

  await page.click('#stop');
  await page.waitForSelector('body[data-replies="1"]');
  const atStop = Number(await page.getAttribute('body', 'data-tokens-at-stop'));
  const final = Number(await page.getAttribute('body', 'data-tokens-final'));
  expect(atStop).toBeGreaterThanOrEqual(20);
  expect(final - atStop).toBeGreaterThanOrEqual(0);
  expect(final - atStop).toBeLessThanOrEqual(1);
  expect(final).toBeLessThan(4000);
  await expect(page.locator('.msg.assistant .stats')).toContainText('stopped');
  const long = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
  expect(Math.max(0, ...long)).toBeLessThan(250);
  await expect(page.locator('#send')).toBeVisible();
  await expect(page.locator('#stop')).toBeHidden();
  expect(errors).toEqual([]);
});

test('a chat model: HTML in its output is shown as text, never run; Markdown, copy, regenerate, edit, keyboard', async ({ page, context, browserName }) => {
  test.skip(browserName !== 'chromium');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.route('**/gen/echo-chat.gguf', (route) => route.fulfill({
    body: Buffer.from(echoChatModel(HOSTILE_PIECES)), headers: { 'Cross-Origin-Resource-Policy': 'same-origin', 'Content-Type': 'application/octet-stream' },
  }));
  // Anything that turns up as an element in the conversation would be injected markup.
  await context.addInitScript(() => {
    const w = window as unknown as { seen: string[] };
    w.seen = [];
    addEventListener('DOMContentLoaded', () => new MutationObserver((rs) => rs.forEach((r) => r.addedNodes.forEach((n) => {
      if (n instanceof Element && n.closest('#messages')) [n, ...n.querySelectorAll('*')].forEach((x) => /^(IMG|SCRIPT|IFRAME|B)$/.test(x.tagName) && w.seen.push(x.outerHTML));
    }))).observe(document.body, { childList: true, subtree: true }));
  });
  const errors = await openChat(page);
  await addModel(page, '/gen/echo-chat.gguf');
  // A chat template: no warning, answers are chat turns.
  expect((await notices(page)).join('\n')).not.toMatch(/no chat template/);
  await expect(page.locator('#model-name')).not.toContainText('completion mode');

  // Keyboard only, from a fresh start (the model loads by itself): the skip link leads to the message box.
  await page.reload();
  await page.waitForSelector('body[data-model="loaded"]');
  await page.keyboard.press('Tab');
  await expect(page.locator('a.skip')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#prompt')).toBeFocused();
  await page.keyboard.type('Show me <b>markup</b>');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-replies="1"]');

  const answer = page.locator('.msg.assistant').last();
  await expect(answer.locator('.body')).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(answer.locator('.body')).toContainText('<script>window.__xss=2</script>');
  await expect(page.locator('.msg.user .body')).toHaveText('Show me <b>markup</b>');
  expect(await page.locator('#messages img, #messages script, #messages b').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number; seen: string[] }).__xss)).toBeUndefined();
  expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual([]);
  // Markdown: bold, inline code, a fenced block with its language and a copy button.
  await expect(answer.locator('strong')).toHaveText('bold');
  await expect(answer.locator('p code')).toHaveText('code');
  await expect(answer.locator('.code .code-lang')).toHaveText('js');
  await expect(answer.locator('.code pre code')).toHaveText('let a = 1;');
  await answer.locator('.code button.copy').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('let a = 1;');
  await answer.locator('.msg-actions button.copy-msg').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(HOSTILE_TEXT);
  await expect(answer.locator('.stats')).not.toContainText('raw completion');

  // Regenerate writes the last answer again (this model always says the same).
  await answer.locator('button.regenerate').click();
  await page.waitForSelector('body[data-replies="2"]');
  expect((await messages(page)).map((m) => m.role)).toEqual(['user', 'assistant']);

  // A second turn, then edit the first message: the turns after it go and a new answer comes.
  await send(page, 'And again');
  expect((await messages(page)).length).toBe(4);
  await page.locator('.msg.user').first().locator('button.edit').click();
  await page.locator('.msg.user textarea').fill('Edited question');
  await page.locator('.msg.user button.save-edit').click();
  await page.waitForSelector('body[data-replies="4"]');
  const after = await messages(page);
  expect(after.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(after[0]!.text).toBe('Edited question');
  expect(after[1]!.text).toContain('<script>window.__xss=2</script>');
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(errors).toEqual([]);
});

test('conversations: a new chat, switching, a system prompt, and deleting; all kept across a reload', async ({ page }) => {
  const errors = await openChat(page);
  await addModel(page);
  await send(page, 'Once upon a time');
  await page.click('#new-chat');
  await expect(page.locator('#messages .msg')).toHaveCount(0);
  await page.click('#system-box summary');
  await page.fill('#system', 'Tom had a red kite.');
  await page.locator('#system').dispatchEvent('change');
  await send(page, 'One day');
  await expect(page.locator('#conversations li')).toHaveCount(2);
  await page.reload();
  await page.waitForSelector('body[data-model="loaded"]');
  await expect(page.locator('#conversations li')).toHaveCount(2);
  await expect(page.locator('#system')).toHaveValue('Tom had a red kite.');
  await page.locator('#conversations li button.open', { hasText: 'Once upon a time' }).click();
  await expect(page.locator('#messages .msg.user .body').first()).toHaveText('Once upon a time');
  await expect(page.locator('#conversations li[aria-current="true"]')).toContainText('Once upon a time');
  await expect(page.locator('#system')).toHaveValue('');
  await page.locator('#conversations li', { hasText: 'One day' }).locator('button.delete').click();
  await expect(page.locator('#conversations li')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('a GGUF file picked from disk is copied into the store, survives a reload, and chats', async ({ page }) => {
  const errors = await openChat(page);
  await page.click('#add-model');
  await page.setInputFiles('#add-file', { name: 'my-chat-model.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from(echoChatModel(['Hello▁from▁a▁file.'])) });
  await expect(page.locator('input[name=src][value=file]')).toBeChecked();
  await page.click('#add-check');
  await expect(page.locator('#plan')).toContainText('Fits this device.');
  await page.click('#add-go');
  await page.waitForSelector('body[data-model="loaded"]');
  await expect(page.locator('#models li')).toContainText('my-chat-model.gguf');
  await page.reload();
  await page.waitForSelector('body[data-model="loaded"]');
  await expect(page.locator('#model-name')).toContainText('my-chat-model.gguf');
  expect(await send(page, 'Hi')).toBe('Hello from a file.');
  expect(errors).toEqual([]);
});
