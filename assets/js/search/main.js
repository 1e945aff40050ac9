// The search page (layouts/search/section.html): the query box, the
// filters, the results. The index is built by the generator and loaded in
// pieces as a query needs them (engine.js, pieces.js); nothing is indexed
// here. The query and the filters live in the URL, read on load and
// replaced (not pushed) as the reader types or picks. Results are built
// with DOM methods and textContent only: brief text is never parsed as
// HTML. Hugo's js.Build bundles these modules into one classic script.

import { pieceLoader } from './pieces.js';
import { Engine, Fields } from './engine.js';
import { Filters, counts, valueOf } from './filters.js';
import { TOKEN, indicatorToken, normalize } from './tokens.js';

const PAGE = 20;
const FACET_TOP = 12;

const $ = id => document.getElementById(id);
const form = $('search-form'), input = $('search-q'), status = $('search-status'), list = $('search-results');

// Links are relative to the site root, found from this script's own URL
// (it lives at <root>/js/). Pages opened from file:// get no directory
// index, so links there name index.html.
const root = new URL('../', document.currentScript.src).href;
const suffix = location.protocol === 'file:' ? 'index.html' : '';
const href = path => root + path + suffix;

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter(c => c != null));
  return e;
}

// appendMarked appends text to e, marking the words that matched.
function appendMarked(e, text, matched) {
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (!matched.has(normalize(m[0]))) continue;
    e.append(text.slice(last, m.index), el('mark', { textContent: m[0] }));
    last = m.index + m[0].length;
  }
  e.append(text.slice(last));
}

// Dates as the site's pages write them (Go's "2 Jan 2006"), by hand: an
// Intl formatter costs tens of milliseconds to make on a cold page.
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const formatDate = day => {
  const d = new Date(day * 86400000);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};
const isoDate = day => new Date(day * 86400000).toISOString().slice(0, 10);
const plural = (n, one, many = one + 's') => `${n} ${n === 1 ? one : many}`;
const termTitle = t => (t.code ? `${t.code} ${t.name}` : t.name);

// Why a result matched: a label and, where that field is not shown
// anyway, the values that matched.
function matchLines(engine, r, brief, matched, whys) {
  const lines = new Map();
  const line = (label, text = '') => {
    const texts = lines.get(label) || new Set();
    if (text) texts.add(text);
    lines.set(label, texts);
  };
  const synonyms = t => t.synonyms.filter(s => s.match(TOKEN)?.some(w => matched.has(normalize(w))));
  if (r.term != null) {
    const t = engine.terms.get(r.term);
    for (const f of r.fields) {
      if (f & Fields.TERM_NAME) line('name');
      if (f & Fields.TERM_CODE) line('ID');
      if (f & Fields.TERM_ALIAS) synonyms(t).forEach(s => line('also known as', s));
      if (f & Fields.TERM_SUMMARY) line('summary');
    }
    return lines;
  }
  for (const w of whys) {
    if (w.fields & Fields.BRIEF_TITLE) line('title');
    if (w.fields & Fields.BRIEF_SUMMARY) line('summary');
    if (w.fields & Fields.BRIEF_INDICATOR) {
      for (const v of brief.iocs) if (matched.has(indicatorToken(v))) line('indicator', v);
    }
    for (const n of w.terms) {
      const t = engine.label(n);
      const syn = synonyms(t);
      const named = termTitle(t).match(TOKEN)?.some(w => matched.has(normalize(w)));
      line(t.kind.singular, named || !syn.length ? termTitle(t) : `${termTitle(t)} (as ${syn.join(', ')})`);
    }
  }
  return lines;
}

