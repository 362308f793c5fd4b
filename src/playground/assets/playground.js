// The playground's only script (served as a file: the page runs under the app's CSP, no inline code).
// It calls the public API as any client would: GET /v1/previews, and POST /v1/previews/batch read as an NDJSON
// stream. When the service answers 401 UNAUTHORIZED it asks for an API key, sends it as the X-API-Key header and
// keeps it in sessionStorage (this tab only); with authentication off it never asks.

const KEY_STORAGE = 'linkPreview.apiKey';
const NDJSON = 'application/x-ndjson';

const byId = (id) => document.getElementById(id);

/** Builds an element; `text` is set as text (never parsed as HTML), the other entries as attributes. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'className') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

/** `value` when it is an absolute http(s) URL, else undefined: nothing else reaches an href or src. */
function httpUrl(value) {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** What a user typed, with `https://` added when it is a bare host name such as `example.com/post`. */
function normalizeInput(value) {
  const text = value.trim();
  if (text === '' || /^[a-z][a-z0-9+.-]*:/i.test(text) || /\s/.test(text)) return text;
  const host = text.split('/')[0];
  return host.includes('.') && !host.startsWith('.') ? `https://${text}` : text;
}

// --- API key -------------------------------------------------------------------------------------------------

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
  } catch {
    return undefined;
  }
}

function storeKey(key) {
  try {
    if (key === undefined) sessionStorage.removeItem(KEY_STORAGE);
    else sessionStorage.setItem(KEY_STORAGE, key);
  } catch {
    // Storage can be off (private modes): the key then lasts as long as the page.
  }
  memoryKey = key;
  byId('key-status').hidden = key === undefined;
}

let memoryKey = storedKey();

/** Thrown when the service answers 401 UNAUTHORIZED: the page asks for a key, then runs the action again. */
class KeyNeeded extends Error {
  constructor(problem, hadKey) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
    this.hadKey = hadKey;
  }
}

let pendingAction;

function askForKey(error) {
  const panel = byId('key-panel');
  const input = byId('api-key');
  byId('key-message').textContent = error.hadKey ? `The key was not accepted: ${error.message}` : error.message;
  input.value = '';
  panel.hidden = false;
  setStatus('');
  input.focus();
}

/** Runs an API action; on 401 UNAUTHORIZED keeps it to run again once a key is entered. */
async function run(action) {
  try {
    await action();
  } catch (error) {
    if (error instanceof KeyNeeded) {
      if (error.hadKey) storeKey(undefined);
      pendingAction = action;
      askForKey(error);
      return;
    }
    if (error.name === 'AbortError') return;
    showProblem(byId('results'), clientProblem(error));
    setStatus('');
  }
}

let inFlight;

/** fetch() with the stored key as `X-API-Key`; a new call cancels the one before. */
async function callApi(path, init = {}) {
  inFlight?.abort();
  inFlight = new AbortController();
  const headers = new Headers(init.headers);
  const key = memoryKey;
  if (key !== undefined) headers.set('X-API-Key', key);
  const response = await fetch(path, { ...init, headers, signal: inFlight.signal });
  if (response.status === 401) {
    const problem = await readJson(response);
    if (problem?.code === 'UNAUTHORIZED') throw new KeyNeeded(problem, key !== undefined);
    return { response, body: problem };
  }
  return { response };
}

