// newsum review page: a brief beside its source, every item one click from its evidence.
// Plain DOM code, no framework and no build step. Article text only ever reaches the page
// through textContent / text nodes, never as markup.
(function () {
  'use strict';

  const KEY_STORE = 'newsum.apiKey'; // sessionStorage only: gone when the tab closes
  const BACKEND_NAME = /^[A-Za-z0-9_.-]{1,40}$/;

  const $ = (sel) => document.querySelector(sel);
  const state = {
    brief: null, // the last brief, as the API returned it
    items: new Map(), // item id -> {id, kind, el, spans: [{start, end, text}], confidence}
    order: [], // item ids in display order
    statementSpans: [], // claim / denial / next-step evidence: [{id, start, end}]
    selected: [], // selected item ids
    requestFields: {}, // SummarizeRequest properties from the server's OpenAPI schema
    controller: null, // AbortController of the request in flight
    retryTimer: null,
  };

  // -- small DOM helpers ---------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  function text(sel, value) {
    $(sel).textContent = value;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  function reducedMotion() {
    return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  }

  // -- API access ----------------------------------------------------------------------
  function apiHeaders() {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) headers.Authorization = `Bearer ${key}`;
    return headers;
  }

  async function errorOf(res) {
    try {
      const body = await res.json();
      if (body && body.error) return { code: body.error.code || '', message: body.error.message || '' };
    } catch (_) {
      /* not JSON: a proxy's page, say */
    }
    return { code: '', message: res.statusText || '' };
  }

  function retryAfterSeconds(res) {
    const raw = (res.headers.get('Retry-After') || '').trim();
    if (/^\d+$/.test(raw)) return parseInt(raw, 10);
    const when = Date.parse(raw);
    if (!Number.isNaN(when)) return Math.max(0, Math.ceil((when - Date.now()) / 1000));
    return null;
  }

  function sentence(message) {
    const m = String(message || '').trim().replace(/[.\s]+$/, '');
    return m ? `${m[0].toUpperCase()}${m.slice(1)}.` : '';
  }

  function messageFor(status, error, retryAfter) {
    const detail = sentence(error.message);
    switch (status) {
      case 400:
        return `The server could not read the request. ${detail}`;
      case 401:
        return sessionStorage.getItem(KEY_STORE)
          ? 'The server refused this API key. Enter a valid key above, then submit again.'
          : 'This server needs an API key. Enter it above, then submit again.';
      case 413:
        return `The article is too large for this server. ${detail}`;
      case 422:
        return `The article could not be briefed. ${detail}`;
      case 429: {
        const wait =
          retryAfter === null ? 'in a moment' : `in ${plural(retryAfter, 'second', 'seconds')}`;
        return `The server is busy: too many articles are waiting. Try again ${wait}.`;
      }
      case 503:
        return `That backend is not available on this server. ${detail}`;
      case 504:
        return `The server gave up waiting for the brief. ${detail} A shorter article is quicker.`;
      case 500:
        return 'The server failed unexpectedly (it logged the error). Try again, or try another backend.';
      default:
        return `The server answered ${status}. ${detail}`;
    }
  }

  function showError(message) {
    const alert = $('#alert');
    alert.textContent = message.trim();
  }

  function clearError() {
    $('#alert').textContent = '';
  }

  // -- the form's options, as far as this server offers them ---------------------------
  function numberSchema(prop) {
    if (!prop) return null;
    if (prop.type === 'number' || prop.type === 'integer') return prop;
    for (const branch of prop.anyOf || prop.oneOf || []) {
      if (branch.type === 'number' || branch.type === 'integer') return branch;
    }
    return prop;
  }

  function backendChoices(prop) {
    const branches = [prop, ...(prop.anyOf || [])];
    for (const b of branches) if (Array.isArray(b.enum)) return b.enum.filter((v) => typeof v === 'string');
    // "extractive | seq2seq | llm | ct2 | auto; default from NEWSUM_BACKEND."
    const names = String(prop.description || '')
      .split(';')[0]
      .split('|')
      .map((s) => s.trim());
    return names.length > 1 && names.every((n) => BACKEND_NAME.test(n)) ? names : [];
  }

  function setLimits(input, prop) {
    const schema = numberSchema(prop);
    if (!schema) return;
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    if (min !== undefined) input.min = String(min);
    if (max !== undefined) input.max = String(max);
  }

  async function loadOptions() {
    let spec;
    try {
      const res = await fetch('openapi.json', { headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      spec = await res.json();
    } catch (_) {
      return; // the form still works with text, url and title
    }
    const schemas = (spec.components && spec.components.schemas) || {};
    const props = (schemas.SummarizeRequest && schemas.SummarizeRequest.properties) || {};
    state.requestFields = props;
    if (props.backend) {
      const choices = backendChoices(props.backend);
      if (choices.length) {
        const select = $('#backend');
        for (const name of choices) select.append(el('option', { value: name }, name));
        $('#backend-field').hidden = false;
      }
    }
    if (props.max_claims) {
      setLimits($('#max-claims'), props.max_claims);
      $('#max-claims-field').hidden = false;
    }
    if (props.min_confidence) {
      setLimits($('#min-confidence'), props.min_confidence);
      $('#min-confidence-field').hidden = false;
    }
  }

  // -- API key -------------------------------------------------------------------------
  async function probeKey() {
    // /v1/schema is cheap and guarded like /v1/summarize: a 401 means a key is needed.
    let res;
    try {
      res = await fetch('v1/schema', { headers: apiHeaders() });
    } catch (_) {
      return null;
    }
    const needed = res.status === 401;
    showKeyBox(needed);
    return !needed;
  }

  function showKeyBox(show) {
    $('#key-box').hidden = !show;
    $('#key-forget').hidden = !sessionStorage.getItem(KEY_STORE);
  }

  async function saveKey() {
    const key = $('#api-key').value.trim();
    if (!key) {
      showError('Enter the API key first.');
      $('#api-key').focus();
      return;
    }
    sessionStorage.setItem(KEY_STORE, key);
    $('#api-key').value = '';
    const ok = await probeKey();
    if (ok === false) {
      showError('The server refused this API key. Check it and try again.');
      showKeyBox(true);
      $('#api-key').focus();
    } else {
      clearError();
      $('#busy').textContent = 'API key accepted for this tab.';
      $('#text').focus();
    }
  }

  function forgetKey() {
    sessionStorage.removeItem(KEY_STORE);
    probeKey();
  }

  // -- input: text, HTML, URL or a dropped file ------------------------------------------
  function setKind(kind) {
    for (const radio of document.querySelectorAll('input[name="kind"]')) radio.checked = radio.value === kind;
  }

  function looksLikeHtmlPage(value) {
    return /^\s*(<!doctype html|<html[\s>])/i.test(value);
  }

  async function loadFile(file) {
    const name = file.name || 'file';
    const isHtml = /\.x?html?$/i.test(name) || file.type === 'text/html';
    const isText = /\.txt$/i.test(name) || file.type === 'text/plain';
    if (!isHtml && !isText) {
      showError(`${name} is not a .txt or .html file.`);
      return;
    }
    const content = await file.text();
    $('#text').value = content;
    $('#url').value = '';
    setKind(isHtml ? 'html' : 'text');
    clearError();
    $('#file-note').textContent = `Loaded ${name} (${content.length.toLocaleString('en')} characters, as ${
      isHtml ? 'HTML' : 'plain text'
    }).`;
  }

  function carriesFiles(e) {
    return Boolean(e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files'));
  }

  function wireInput() {
    const drop = $('#drop');
    // files only: dragging text into the box keeps working as usual
    drop.addEventListener('dragover', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      drop.classList.remove('over');
      const file = e.dataTransfer.files[0];
      if (file) loadFile(file);
    });
    // a file dropped next to the box must not navigate away from the page
    for (const type of ['dragover', 'drop']) {
      window.addEventListener(type, (e) => {
        if (carriesFiles(e)) e.preventDefault();
      });
    }
    $('#file').addEventListener('change', (e) => {
      const file = e.target.files && e.target.files[0];
      if (file) loadFile(file);
    });
    $('#text').addEventListener('paste', () => {
      setTimeout(() => {
        if (looksLikeHtmlPage($('#text').value)) setKind('html');
      });
    });
  }

  function requestBody() {
    const form = $('#article-form');
    const data = new FormData(form);
    const textValue = String(data.get('text') || '');
    const url = String(data.get('url') || '').trim();
    const hasText = textValue.trim().length > 0;
    if (hasText && url) throw new Error('Give the article as text or as a URL, not both.');
    if (!hasText && !url) throw new Error('Paste an article, give its URL, or drop a .txt or .html file.');
    const body = { with_source: true };
    if (url) body.url = url;
    else if (data.get('kind') === 'html') body.html = textValue;
    else body.text = textValue;
    const title = String(data.get('title') || '').trim();
    if (title) body.title = title;
    const fields = state.requestFields;
    const backend = String(data.get('backend') || '');
    if (backend && fields.backend) body.backend = backend;
    const maxClaims = String(data.get('max_claims') || '').trim();
    if (maxClaims && fields.max_claims) body.max_claims = Number(maxClaims);
    const minConfidence = String(data.get('min_confidence') || '').trim();
    if (minConfidence && fields.min_confidence) body.min_confidence = Number(minConfidence);
    return body;
  }

  // -- submit ---------------------------------------------------------------------------
  async function submit(event) {
    event.preventDefault();
    let body;
    try {
      body = requestBody();
    } catch (err) {
      showError(err.message);
      return;
    }
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    clearError();
    performance.clearMarks('newsum:submit');
    performance.clearMarks('newsum:rendered');
    performance.clearMeasures('newsum:submit-to-brief');
    performance.mark('newsum:submit');
    setBusy(true);
    let res;
    try {
      res = await fetch('v1/summarize', {
        method: 'POST',
        headers: apiHeaders(),
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted) return;
      setBusy(false);
      showError('Cannot reach the newsum server. Check that it is running, then try again.');
      return;
    }
    if (!res.ok) {
      const retryAfter = res.status === 429 ? retryAfterSeconds(res) : null;
      const error = await errorOf(res);
      if (controller.signal.aborted) return;
      setBusy(false);
      showError(messageFor(res.status, error, retryAfter));
      if (res.status === 401) {
        showKeyBox(true);
        $('#api-key').focus();
      }
      if (res.status === 429) holdSubmit(retryAfter);
      return;
    }
    let brief;
    try {
      brief = await res.json();
    } catch (_) {
      setBusy(false);
      showError('The server sent a brief this page cannot read.');
      return;
    }
    if (controller.signal.aborted) return;
    renderBrief(brief);
    setBusy(false);
    // after the next frame: the brief is laid out and painted
    requestAnimationFrame(() =>
      setTimeout(() => {
        performance.mark('newsum:rendered');
        performance.measure('newsum:submit-to-brief', 'newsum:submit', 'newsum:rendered');
        $('#result').dataset.state = 'rendered';
      }),
    );
  }

  function setBusy(busy) {
    $('#submit').disabled = busy;
    $('#result').setAttribute('aria-busy', busy ? 'true' : 'false');
    $('#busy').textContent = busy ? 'Briefing…' : '';
    if (busy) $('#result').dataset.state = 'busy';
  }

  function holdSubmit(seconds) {
    const button = $('#submit');
    let left = Math.min(Math.max(seconds ?? 1, 1), 120);
    clearInterval(state.retryTimer);
    button.disabled = true;
    const tick = () => {
      if (left <= 0) {
        clearInterval(state.retryTimer);
        button.disabled = false;
        button.textContent = 'Brief it';
        return;
      }
      button.textContent = `Retry in ${left} s`;
      left -= 1;
    };
    tick();
    state.retryTimer = setInterval(tick, 1000);
  }

  // -- offsets: the API counts code points, JavaScript strings count UTF-16 units ---------
  function offsetMapper(source) {
    if (!/[\uD800-\uDFFF]/.test(source)) return (i) => i;
    const map = [];
    let unit = 0;
    for (const ch of source) {
      map.push(unit);
      unit += ch.length;
    }
    map.push(unit);
    return (i) => map[Math.min(Math.max(i, 0), map.length - 1)];
  }

  function span(evidence, toUnits) {
    return { start: toUnits(evidence.start), end: toUnits(evidence.end), text: evidence.text };
  }

  // -- the brief ------------------------------------------------------------------------
  function itemIds(brief) {
    const claims = brief.claims || [];
    const denials = brief.denials || [];
    return {
      actors: (brief.key_actors || []).map((a, i) => a.id || `a${i + 1}`),
      claims: claims.map((c, i) => c.id || `c${i + 1}`),
      denials: denials.map((d, i) => d.id || `d${i + 1}`),
      steps: (brief.next_steps || []).map((n, i) => n.id || `n${i + 1}`),
    };
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  function overlaps(a, b) {
    return a.start < b.end && b.start < a.end;
  }

  function actorSpans(actor, source, toUnits) {
    // the API's evidence first, then every other whole-word mention of the name or an alias
    const spans = (actor.evidence || []).map((e) => span(e, toUnits));
    const names = [actor.name, ...(actor.aliases || [])]
      .filter((n) => typeof n === 'string' && n.trim().length > 1)
      .sort((a, b) => b.length - a.length);
    if (!names.length || !source) return spans;
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of source.matchAll(pattern)) {
      const found = { start: m.index, end: m.index + m[0].length, text: m[0] };
      if (!spans.some((s) => overlaps(s, found))) spans.push(found);
    }
    return spans.sort((a, b) => a.start - b.start);
  }

  function confidenceBadge(value) {
    if (typeof value !== 'number') return null;
    return el('span', { class: 'conf' }, `confidence ${value.toFixed(2)}`);
  }

  function idTag(id) {
    return el('span', { class: 'id', 'aria-hidden': 'true' }, id);
  }

  function makeItem(role, id, kind, content, extraClass) {
    const node = el(
      'li',
      { role, class: `item ${kind}${extraClass ? ` ${extraClass}` : ''}`, 'data-item-id': id, 'aria-selected': 'false', tabindex: '-1' },
      // spaces between the parts, so that text and accessible names read as words
      el('div', { class: 'row' }, ...content.filter(Boolean).flatMap((part, i) => (i ? [' ', part] : [part]))),
    );
    return node;
  }

  function register(id, kind, node, spans, confidence) {
    state.items.set(id, { id, kind, el: node, spans, confidence });
    state.order.push(id);
  }

  function renderActors(brief, ids, source, toUnits) {
    const list = $('#actors');
    (brief.key_actors || []).forEach((actor, i) => {
      const id = ids.actors[i];
      const facts = [actor.type, actor.role, plural(actor.mentions ?? 0, 'mention', 'mentions')].filter(Boolean);
      const aliases = (actor.aliases || []).length ? el('span', { class: 'aliases' }, `also: ${actor.aliases.join(', ')}`) : null;
      const node = makeItem('option', id, 'actor', [
        idTag(id),
        el('span', { class: 'who' }, actor.name),
        el('span', { class: 'facts' }, facts.join(' · ')),
        aliases,
        confidenceBadge(actor.confidence),
      ]);
      list.append(node);
      register(id, 'actor', node, actorSpans(actor, source, toUnits), actor.confidence);
    });
  }

  function statement(value) {
    return el('p', { class: 'stmt' }, value || '');
  }

  function renderClaims(brief, ids, toUnits) {
    const list = $('#claims');
    const claims = brief.claims || [];
    const denials = brief.denials || [];
    const claimIds = new Set(ids.claims);
    const under = new Map(); // claim id -> its denials' indexes
    denials.forEach((d, i) => {
      if (d.rebuts && claimIds.has(d.rebuts)) {
        if (!under.has(d.rebuts)) under.set(d.rebuts, []);
        under.get(d.rebuts).push(i);
      }
    });
    const denialNode = (d, i) => {
      const id = ids.denials[i];
      const rebuts = d.rebuts ? el('span', { class: 'rebuts' }, `rebuts ${d.rebuts}`) : null;
      const node = makeItem('treeitem', id, 'denial', [
        idTag(id),
        el('span', { class: 'who' }, d.speaker || 'Someone'),
        el('span', { class: 'verb' }, 'denies'),
        rebuts,
        confidenceBadge(d.confidence),
        statement(d.statement),
      ]);
      register(id, 'denial', node, d.evidence ? [span(d.evidence, toUnits)] : [], d.confidence);
      return node;
    };
    claims.forEach((c, i) => {
      const id = ids.claims[i];
      const node = makeItem('treeitem', id, 'claim', [
        idTag(id),
        el('span', { class: 'who' }, c.speaker || 'Someone'),
        el('span', { class: 'verb' }, 'claims'),
        c.direct_quote ? el('span', { class: 'badge' }, 'direct quote') : null,
        confidenceBadge(c.confidence),
        statement(c.statement),
      ]);
      register(id, 'claim', node, c.evidence ? [span(c.evidence, toUnits)] : [], c.confidence);
      const rebuttals = under.get(id);
      if (rebuttals) {
        node.setAttribute('aria-expanded', 'true');
        const group = el('ul', { role: 'group', class: 'rebuttals' });
        for (const j of rebuttals) group.append(denialNode(denials[j], j));
        node.append(group);
      }
      list.append(node);
    });
    denials.forEach((d, i) => {
      if (!(d.rebuts && claimIds.has(d.rebuts))) list.append(denialNode(d, i));
    });
  }

  function renderSteps(brief, ids, toUnits) {
    const list = $('#steps');
    (brief.next_steps || []).forEach((step, i) => {
      const id = ids.steps[i];
      const node = makeItem('option', id, 'step', [
        idTag(id),
        step.actor ? el('span', { class: 'who' }, step.actor) : null,
        step.when ? el('span', { class: 'when' }, step.when) : null,
        confidenceBadge(step.confidence),
        statement(step.action),
      ]);
      list.append(node);
      register(id, 'step', node, step.evidence ? [span(step.evidence, toUnits)] : [], step.confidence);
    });
  }

  function showEmpty(list) {
    const next = list.nextElementSibling;
    if (next && next.classList.contains('empty')) next.remove();
    const empty = list.children.length === 0;
    list.hidden = empty;
    if (empty) list.after(el('p', { class: 'empty' }, 'None found.'));
    else list.firstElementChild.setAttribute('tabindex', '0'); // one tab stop per list
  }

  function renderMeta(brief) {
    const meta = brief.meta || {};
    const gen = meta.generator || {};
    const parts = [`Backend: ${gen.backend || 'unknown'}`, `model: ${gen.model || 'none'}`];
    if (typeof meta.elapsed_ms === 'number') parts.push(`${Math.round(meta.elapsed_ms).toLocaleString('en')} ms on the server`);
    if (meta.language) parts.push(`language: ${meta.language}`);
    if (typeof meta.source_chars === 'number') parts.push(`${meta.source_chars.toLocaleString('en')} characters`);
    if (meta.schema_version) parts.push(`schema ${meta.schema_version}`);
    text('#generator', parts.join(' · '));
    const warnings = [...(meta.warnings || [])];
    if (meta.truncated) warnings.unshift('Only part of the article was read (truncated).');
    if (!brief.source) warnings.push('The server did not send the source text, so evidence cannot be shown.');
    const list = $('#warnings');
    list.replaceChildren(...warnings.map((w) => el('li', {}, el('strong', {}, 'Warning: '), w)));
    list.hidden = warnings.length === 0;
  }

  function renderBrief(brief) {
    state.brief = brief;
    state.items = new Map();
    state.order = [];
    state.selected = [];
    const source = typeof brief.source === 'string' ? brief.source : '';
    const toUnits = offsetMapper(source);
    const ids = itemIds(brief);
    text('#headline', brief.headline || '(no headline)');
    text('#summary', brief.summary || '');
    renderMeta(brief);
    for (const sel of ['#actors', '#claims', '#steps']) $(sel).replaceChildren();
    renderActors(brief, ids, source, toUnits);
    renderClaims(brief, ids, toUnits);
    renderSteps(brief, ids, toUnits);
    for (const sel of ['#actors', '#claims', '#steps']) showEmpty($(sel));
    state.statementSpans = [];
    for (const item of state.items.values()) {
      if (item.kind !== 'actor') for (const s of item.spans) state.statementSpans.push({ id: item.id, start: s.start, end: s.end });
    }
    const hasConfidence = [...state.items.values()].some((it) => typeof it.confidence === 'number');
    $('#threshold-field').hidden = !hasConfidence;
    flagLowConfidence();
    text('#copy-status', '');
    $('#result').hidden = false;
    renderSource();
    $('#source').scrollTop = 0;
    $('#brief').scrollTop = 0;
    // the brief takes the screen (the form is just above); focus moves to it for screen readers
    $('#result').scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
    $('#brief').focus({ preventScroll: true });
  }

  function flagLowConfidence() {
    const threshold = Number($('#threshold').value);
    for (const item of state.items.values()) {
      if (typeof item.confidence !== 'number') continue;
      const low = Number.isFinite(threshold) && item.confidence < threshold;
      item.el.classList.toggle('low', low);
      const badge = item.el.querySelector(':scope > .row > .conf');
      if (badge) badge.textContent = `${low ? 'low confidence' : 'confidence'} ${item.confidence.toFixed(2)}`;
    }
  }

  // -- the source pane ------------------------------------------------------------------
  function nests(a, b) {
    return a.end <= b.start || b.end <= a.start || (a.start <= b.start && b.end <= a.end) || (b.start <= a.start && a.end <= b.end);
  }

  function markedSpans(sourceLength) {
    // Marks must nest to be elements: take the selected items' spans in order and leave out
    // a span that would cross one already taken (rare: two selected items overlapping).
    const taken = [];
    state.selected.forEach((id, rank) => {
      const item = state.items.get(id);
      if (!item) return;
      for (const s of item.spans) {
        if (!(s.end > s.start) || s.start < 0 || s.end > sourceLength) continue;
        if (taken.every((t) => nests(t, s))) taken.push({ id, start: s.start, end: s.end, rank, kind: item.kind });
      }
    });
    return taken.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
  }

  function renderSource() {
    const root = $('#source');
    const source = (state.brief && state.brief.source) || '';
    const marks = markedSpans(source.length);
    const statements = state.statementSpans.filter((s) => s.end > s.start && s.end <= source.length);
    const cuts = new Set([0, source.length]);
    for (const s of statements) cuts.add(s.start).add(s.end);
    for (const m of marks) cuts.add(m.start).add(m.end);
    const points = [...cuts].sort((a, b) => a - b);
    const chosen = new Set(state.selected);
    const frag = document.createDocumentFragment();
    const stack = [{ node: frag, end: Infinity }];
    let next = 0;
    for (let k = 0; k < points.length - 1; k += 1) {
      const a = points[k];
      const b = points[k + 1];
      while (stack.length > 1 && stack[stack.length - 1].end <= a) stack.pop();
      while (next < marks.length && marks[next].start === a) {
        const m = marks[next++];
        const node = el('mark', { 'data-item-id': m.id, class: m.kind === 'actor' ? 'mention' : null });
        stack[stack.length - 1].node.append(node);
        stack.push({ node, end: m.end });
      }
      const piece = source.slice(a, b);
      const cover = statements.filter((s) => s.start <= a && s.end >= b).map((s) => s.id);
      // "hit": evidence of a selected item, also where a crossing span left it without a mark
      const hit = cover.some((id) => chosen.has(id));
      const node = cover.length
        ? el('span', { class: hit ? 'ev hit' : 'ev', 'data-items': [...new Set(cover)].join(' ') }, piece)
        : document.createTextNode(piece);
      stack[stack.length - 1].node.append(node);
    }
    root.replaceChildren(frag);
  }

  function inSourceView(node) {
    const pane = $('#source').getBoundingClientRect();
    const box = node.getBoundingClientRect();
    return box.top >= pane.top && box.bottom <= pane.bottom;
  }

  function scrollSourceTo(mark) {
    const pane = $('#source');
    const top = mark.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    pane.scrollTo({ top: Math.max(0, top - pane.clientHeight / 3), behavior: reducedMotion() ? 'auto' : 'smooth' });
  }

  function setTabStop(node) {
    const widget = node.closest('[role="listbox"], [role="tree"]');
    if (!widget) return;
    for (const other of widget.querySelectorAll('[data-item-id]')) other.setAttribute('tabindex', other === node ? '0' : '-1');
  }

  function select(ids, from) {
    const known = ids.filter((id) => state.items.has(id));
    known.sort((a, b) => state.order.indexOf(a) - state.order.indexOf(b));
    state.selected = known;
    for (const item of state.items.values()) item.el.setAttribute('aria-selected', known.includes(item.id) ? 'true' : 'false');
    renderSource();
    if (!known.length) return;
    const first = $('#source').querySelector(`mark[data-item-id="${CSS.escape(known[0])}"]`);
    if (first) scrollSourceTo(first);
    const node = state.items.get(known[0]).el;
    setTabStop(node);
    if (from === 'source') node.scrollIntoView({ block: 'nearest', behavior: reducedMotion() ? 'auto' : 'smooth' });
  }

  function preview(id, on) {
    for (const node of $('#source').querySelectorAll(`span.ev[data-items~="${CSS.escape(id)}"]`)) node.classList.toggle('preview', on);
  }

  function wireBrief() {
    const brief = $('#brief');
    brief.addEventListener('click', (e) => {
      const node = e.target.closest('[data-item-id]');
      if (node && brief.contains(node)) {
        select([node.dataset.itemId], 'brief');
        node.focus({ preventScroll: true });
      }
    });
    brief.addEventListener('keydown', (e) => {
      const node = e.target.closest('[data-item-id]');
      if (!node) return;
      const widget = node.closest('[role="listbox"], [role="tree"]');
      const all = [...widget.querySelectorAll('[data-item-id]')];
      let i = all.indexOf(node);
      if (e.key === 'ArrowDown') i = Math.min(i + 1, all.length - 1);
      else if (e.key === 'ArrowUp') i = Math.max(i - 1, 0);
      else if (e.key === 'Home') i = 0;
      else if (e.key === 'End') i = all.length - 1;
      else if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      const target = all[i];
      select([target.dataset.itemId], 'keyboard');
      target.focus();
    });
    // Hover previews an item's passage; resting on it brings the passage into view (a
    // pointer passing over the list does not make the source jump about).
    let hovered = null;
    let rest = null;
    brief.addEventListener('mouseover', (e) => {
      const node = e.target.closest('[data-item-id]');
      const id = node ? node.dataset.itemId : null;
      if (id === hovered) return;
      if (hovered) preview(hovered, false);
      clearTimeout(rest);
      hovered = id;
      if (!id) return;
      preview(id, true);
      rest = setTimeout(() => {
        const first = $('#source').querySelector(`span.ev.preview`);
        if (first && !inSourceView(first)) scrollSourceTo(first);
      }, 400);
    });
    brief.addEventListener('mouseleave', () => {
      if (hovered) preview(hovered, false);
      clearTimeout(rest);
      hovered = null;
    });
    $('#source').addEventListener('click', (e) => {
      if (!(e.target instanceof Element)) return;
      const ids = new Set();
      const piece = e.target.closest('span.ev');
      if (piece) for (const id of piece.dataset.items.split(' ')) ids.add(id);
      for (let m = e.target.closest('mark'); m; m = m.parentElement && m.parentElement.closest('mark')) ids.add(m.dataset.itemId);
      if (ids.size) select([...ids], 'source');
    });
    $('#threshold').addEventListener('input', flagLowConfidence);
  }

  // -- hand-off: Markdown (as summarizer/render.py writes it), JSON ---------------------------
  function mdLine(value) {
    return String(value || '').replace(/\n/g, ' ').trim();
  }

  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  function conf(item) {
    // mirrors summarizer/render.py _conf: three decimals, as the brief stores them
    return typeof item.confidence === 'number' ? ` _(${item.confidence.toFixed(3)})_` : '';
  }

  function toMarkdown(brief) {
    const lines = [`# ${mdLine(brief.headline)}`, '', mdLine(brief.summary), ''];
    const actors = brief.key_actors || [];
    const claims = brief.claims || [];
    const denials = brief.denials || [];
    const steps = brief.next_steps || [];
    if (actors.length) {
      lines.push('## Key actors', '');
      for (const a of actors) lines.push(`- **${a.name}** (${a.type}${a.role ? `, ${a.role}` : ''})${conf(a)}`);
      lines.push('');
    }
    if (claims.length || denials.length) {
      lines.push('## Claims and denials', '');
      const byClaim = new Map();
      for (const d of denials) if (d.rebuts) byClaim.set(d.rebuts, d);
      const claimIds = new Set(claims.map((c) => c.id));
      for (const c of claims) {
        lines.push(`- **${c.speaker}** claims: ${mdLine(c.statement)}${conf(c)}`);
        const d = byClaim.get(c.id);
        if (d) lines.push(`  - **${d.speaker}** denies: ${mdLine(d.statement)}${conf(d)}`);
      }
      for (const d of denials) {
        if (!d.rebuts || !claimIds.has(d.rebuts)) lines.push(`- **${d.speaker}** denies: ${mdLine(d.statement)}${conf(d)}`);
      }
      lines.push('');
    }
    if (steps.length) {
      lines.push('## Next steps', '');
      for (const s of steps) lines.push(`- ${s.actor ? `**${s.actor}**: ` : ''}${mdLine(s.action)}${s.when ? ` (${s.when})` : ''}${conf(s)}`);
      lines.push('');
    }
    const meta = brief.meta || {};
    const gen = meta.generator || {};
    lines.push(`_Generated by newsum ${gen.backend}${gen.model ? ` / ${gen.model}` : ''} in ${roundHalfEven(meta.elapsed_ms || 0)} ms._`);
    for (const w of meta.warnings || []) lines.push(`> Warning: ${w}`);
    return `${lines.join('\n')}\n`;
  }

  function toJson(brief) {
    return `${JSON.stringify(brief, null, 2)}\n`;
  }

  async function copy(textValue, what) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(textValue);
      ok = true;
    } catch (_) {
      // no async clipboard (plain http on another host): the old way, from a hidden box
      const box = el('textarea', { class: 'offscreen', 'aria-hidden': 'true', readonly: true });
      box.value = textValue;
      document.body.append(box);
      box.select();
      try {
        ok = document.execCommand('copy');
      } catch (_) {
        ok = false;
      }
      box.remove();
    }
    text('#copy-status', ok ? `${what} copied.` : `Could not copy ${what}; your browser blocked the clipboard.`);
  }

  function slug(value) {
    return (
      String(value || 'brief')
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || 'brief'
    );
  }

  function download() {
    const blob = new Blob([toJson(state.brief)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: `newsum-${slug(state.brief.headline)}.json`, class: 'offscreen' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    text('#copy-status', 'JSON downloaded.');
  }

  function wireHandOff() {
    $('#copy-md').addEventListener('click', () => copy(toMarkdown(state.brief), 'Markdown'));
    $('#copy-json').addEventListener('click', () => copy(toJson(state.brief), 'JSON'));
    $('#download-json').addEventListener('click', download);
  }

  // -- start ----------------------------------------------------------------------------
  function start() {
    $('#article-form').addEventListener('submit', submit);
    $('#key-save').addEventListener('click', saveKey);
    $('#key-forget').addEventListener('click', forgetKey);
    $('#api-key').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        saveKey();
      }
    });
    wireInput();
    wireBrief();
    wireHandOff();
    Promise.all([loadOptions(), probeKey()]).finally(() => {
      document.body.dataset.ready = 'true';
    });
  }

  start();
})();