function renderResult(engine, r, brief, matched, whys) {
  let meta, title, url, summary;
  if (r.term != null) {
    const t = engine.terms.get(r.term);
    meta = [el('span', { className: 'result-kind', textContent: t.kind.singular }), ` · ${plural(t.count, 'brief')}`];
    [title, url, summary] = [termTitle(t), href(`${t.kind.name}/${t.slug}/`), t.summary];
  } else {
    meta = [el('span', { className: 'result-kind', textContent: 'brief' }), ' · ', el('time', { dateTime: isoDate(brief.day), textContent: formatDate(brief.day) })];
    [title, url, summary] = [brief.title, href(`briefs/${brief.slug}/`), brief.summary];
  }
  const a = el('a', { href: url });
  appendMarked(a, title, matched);
  const li = el('li', { className: 'result' }, el('p', { className: 'meta' }, ...meta), el('h2', {}, a));
  if (summary) {
    const s = el('p', { className: 'summary' });
    appendMarked(s, summary, matched);
    li.append(s);
  }
  const lines = matchLines(engine, r, brief, matched, whys);
  if (lines.size) {
    const p = el('p', { className: 'matched' }, el('span', { className: 'matched-in', textContent: 'Matched in' }));
    [...lines].forEach(([label, texts], i) => {
      p.append(i ? '; ' : ' ', el('span', { className: 'field', textContent: label }));
      if (texts.size) {
        p.append(': ');
        appendMarked(p, [...texts].join('; '), matched);
      }
    });
    li.append(p);
  }
  return li;
}

// ranked merges a search's terms and briefs, both best first, into one
// list: by score, a term before a brief of the same score. A result is a
// number: a brief's, or -1 - i for the search's term i (result reads it).
function ranked(found) {
  const { terms, briefs, scores } = found;
  const out = new Int32Array(terms.length + briefs.length);
  let i = 0, j = 0;
  while (i < terms.length || j < briefs.length) {
    if (j === briefs.length || (i < terms.length && terms[i].score >= scores[briefs[j]])) out[i + j] = -1 - i++;
    else out[i + j] = briefs[j++];
  }
  return out;
}

// result is what a number of ranked stands for: {brief} or a term match.
const result = (found, x) => (x >= 0 ? { brief: x } : found.terms[-1 - x]);

class Page {
  constructor(engine) {
    this.engine = engine;
    this.generation = 0;
    this.shown = [];
    this.baseTitle = document.title;
    this.more = el('button', { type: 'button', className: 'more-results', hidden: true });
    list.after(this.more);
    this.more.addEventListener('click', () => this.showMore().catch(fail));
    this.facets = [...document.querySelectorAll('.facet[data-filter]')];
    this.from = $('filter-from');
    this.to = $('filter-to');
  }

  filtersFromURL() {
    const params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    this.filters = new Filters(params, this.engine);
    for (const [sel, v] of [[this.from, this.filters.from], [this.to, this.filters.to]]) {
      if (!sel) continue;
      if (v && ![...sel.options].some(o => o.value === v)) sel.add(el('option', { value: v, textContent: v }));
      sel.value = v;
    }
    for (const box of form.querySelectorAll('input[type=checkbox][name=tlp]')) box.checked = this.filters.tlp.has(box.value);
    for (const d of this.facets) if (this.filters.values.get(d.dataset.filter)?.size) d.open = true;
  }

  setURL() {
    const u = new URL(location.href);
    const q = input.value.trim();
    if (q) u.searchParams.set('q', q); else u.searchParams.delete('q');
    this.filters.toParams(u.searchParams);
    history.replaceState(null, '', u.href);
  }

  kindOf(facet) {
    return this.engine.kinds.find(k => k.filter === facet.dataset.filter);
  }

