// Filters: by date (from, to: a year, a month or a day), by TLP label, and
// by the terms of the kinds that have a filter parameter (actor, sector,
// country, technique, malware: the term's ID where it has one, else its
// slug). Values of one parameter are alternatives (OR); parameters combine
// (AND), with each other and with the query. They live in the URL
// (?q=ransomware&sector=healthcare&country=DE&from=2024).

const DAY = 86400000;

// parseDate reads "2024", "2024-03" or "2024-03-05" as its first day (end:
// its last day), in days since 1970-01-01; null if it is none of these.
export function parseDate(s, end) {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(s || '');
  if (!m) return null;
  const [y, mo, d] = [+m[1], m[2] ? +m[2] - 1 : null, m[3] ? +m[3] : null];
  if (!end) return Date.UTC(y, mo ?? 0, d ?? 1) / DAY;
  if (d != null) return Date.UTC(y, mo, d) / DAY;
  return (mo != null ? Date.UTC(y, mo + 1, 1) : Date.UTC(y + 1, 0, 1)) / DAY - 1;
}

export const yearOf = day => new Date(day * DAY).getUTCFullYear();

// valueOf is how a term is named in a filter parameter.
export const valueOf = term => (term.code || term.slug).toLowerCase();

// Filters is the filter state of a page: what the URL asks for.
export class Filters {
  constructor(params, engine) {
    this.from = params.get('from') || '';
    this.to = params.get('to') || '';
    const all = p => params.getAll(p).filter(Boolean).map(v => v.toLowerCase()); // a form's "any" is empty
    this.tlp = new Set(all('tlp'));
    this.kinds = engine.kinds.filter(k => k.filter);
    this.values = new Map(this.kinds.map(k => [k.filter, new Set(all(k.filter))]));
  }

  get active() {
    return Boolean(this.from || this.to || this.tlp.size || [...this.values.values()].some(v => v.size));
  }

  // toParams writes the filters into URL parameters.
  toParams(params) {
    for (const p of ['from', 'to', 'tlp', ...this.kinds.map(k => k.filter)]) params.delete(p);
    if (this.from) params.set('from', this.from);
    if (this.to) params.set('to', this.to);
    this.tlp.forEach(v => params.append('tlp', v));
    for (const k of this.kinds) this.values.get(k.filter).forEach(v => params.append(k.filter, v));
  }

  // prepare loads the terms of the kinds filtered on and returns a
  // predicate over brief numbers that applies every filter but the one
  // named by except ('date', 'tlp' or a parameter): what the counts of
  // that filter's values are counted over.
  async prepare(engine) {
    const from = parseDate(this.from, false), to = parseDate(this.to, true);
    const masks = new Map();
    for (const k of this.kinds) {
      const want = this.values.get(k.filter);
      if (!want.size) continue;
      const mask = new Uint8Array(engine.count);
      for (const t of await engine.kindTerms(k)) if (want.has(valueOf(t))) t.briefs.forEach(b => (mask[b] = 1));
      masks.set(k.filter, mask);
    }
    const tlps = engine.meta.tlps, tlp = engine.meta.tlp, byParam = [...masks];
    return (n, except) =>
      (except === 'date' || ((from == null || engine.days[n] >= from) && (to == null || engine.days[n] <= to))) &&
      (except === 'tlp' || !this.tlp.size || this.tlp.has(tlps[+tlp[n]])) &&
      byParam.every(([p, m]) => p === except || m[n] === 1);
  }
}

// counts returns, for each filter, how many of the briefs would be left
// by each of its values, with the other filters applied: {date: Map(year
// → n), tlp: Map(label → n), [parameter]: Map(term → n)} (for the kinds
// in kinds only: their terms must be loaded).
export async function counts(engine, briefs, pass, kinds) {
  const out = { date: new Map(), tlp: new Map() };
  const base = except => {
    const m = new Uint8Array(engine.count);
    for (const n of briefs) if (pass(n, except)) m[n] = 1;
    return m;
  };
  const inc = (map, key) => map.set(key, (map.get(key) || 0) + 1);
  for (const n of briefs) {
    if (pass(n, 'date')) inc(out.date, yearOf(engine.days[n]));
    if (pass(n, 'tlp')) inc(out.tlp, engine.meta.tlps[+engine.meta.tlp[n]]);
  }
  for (const k of kinds) {
    const m = base(k.filter);
    const c = new Map();
    for (const t of await engine.kindTerms(k)) {
      let x = 0;
      for (const b of t.briefs) x += m[b];
      if (x) c.set(t, x);
    }
    out[k.filter] = c;
  }
  return out;
}
