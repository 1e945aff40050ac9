// The search engine: looks query words up in the index's shards, follows
// matched terms to the briefs naming them, and ranks what matches every
// word. The format of the pieces is documented in
// generator/internal/export/search.

import { queryWords } from './tokens.js';

// Field masks of postings, and how much a match in each counts.
const TERM_NAME = 1, TERM_ALIAS = 2, TERM_CODE = 4, TERM_SUMMARY = 8;
const BRIEF_TITLE = 1, BRIEF_SUMMARY = 2, BRIEF_INDICATOR = 4;
const TERM_BOOSTS = [[TERM_NAME, 4], [TERM_ALIAS, 3], [TERM_CODE, 3], [TERM_SUMMARY, 1]];
const BRIEF_BOOSTS = [[BRIEF_TITLE, 4], [BRIEF_INDICATOR, 4], [BRIEF_SUMMARY, 1]];
const boost = (boosts, mask) => Math.max(0, ...boosts.filter(([m]) => mask & m).map(([, b]) => b));
const briefBoost = Array.from({ length: 8 }, (_, mask) => boost(BRIEF_BOOSTS, mask));
const termBoost = Array.from({ length: 16 }, (_, mask) => boost(TERM_BOOSTS, mask));
const termNamed = Array.from({ length: 16 }, (_, mask) => boost(TERM_BOOSTS, mask & ~TERM_SUMMARY));

// How well a token matches a query word: exactly, as the word's
// completion (the last word, still being typed), or with a typo.
const EXACT = 1, TYPO = 0.3;
const completion = (word, tok) => 0.5 + 0.5 * word.length / tok.length;

export const Fields = { TERM_NAME, TERM_ALIAS, TERM_CODE, TERM_SUMMARY, BRIEF_TITLE, BRIEF_SUMMARY, BRIEF_INDICATOR };

// eachPosting calls f(number, mask) for every packed posting.
function eachPosting(packed, bits, f) {
  const scale = 2 ** bits, low = scale - 1;
  let n = -1;
  for (const x of packed) {
    n += Math.floor(x / scale);
    f(n, x & low);
  }
}

function undelta(ds) {
  let n = -1;
  return ds.map(d => (n += d));
}

// fileKey is how a shard key is written in a file name (search.FileKey).
function fileKey(key) {
  if (/^[a-z0-9]*$/.test(key)) return key;
  let out = '';
  for (const b of new TextEncoder().encode(key)) {
    const c = String.fromCharCode(b);
    out += /[a-z0-9]/.test(c) ? c : '_' + b.toString(16).padStart(2, '0');
  }
  return out;
}

// Typo tolerance: one edit for words of 4 to 7 letters, two from 8. Close
// spellings are looked for in the word's own shard, which the exact search
// loaded. Only when it holds none is a typo in the first two letters
// looked for (a wrong, missing or extra letter, or the two swapped): in
// the shard of the word with its first two letters swapped and among the
// words of at most three tail pieces (search.tails), then in their
// shards, two waves of requests.
function typos(word) {
  return word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
}

// withinEdits reports whether a and b are at most max edits apart
// (insertions, deletions, substitutions, transpositions of neighbours).
function withinEdits(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev2 = null, prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return false;
    [prev2, prev] = [prev, cur];
  }
  return prev[b.length] <= max;
}

// PieceKeys are the keys of one kind of piece, shards or tail pieces
// (meta's keys and tails; search.split): a token belongs to the longest
// key it starts with.
class PieceKeys extends Set {
  constructor(keys) {
    super(keys);
    this.max = 0; // in UTF-16 units, at least the longest key in characters
    for (const k of keys) this.max = Math.max(this.max, k.length);
  }

  // longest is the longest key that the characters chars start with, or
  // null.
  longest(chars) {
    for (let n = Math.min(chars.length, this.max); n > 0; n--) {
      const k = chars.slice(0, n).join('');
      if (this.has(k)) return k;
    }
    return null;
  }
}