async function readJson(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A problem document for what went wrong on this side (network down, an answer that is not JSON). */
function clientProblem(error) {
  return { title: 'The request did not complete', detail: error.message ?? String(error) };
}

/** The answer's problem document, or one made up for an answer that has none. */
function problemOf(response, body) {
  if (body !== null && typeof body === 'object' && typeof body.title === 'string') return body;
  return {
    title: `Unexpected answer (${response.status})`,
    detail: 'The service did not answer with a problem document.',
    status: response.status,
  };
}

// --- Rendering -----------------------------------------------------------------------------------------------

function setStatus(text) {
  byId('status').textContent = text;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

function hostOf(preview) {
  try {
    return new URL(preview.finalUrl ?? preview.url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** The largest declared icon, else the first. */
function bestIcon(icons = []) {
  const usable = icons.filter((icon) => httpUrl(icon.url));
  const size = (icon) => Number.parseInt(String(icon.sizes ?? '').split('x')[0], 10) || 0;
  return usable.reduce((best, icon) => (best === undefined || size(icon) > size(best) ? icon : best), undefined);
}

function image(src, props) {
  return el('img', { src, alt: '', referrerpolicy: 'no-referrer', decoding: 'async', ...props });
}

/** The card's picture: small or square ones sit beside the text, as chat apps show them. */
function cardMedia(card, preview) {
  const picture = (preview.images ?? []).find((candidate) => httpUrl(candidate.url));
  if (picture === undefined) return;
  const small = picture.width !== undefined && (picture.width < 400 || picture.width === picture.height);
  if (small && preview.type !== 'image') card.classList.add('card-thumb');
  const img = image(picture.url, { className: 'card-image', alt: picture.alt ?? '' });
  const media = el('div', { className: 'card-media' }, img);
  img.addEventListener('error', () => media.remove(), { once: true });
  card.append(media);
}

/** Icon, site name and host. */
function cardSite(preview) {
  const site = el('div', { className: 'card-site' });
  const icon = bestIcon(preview.icons);
  if (icon) {
    const iconImg = image(icon.url, { className: 'card-icon', width: 18, height: 18 });
    iconImg.addEventListener('error', () => iconImg.remove(), { once: true });
    site.append(iconImg);
  }
  if (preview.siteName) site.append(el('span', { className: 'card-site-name', text: preview.siteName }));
  const host = hostOf(preview);
  if (host && host !== preview.siteName) site.append(el('span', { className: 'card-host', text: host }));
  return site;
}

/** Type, author and date, or nothing when the preview has none of them. */
function cardMeta(preview) {
  const meta = el('div', { className: 'card-meta' });
  if (preview.type) meta.append(el('span', { className: 'card-type', text: preview.type }));
  if (preview.author) meta.append(el('span', { className: 'card-author', text: preview.author }));
  if (preview.publishedAt) {
    const date = formatDate(preview.publishedAt);
    meta.append(el('time', { className: 'card-date', datetime: preview.publishedAt, text: date }));
  }
  return meta.childElementCount > 0 ? meta : undefined;
}

/** The preview as chat apps unfurl it: image, site, title, description, author, date and type. */
function previewCard(preview) {
  const link = httpUrl(preview.finalUrl) ?? httpUrl(preview.url);
  const card = link
    ? el('a', { className: 'card', href: link, target: '_blank', rel: 'noopener noreferrer' })
    : el('div', { className: 'card' });
  card.dataset.testid = 'preview-card';
  // Set through the CSSOM, which the CSP allows (a style attribute it would not).
  if (/^#[0-9a-f]{3,8}$/i.test(preview.themeColor ?? '')) card.style.setProperty('--card-accent', preview.themeColor);
  cardMedia(card, preview);
  card.append(
    el(
      'div',
      { className: 'card-body' },
      cardSite(preview),
      el('h3', { className: 'card-title', text: preview.title || hostOf(preview) || preview.url }),
      preview.description ? el('p', { className: 'card-description', text: preview.description }) : undefined,
      cardMeta(preview),
    ),
  );
  return card;
}

function problemBox(problem) {
  const meta = el('div', { className: 'problem-meta' });
  if (problem.code) meta.append(el('code', { text: problem.code }));
  if (problem.status) meta.append(el('span', { text: `HTTP ${problem.status}` }));
  if (problem.requestId) meta.append(el('span', { text: `request ${problem.requestId}` }));
  return el(
    'div',
    { className: 'problem', role: 'alert', 'data-testid': 'problem' },
    el('p', { className: 'problem-title', text: problem.title }),
    problem.detail ? el('p', { className: 'problem-detail', text: problem.detail }) : undefined,
    meta.childElementCount > 0 ? meta : undefined,
  );
}

function showProblem(container, problem) {
  container.replaceChildren(problemBox(problem));
}

function jsonToken(value) {
  let kind = 'literal';
  if (typeof value === 'string') kind = 'string';
  else if (typeof value === 'number') kind = 'number';
  return el('span', { className: `json-${kind}`, text: JSON.stringify(value) });
}

/** Appends `value` as JSON.stringify(value, null, 2) writes it, with keys and values in spans for colour. */
function appendJson(code, value, depth) {
  const indent = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((item) => [undefined, item]) : Object.entries(value);
    if (entries.length === 0) {
      code.append(isArray ? '[]' : '{}');
      return;
    }
    code.append(isArray ? '[\n' : '{\n');
    entries.forEach(([key, item], index) => {
      code.append(indent);
      if (key !== undefined) code.append(el('span', { className: 'json-key', text: JSON.stringify(key) }), ': ');
      appendJson(code, item, depth + 1);
      code.append(index < entries.length - 1 ? ',\n' : '\n');
    });
    code.append(close, isArray ? ']' : '}');
    return;
  }
  code.append(jsonToken(value));
}

/** Pretty-printed JSON, built as text nodes (never parsed as HTML). */
function jsonView(value) {
  const code = el('code');
  appendJson(code, value, 0);
  return el('pre', { className: 'json', 'data-testid': 'json' }, code);
}

/** Parses a `Server-Timing` header: `name;dur=12.3;desc="..."` entries, comma-separated. */
function parseServerTiming(header) {
  if (!header) return [];
  return header.split(',').flatMap((entry) => {
    const [name, ...params] = entry.split(';').map((part) => part.trim());
    if (!name) return [];
    const metric = { name };
    for (const param of params) {
      const [key, ...rest] = param.split('=');
      const value = rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key.trim().toLowerCase() === 'dur') metric.duration = Number.parseFloat(value);
      if (key.trim().toLowerCase() === 'desc') metric.description = value;
    }
    return [metric];
  });
}

function timingRow(label, description, ms, scale, className) {
  const bar = el('span');
  bar.style.setProperty('--share', String(scale > 0 && Number.isFinite(ms) ? Math.min(1, ms / scale) : 0));
  return el(
    'tr',
    { className },
    el(
      'td',
      { className: 'timing-name' },
      label,
      description ? el('span', { className: 'timing-desc', text: description }) : undefined,
    ),
    el('td', {}, el('div', { className: 'timing-bar' }, bar)),
    el('td', { className: 'timing-value', text: Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '–' }),
  );
}

/** The `Server-Timing` breakdown, with the round trip the browser measured for scale. */
function timingTable(header, roundTripMs) {
  const metrics = parseServerTiming(header);
  const scale = Math.max(roundTripMs, ...metrics.map((metric) => metric.duration ?? 0));
  const body = el('tbody');
  for (const metric of metrics) body.append(timingRow(metric.name, metric.description, metric.duration, scale));
  body.append(timingRow('round trip', 'seen by this browser', roundTripMs, scale, 'timing-client'));
  return el('table', { className: 'timing', 'data-testid': 'server-timing' }, body);
}

function chip(text, className = 'chip') {
  return el('span', { className, text });
}

function responseChips(response, roundTripMs) {
  const chips = el('div', { className: 'chips' });
  chips.append(
    chip(`${response.status} ${response.statusText}`.trim(), response.ok ? 'chip chip-ok' : 'chip chip-error'),
  );
  const cache = response.headers.get('x-cache');
  if (cache) chips.append(chip(`X-Cache: ${cache}`));
  const control = response.headers.get('cache-control');
  if (control && response.ok) chips.append(chip(control));
  chips.append(chip(`${Math.round(roundTripMs)} ms`));
  const requestId = response.headers.get('x-request-id');
  if (requestId) chips.append(chip(`request ${requestId}`));
  return chips;
}

function panel(title, className, ...content) {
  return el('section', { className: `panel ${className}` }, el('h2', { text: title }), ...content);
}

// --- Actions -------------------------------------------------------------------------------------------------

function setBusy(button, busy) {
  button.disabled = busy;
}

async function previewOne(url) {
  const results = byId('results');
  const button = byId('preview-button');
  setBusy(button, true);
  setStatus('Fetching the preview…');
  try {
    const started = performance.now();
    const { response, body: unauthorized } = await callApi(`/v1/previews?url=${encodeURIComponent(url)}`, {
      headers: { accept: 'application/json' },
    });
    const body = unauthorized ?? (await readJson(response));
    const roundTripMs = performance.now() - started;
    const main = response.ok && body ? previewCard(body) : problemBox(problemOf(response, body));
    results.replaceChildren(
      el(
        'div',
        { className: 'result-single' },
        el('div', { className: 'result-main' }, main),
        panel(
          'Response',
          'response-panel',
          el('div', { className: 'panel-section' }, responseChips(response, roundTripMs)),
          el(
            'div',
            { className: 'panel-section' },
            el('h2', { text: 'Server-Timing' }),
            timingTable(response.headers.get('server-timing'), roundTripMs),
          ),
        ),
        body === undefined ? undefined : panel('JSON', 'json-panel', jsonView(body)),
      ),
    );
    setStatus('');
  } finally {
    setBusy(button, false);
  }
}

function ordinal(n) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function batchItem(item, finished) {
  const content = item.ok ? previewCard(item.preview) : problemBox(item.error ?? { title: 'Failed' });
  return el(
    'li',
    { className: 'batch-item', 'data-testid': 'batch-item', 'data-index': item.index },
    el(
      'div',
      { className: 'batch-item-head' },
      el('span', { className: 'batch-item-url', text: `#${item.index + 1} · ${item.url}`, title: item.url }),
      el('span', { className: 'batch-item-order', text: `${ordinal(finished)} to finish` }),
    ),
    content,
    el('details', {}, el('summary', { text: 'JSON' }), jsonView(item)),
  );
}

/** Reads an NDJSON body line by line as it arrives. */
async function* ndjsonLines(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') yield JSON.parse(line);
      newline = buffer.indexOf('\n');
    }
  }
  if (buffer.trim() !== '') yield JSON.parse(buffer);
}

async function previewBatch(urls) {
  const results = byId('results');
  const button = byId('batch-button');
  setBusy(button, true);
  setStatus(`Previewing ${urls.length} URL${urls.length === 1 ? '' : 's'}…`);
  try {
    const started = performance.now();
    const { response, body: unauthorized } = await callApi('/v1/previews/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: NDJSON },
      body: JSON.stringify({ urls }),
    });
    if (!response.ok || response.body === null) {
      showProblem(results, problemOf(response, unauthorized ?? (await readJson(response))));
      setStatus('');
      return;
    }
    const list = el('ol', { className: 'batch-list', 'data-testid': 'batch-list' });
    results.replaceChildren(list);
    let finished = 0;
    let failed = 0;
    for await (const item of ndjsonLines(response.body)) {
      finished += 1;
      if (!item.ok) failed += 1;
      list.append(batchItem(item, finished));
      setStatus(`${finished} of ${urls.length} done…`);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const failures = failed === 0 ? '' : `, ${failed} failed`;
    setStatus(`${finished} of ${urls.length} done in ${seconds} s${failures}.`);
  } finally {
    setBusy(button, false);
  }
}

// --- Wiring --------------------------------------------------------------------------------------------------

function selectTab(name) {
  for (const mode of ['single', 'batch']) {
    const selected = mode === name;
    byId(`tab-${mode}`).setAttribute('aria-selected', String(selected));
    byId(`panel-${mode}`).hidden = !selected;
  }
  byId(name === 'single' ? 'url' : 'urls').focus();
}

function start() {
  byId('key-status').hidden = memoryKey === undefined;
  byId('tab-single').addEventListener('click', () => selectTab('single'));
  byId('tab-batch').addEventListener('click', () => selectTab('batch'));

  byId('single-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('url');
    const url = normalizeInput(input.value);
    if (url === '') {
      input.focus();
      return;
    }
    input.value = url;
    void run(() => previewOne(url));
  });

  byId('batch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const textarea = byId('urls');
    const urls = textarea.value
      .split('\n')
      .map(normalizeInput)
      .filter((url) => url !== '');
    if (urls.length === 0) {
      textarea.focus();
      return;
    }
    textarea.value = urls.join('\n');
    void run(() => previewBatch(urls));
  });

  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = byId('api-key').value.trim();
    if (key === '') return;
    storeKey(key);
    byId('key-panel').hidden = true;
    const action = pendingAction;
    pendingAction = undefined;
    if (action) void run(action);
  });

  byId('forget-key').addEventListener('click', () => storeKey(undefined));
}

start();