  // update shows the results of the query and filters, then, if they
  // changed (refresh), writes them into the URL: after the results, as
  // replacing the URL takes time on file://.
  async update() {
    const gen = ++this.generation;
    const q = input.value.trim();
    const engine = this.engine, filters = this.filters;
    const [found, pass] = await Promise.all([q ? engine.search(q) : null, filters.prepare(engine)]);
    if (gen !== this.generation) return;
    let results = [], candidates;
    if (found) {
      candidates = found.briefs;
      results = filters.active ? candidates.filter(n => pass(n)) : ranked(found);
    } else if (filters.active) {
      candidates = Array.from({ length: engine.count }, (_, n) => n);
      results = candidates.filter(n => pass(n));
    }
    this.shown = results;
    this.found = found;
    this.matched = found ? found.tokens : new Set();
    list.replaceChildren();
    this.more.hidden = true;
    const { rest } = await this.renderPage(gen, 0);
    if (gen !== this.generation) return;
    status.textContent = this.statusText(q, found, results.length);
    document.title = q ? `“${q}” · ${this.baseTitle}` : this.baseTitle;
    performance.mark('tb-search-results');
    if (this.urlStale) {
      this.urlStale = false;
      this.setURL();
    }
    await rest;
    if (gen !== this.generation) return;
    performance.mark('tb-search-page');
    if (!candidates) return;
    // The counts after the results are painted: they can wait a frame.
    await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));
    if (gen === this.generation) await this.updateCounts(gen, candidates, pass);
  }

  statusText(q, found, n) {
    const parts = [];
    for (const k of this.filters.kinds) {
      const vs = this.filters.values.get(k.filter);
      if (vs.size) parts.push(`${k.filter} ${[...vs].join(' or ')}`);
    }
    if (this.filters.from) parts.push(`from ${this.filters.from}`);
    if (this.filters.to) parts.push(`to ${this.filters.to}`);
    if (this.filters.tlp.size) parts.push(`TLP ${[...this.filters.tlp].join(' or ')}`);
    const filtered = parts.length ? ` (filtered: ${parts.join(', ')})` : '';
    if (q) {
      if (n === 0) return `No results for “${q}”${filtered}.`;
      return `${plural(n, 'result')} for “${q}”${filtered}${found.fuzzy ? '; no exact match, showing close spellings' : ''}.`;
    }
    if (parts.length) return `${plural(n, 'brief')} match the filters${filtered}.`;
    const terms = this.engine.kinds.reduce((s, k) => s + k.count, 0);
    return `Type to search ${plural(this.engine.count, 'brief')} and ${plural(terms, 'term')}, or pick a filter.`;
  }

  // renderPage puts a page of results (PAGE) in place, from the number
  // from of this.shown, and resolves once they fill the window (or are all
  // in place), with {rest}, a promise of the whole page (wrapped: an async
  // function's promise would wait for a promise it returned). A brief
  // needs its document chunk (the terms it matched through are labelled
  // from the shards: engine.label), a term its term chunk, and the briefs
  // of a common word's results are spread over the library, so a page of
  // them takes about 20 document chunks (over HTTP, 20 requests): they are
  // all asked for at once (one wave), in the order of the results; the
  // results are put in place, in order, as their pieces arrive until they
  // fill the window, so that the first screen waits only for its own, and
  // the rest of the page once all of its pieces are in. The list is
  // aria-busy until the page is complete.
  async renderPage(gen, from) {
    const engine = this.engine, found = this.found, matched = this.matched;
    const slice = Array.from(this.shown.slice(from, from + PAGE), x => result(found, x));
    const whys = slice.map(r => (r.brief != null && found ? found.why(r.brief) : []));
    const briefs = new Array(slice.length), ready = new Array(slice.length).fill(false);
    const pieces = slice.map((r, i) =>
      (r.brief != null ? engine.brief(r.brief) : engine.term(r.term)).then(b => {
        briefs[i] = r.brief != null ? b : null;
        ready[i] = true;
      }));
    let next = 0;
    // put appends the results whose pieces are in, up to the first that
    // is not.
    const put = () => {
      const start = next;
      while (next < slice.length && ready[next]) next++;
      list.append(...slice.slice(start, next).map((r, j) => renderResult(engine, r, briefs[start + j], matched, whys[start + j])));
    };
    list.setAttribute('aria-busy', 'true');
    while (next < slice.length) {
      await pieces[next];
      if (gen !== this.generation) return { rest: null };
      put();
      // (Asked only while results are missing: it lays the page out.)
      if (next < slice.length && list.getBoundingClientRect().bottom >= innerHeight) break;
    }
    // The rest of the page, below the first screen, all at once: one
    // layout rather than one per piece that arrives.
    const rest = (async () => {
      await Promise.all(pieces.slice(next));
      if (gen !== this.generation) return;
      put();
      const left = this.shown.length - from - slice.length;
      this.more.hidden = left <= 0;
      this.more.textContent = `Show ${Math.min(left, PAGE)} more of ${left}`;
      list.removeAttribute('aria-busy');
    })();
    return { rest };
  }

  async showMore() {
    const from = list.children.length;
    const { rest } = await this.renderPage(this.generation, from);
    list.children[from]?.querySelector('a').focus();
    await rest;
  }

  // updateCounts writes how many briefs each filter value leaves: on the
  // year options, the TLP labels and the open term filters.
  async updateCounts(gen, candidates, pass) {
    const open = this.facets.filter(d => d.open).map(d => this.kindOf(d));
    const c = await counts(this.engine, candidates, pass, open);
    if (gen !== this.generation) return;
    for (const sel of [this.from, this.to]) {
      for (const o of sel?.options || []) {
        if (o.value) o.textContent = `${o.value} (${c.date.get(+o.value.slice(0, 4)) || 0})`;
      }
    }
    for (const box of form.querySelectorAll('input[type=checkbox][name=tlp]')) {
      box.parentElement.querySelector('.count').textContent = c.tlp.get(box.value) || 0;
    }
    for (const d of this.facets) {
      const k = this.kindOf(d);
      if (c[k.filter]) this.renderFacet(d, k, c[k.filter]);
    }
  }

  renderFacet(d, kind, byTerm) {
    const chosen = this.filters.values.get(kind.filter);
    const all = d.classList.contains('all');
    const terms = [...byTerm.keys()].filter(t => !chosen.has(valueOf(t)));
    terms.sort((a, b) => byTerm.get(b) - byTerm.get(a) || a.name.localeCompare(b.name));
    const picked = [...this.engine.terms.values()].filter(t => t.kind === kind && chosen.has(valueOf(t)));
    const shown = [...picked, ...(all ? terms : terms.slice(0, FACET_TOP))];
    const ul = d.querySelector('.facet-values');
    ul.replaceChildren(...shown.map(t => {
      const box = el('input', { type: 'checkbox', name: kind.filter, value: valueOf(t), checked: chosen.has(valueOf(t)) });
      return el('li', {}, el('label', {}, box, ` ${termTitle(t)} `, el('span', { className: 'count', textContent: byTerm.get(t) || 0 })));
    }));
    const more = d.querySelector('.facet-more');
    more.hidden = all || terms.length <= FACET_TOP;
    more.textContent = `All ${terms.length}`;
  }

  onChange(e) {
    const t = e.target;
    if (t === this.from || t === this.to) {
      this.filters[t === this.from ? 'from' : 'to'] = t.value;
    } else if (t.type === 'checkbox') {
      const set = t.name === 'tlp' ? this.filters.tlp : this.filters.values.get(t.name);
      if (!set) return;
      if (t.checked) set.add(t.value); else set.delete(t.value);
    } else return;
    this.refresh();
  }

  refresh() {
    this.urlStale = true;
    this.update().catch(fail);
  }

  start() {
    this.filtersFromURL();
    input.addEventListener('input', () => this.refresh());
    form.addEventListener('submit', e => {
      e.preventDefault();
      this.refresh();
    });
    form.addEventListener('change', e => this.onChange(e));
    for (const d of this.facets) {
      d.addEventListener('toggle', () => d.open && this.update().catch(fail));
      d.querySelector('.facet-more').addEventListener('click', () => {
        d.classList.add('all');
        this.update().catch(fail);
      });
    }
    window.addEventListener('popstate', () => {
      this.filtersFromURL();
      this.update().catch(fail);
    });
    return this.update();
  }
}

function fail(err) {
  status.textContent = 'The search index could not be loaded.';
  console.error(err);
}

if (form && input && status && list) {
  const load = pieceLoader(new URL('search/', root).href);
  load('meta')
    .then(meta => new Page(new Engine(load, meta)).start())
    .catch(fail);
}