// BriefSet is a list of brief numbers as a shard or a term chunk gives it
// (search.BriefList): differences from the previous number (an array), or
// a bitmap in base64 (a string), for the terms thousands of briefs name.
class BriefSet {
  constructor(list) {
    if (typeof list === 'string') {
      const s = atob(list);
      this.bits = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) this.bits[i] = s.charCodeAt(i);
    } else {
      this.deltas = list; // decoded when first needed (has, numbers)
    }
  }

  get nums() {
    if (!this.bits && !this.decoded) this.decoded = undelta(this.deltas);
    return this.decoded;
  }

  // numbers returns the briefs, increasing.
  numbers() {
    if (!this.bits) return this.nums;
    const out = [], bits = this.bits;
    for (let i = 0; i < bits.length; i++) {
      const x = bits[i];
      if (x === 0) continue;
      for (let j = 0; j < 8; j++) if (x & (1 << j)) out.push(i * 8 + j);
    }
    return out;
  }

  // raise raises scores[n] to at least w for every brief n of the set: a
  // loop of its own, with no call per brief, as it runs for thousands.
  raise(scores, w) {
    const ds = this.deltas, bits = this.bits;
    if (ds) {
      for (let i = 0, n = -1; i < ds.length; i++) if (scores[(n += ds[i])] < w) scores[n] = w;
      return;
    }
    for (let i = 0; i < bits.length; i++) {
      const x = bits[i];
      if (x === 0) continue;
      for (let j = 0; j < 8; j++) if (x & (1 << j) && scores[i * 8 + j] < w) scores[i * 8 + j] = w;
    }
  }

  has(n) {
    if (this.bits) return ((this.bits[n >> 3] || 0) & (1 << (n & 7))) !== 0;
    const xs = this.nums;
    let lo = 0, hi = xs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] === n) return true;
      if (xs[mid] < n) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }
}

// Term is a term of a chunk. Its briefs are decoded when first asked for:
// a chunk holds dozens of terms, some naming thousands of briefs, and a
// query usually needs few of them.
class Term {
  constructor(n, kind, name, code, slug, list, synonyms, summary) {
    Object.assign(this, { n, kind, name, code, slug, list, synonyms, summary });
  }

  // briefs are the numbers of the briefs naming the term, increasing.
  get briefs() {
    if (!this.decoded) this.decoded = new BriefSet(this.list).numbers();
    return this.decoded;
  }

  // count is how many briefs name the term.
  get count() {
    return typeof this.list === 'string' ? this.briefs.length : this.list.length;
  }
}

// Label is what a result says of a term a brief matched through, from
// the shards: a shard's label of a term holds the synonyms its token is a
// word of, and they are kept in the term's own order (search.NamedTerm
// writes them in it; one shard's may come before another's).
class Label {
  constructor(kind, name, code) {
    Object.assign(this, { kind, name, code });
    this.known = []; // [position in the term's synonyms, synonym]
  }

  // add adds a shard's synonyms, [position, synonym] each.
  add(synonyms) {
    for (const [i, s] of synonyms) {
      if (this.known.some(([j]) => j === i)) continue;
      this.known.push([i, s]);
      this.known.sort((a, b) => a[0] - b[0]);
    }
  }

  get synonyms() {
    return this.known.map(([, s]) => s);
  }
}

export class Engine {
  constructor(load, meta) {
    this.load = load;
    this.meta = meta;
    this.keys = new PieceKeys(meta.keys);
    this.tails = new PieceKeys(meta.tails);
    this.kinds = meta.kinds.map(([name, singular, weight, first, count, filter], i) => ({ i, name, singular, weight, first, count, filter }));
    this.terms = new Map(); // number → term, as chunks arrive
    this.labels = new Map(); // number → Label, as shards name terms
    this.count = meta.briefs;
    this.days = new Int32Array(this.count);
    for (let i = 0, day = meta.day0; i < this.count; i++) this.days[i] = day -= meta.days[i];
  }

  // keyOf is the shard key of a token: the longest key it starts with.
  keyOf(token) {
    return this.keys.longest(Array.from(token));
  }

  // keysFor are the shards that may hold tokens starting with word.
  keysFor(word) {
    const out = new Set([this.keyOf(word)].filter(Boolean));
    for (const k of this.keys) if (k.startsWith(word)) out.add(k);
    return [...out];
  }

  shard(key) {
    return this.load(`s/${fileKey(key)}`);
  }

