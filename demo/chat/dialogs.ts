/** The two dialogs: settings (sampling, context, memory budget) and "Add a model" (sample, URL, file). */
import { $, state } from './app.js';
import { addModel, describePlan, planSource, SAMPLE_URL, type Source } from './models.js';
import { errorText } from './notices.js';
import { saveSettings, type Settings } from './store.js';

const NUMBER_FIELDS = ['temperature', 'topP', 'maxTokens', 'contextSize', 'budgetMiB'] as const;

export function setupSettings(): void {
  const dialog = $<HTMLDialogElement>('settings');
  const field = (k: string) => $<HTMLInputElement>(`s-${k}`);
  $('settings-open').addEventListener('click', () => {
    for (const k of NUMBER_FIELDS) field(k).value = String(state.settings[k]);
    field('seed').value = state.settings.seed;
    dialog.showModal();
  });
  dialog.addEventListener('change', () => {
    const s: Settings = { ...state.settings };
    for (const k of NUMBER_FIELDS) {
      const v = Number(field(k).value);
      if (field(k).value !== '' && Number.isFinite(v) && v >= 0) s[k] = v;
    }
    s.seed = field('seed').value.trim();
    state.settings = s;
    saveSettings(s);
  });
}

function chosenSource(): Source {
  const kind = (document.querySelector('input[name=src]:checked') as HTMLInputElement).value;
  if (kind === 'url') {
    const url = $<HTMLInputElement>('add-url').value.trim();
    if (!/^https?:\/\//i.test(url) && !url.startsWith('/')) throw new Error('enter the http(s) URL of a .gguf file');
    return { kind: 'url', url: new URL(url, location.href).href };
  }
  if (kind === 'file') {
    const f = $<HTMLInputElement>('add-file').files?.[0];
    if (!f) throw new Error('choose a .gguf file first');
    return { kind: 'file', file: f };
  }
  return { kind: 'url', url: SAMPLE_URL };
}

export function setupAddDialog(): void {
  const dialog = $<HTMLDialogElement>('add');
  const plan = $('plan');
  const go = $<HTMLButtonElement>('add-go');
  $('add-model').addEventListener('click', () => {
    plan.replaceChildren();
    go.textContent = 'Download and load';
    go.dataset.force = 'false';
    dialog.showModal();
  });
  // Picking a URL or a file selects its radio button.
  $('add-url').addEventListener('input', () => ((document.querySelector('input[name=src][value=url]') as HTMLInputElement).checked = true));
  $('add-file').addEventListener('change', () => ((document.querySelector('input[name=src][value=file]') as HTMLInputElement).checked = true));
  $('add-check').addEventListener('click', async () => {
    plan.textContent = 'Reading the model’s header…';
    try {
      const d = describePlan(await planSource(chosenSource()));
      plan.replaceChildren(d.text);
      go.textContent = d.fits ? 'Download and load' : 'Download anyway';
      go.dataset.force = String(!d.fits);
    } catch (e) {
      plan.textContent = `Cannot use this model: ${errorText(e)}`;
    }
  });
  go.addEventListener('click', () => {
    let src: Source;
    try {
      src = chosenSource();
    } catch (e) {
      plan.textContent = errorText(e);
      return;
    }
    dialog.close();
    void addModel(src, { force: go.dataset.force === 'true' });
    go.dataset.force = 'false';
  });
}