  chunkOf(n) {
    const starts = this.meta.terms;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= n) lo = mid; else hi = mid - 1;
    }
    return starts[lo];
  }

  async termChunk(first) {
    const recs = await this.load(`t/${first}`);
    if (!this.terms.has(first)) {
      recs.forEach(([kind, name, code, slug, briefs, synonyms = [], summary = ''], i) => {
        this.terms.set(first + i, new Term(first + i, this.kinds[kind], name, code, slug, briefs, synonyms, summary));
      });
    }
    return recs;
  }

  async term(n) {
    if (!this.terms.has(n)) await this.termChunk(this.chunkOf(n));
    return this.terms.get(n);
  }

  // kindTerms returns every term of a kind.
  async kindTerms(kind) {
    const firsts = new Set();
    for (let n = kind.first; n < kind.first + kind.count; n++) firsts.add(this.chunkOf(n));
    await Promise.all([...firsts].map(f => this.termChunk(f)));
    return Array.from({ length: kind.count }, (_, i) => this.terms.get(kind.first + i));
  }

  async brief(n) {
    const first = n - (n % this.meta.docs);
    const [slug, title, summary, iocs = []] = (await this.load(`d/${first}`))[n - first];
    return { n, slug, title, summary, iocs, day: this.days[n], tlp: this.meta.tlps[+this.meta.tlp[n]] };
  }

  // tokensFor finds the indexed tokens a query word matches, and how well.
  async tokensFor(word, last, fuzzy) {
    const chars = Array.from(word);
    const out = new Map(); // token → [quality, postings]
    if (fuzzy) {
      const max = typos(word);
      if (max === 0) return out;
      const key = this.keyOf(word);
      if (key) for (const [tok, p] of Object.entries(await this.shard(key))) if (withinEdits(word, tok, max)) out.set(tok, [TYPO, p]);
      if (out.size === 0) await this.typosAtStart(word, chars, max, out);
      return out;
    }
    const prefix = last && chars.length > 1;
    const keys = prefix ? this.keysFor(word) : [this.keyOf(word)].filter(Boolean);
    for (const sh of await Promise.all(keys.map(k => this.shard(k)))) {
      if (!prefix) {
        if (Object.hasOwn(sh, word)) out.set(word, [EXACT, sh[word]]);
        continue;
      }
      for (const [tok, p] of Object.entries(sh)) {
        if (tok === word) out.set(tok, [EXACT, p]);
        else if (tok.startsWith(word)) out.set(tok, [completion(word, tok), p]);
      }
    }
    return out;
  }

  // typosAtStart adds to out the tokens within max typos of word that
  // differ from it in their first two characters: those of the shard of
  // word with the two swapped, and those of the tail pieces: a wrong,
  // missing or extra character there leaves the tail (from the third
  // character) of the token meant equal to word's from its second, third
  // or fourth (search.tails), so at most three tail pieces hold it, then
  // its shard its postings.
  async typosAtStart(word, chars, max, out) {
    const swapped = chars.length > 1 ? this.keyOf(chars[1] + chars[0] + chars.slice(2).join('')) : null;
    const keys = new Set();
    // The tail pieces hold words, not numbers, IDs or indicators.
    if (!/[0-9[]/.test(word)) for (let i = 1; i <= 3 && i < chars.length; i++) keys.add(this.tails.longest(chars.slice(i)));
    keys.delete(null);
    const close = new Map(); // shard key → tokens
    const [sh, ...tails] = await Promise.all([swapped && this.shard(swapped), ...[...keys].map(k => this.load(`w/${fileKey(k)}`))]);
    if (sh) for (const [tok, p] of Object.entries(sh)) if (withinEdits(word, tok, max)) out.set(tok, [TYPO, p]);
    for (const words of tails) {
      for (const tok of words) {
        const k = !out.has(tok) && withinEdits(word, tok, max) && this.keyOf(tok);
        if (k) (close.get(k) || close.set(k, []).get(k)).push(tok);
      }
    }
    await Promise.all([...close].map(async ([k, toks]) => {
      const sh = await this.shard(k);
      for (const tok of toks) if (Object.hasOwn(sh, tok)) out.set(tok, [TYPO, sh[tok]]);
    }));
  }

  // weightOf is the weight of the kind of term n (meta numbers the terms
  // kind after kind).
  weightOf(n) {
    if (!this.weights) {
      this.weights = new Float64Array(this.kinds.reduce((s, k) => s + k.count, 0));
      for (const k of this.kinds) this.weights.fill(k.weight, k.first, k.first + k.count);
    }
    return this.weights[n];
  }

  // matchWord returns what one query word matches: terms (by number, with
  // a score and the fields matched), and for every brief its score from
  // its own fields (direct), from the terms naming it (via) and the fields
  // of its own that matched; plus the tokens and the named terms matched
  // with their briefs, from which a shown result says why it matched
  // (why). A shard carries the briefs of the terms each token names, so
  // ranking waits for no other piece. Arrays indexed by brief number keep
  // this linear in the briefs matched, at 10,000 briefs.
  async matchWord(word, last, fuzzy) {
    const terms = new Map();
    const direct = new Float32Array(this.count), via = new Float32Array(this.count), fields = new Uint8Array(this.count);
    const tokens = new Set();
    const named = new Map(); // term number → BriefSet
    for (const [tok, [quality, [tp, bp, nt = []]]] of await this.tokensFor(word, last, fuzzy)) {
      tokens.add(tok);
      const masks = new Map();
      eachPosting(tp, 4, (n, mask) => {
        const h = terms.get(n) || { score: 0, fields: 0 };
        h.score = Math.max(h.score, termBoost[mask] * quality);
        h.fields |= mask;
        terms.set(n, h);
        masks.set(n, mask);
      });
      eachPosting(bp, 3, (n, mask) => {
        direct[n] = Math.max(direct[n], briefBoost[mask] * quality);
        fields[n] |= mask;
      });
      // A match on a term's name, synonym or ID is a match for its briefs.
      for (let i = 0; i < nt.length; i += 3) {
        const n = nt[i], w = termNamed[masks.get(n)] * quality * this.weightOf(n);
        let set = named.get(n);
        if (!set) named.set(n, (set = new BriefSet(nt[i + 1])));
        set.raise(via, w);
        this.label(n, nt[i + 2]);
      }
    }
    return { terms, direct, via, fields, tokens, named };
  }

  // label returns what a result says of term n when a brief matched
  // through it (kind, name, code, synonyms), adding what a shard's label
  // for it (search.NamedTerm) brings.
  label(n, rec) {
    let l = this.labels.get(n);
    if (rec) {
      const [kind, name, code, ...synonyms] = rec;
      if (!l) this.labels.set(n, (l = new Label(this.kinds[kind], name, code)));
      l.add(synonyms);
    }
    return l;
  }

  // why says why brief n matched the word m: its fields, and the matched
  // terms that name it (their labels are this.label's).
  why(m, n) {
    const terms = [];
    if (m.via[n]) for (const [t, set] of m.named) if (set.has(n)) terms.push(t);
    return { fields: m.fields[n], terms };
  }

  // run matches every word (AND) and ranks what matches them all: the
  // words are looked up at once, so a query loads its pieces in one wave
  // per step (shards, then the terms they name), not one per word. Briefs
  // come back as numbers, best first, with their scores in an array by
  // brief number; why one matched is worked out when it is shown.
  async run(words, fuzzy) {
    const per = (await Promise.all(words.map(async (q, i) => {
      const last = i === words.length - 1;
      const m = await this.matchWord(q.word, last, fuzzy);
      if (q.indicator && m.terms.size === 0 && !m.direct.some(x => x > 0) && q.fallback.length) {
        // Not an indicator after all ("U.S."): its words, then.
        return Promise.all(q.fallback.map((w, j) => this.matchWord(w, last && j === q.fallback.length - 1, fuzzy)));
      }
      return [m];
    }))).flat();
    const tokens = new Set(per.flatMap(m => [...m.tokens]));
    const terms = [];
    for (const [n] of per[0].terms) {
      const hs = per.map(p => p.terms.get(n));
      if (hs.every(Boolean)) terms.push({ term: n, score: hs.reduce((s, x) => s + x.score, 0), fields: hs.map(h => h.fields) });
    }
    // Ranked by score, then number: grouped by score (a query gives few
    // distinct scores) in increasing number, the groups best first, which
    // costs a pass rather than a sort of thousands of briefs.
    const scores = new Float64Array(this.count), groups = new Map();
    const directs = per.map(m => m.direct), vias = per.map(m => m.via), k = per.length;
    for (let n = 0; n < this.count; n++) {
      let score = 0;
      for (let i = 0; i < k; i++) {
        const x = directs[i][n] + vias[i][n];
        if (x === 0) {
          score = 0;
          break;
        }
        score += x;
      }
      if (score > 0) {
        scores[n] = score;
        const g = groups.get(score);
        if (g) g.push(n); else groups.set(score, [n]);
      }
    }
    terms.sort((a, b) => b.score - a.score || a.term - b.term);
    const briefs = [...groups.keys()].sort((a, b) => b - a).flatMap(score => groups.get(score));
    return { terms, briefs, scores, tokens, why: n => per.map(m => this.why(m, n)) };
  }

  // search returns the terms and briefs matching a query, ranked; when
  // nothing matches exactly, what matches with small typos (fuzzy: true).
  async search(query) {
    const words = queryWords(query);
    if (words.length === 0) return null;
    const exact = await this.run(words, false);
    if (exact.terms.length + exact.briefs.length > 0) return { ...exact, fuzzy: false };
    const close = await this.run(words, true);
    return { ...close, fuzzy: close.terms.length + close.briefs.length > 0 };
  }
}
