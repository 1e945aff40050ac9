// Tokens: the rules of generator/internal/export/search/tokens.go, which
// indexed the briefs (TestTokensAgreeWithTheScript keeps the two in step).

// Catalogue IDs stay one token ("CVE-2024-3400", "T1505.003", "1505.003"),
// also while half typed ("CVE-2024"); everything else splits into runs of
// letters and digits.
export const TOKEN = /cve-\d{1,4}(?:-\d*)?|t?\d{4}\.\d{0,3}|[\p{L}\p{N}]+/giu;

const STOP = new Set('a an and are as at be by for from in is it its of on or that the this to was were with'.split(' '));

// normalize is a token as the index holds it, or '' for a stop word.
export function normalize(tok) {
  let t = tok.toLowerCase();
  if (/[^\x00-\x7f]/.test(t)) t = t.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  t = t.replace(/[.-]+$/, '');
  return STOP.has(t) ? '' : t;
}

export function words(text) {
  return (text.match(TOKEN) || []).map(normalize).filter(Boolean);
}

// The defanging marks of generator/internal/indicator (its marks table),
// undone longest first, and the defanged schemes.
const MARKS = [['[.]', '.'], ['(.)', '.'], ['{.}', '.'], ['[dot]', '.'], ['(dot)', '.'],
  ['[ . ]', '.'], ['[ .]', '.'], ['[. ]', '.'], ['[@]', '@'], ['[at]', '@'],
  ['[:]', ':'], ['[://]', '://'], ['[:]//', '://']].sort((a, b) => b[0].length - a[0].length);
const MARK = new RegExp(MARKS.map(([m]) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
const PLAIN = new Map(MARKS.map(([m, p]) => [m, p]));
const SCHEMES = { hxxps: 'https', hxxp: 'http', fxp: 'ftp' };

// refang undoes defanging, as indicator.Refang does, in each word.
export function refang(s) {
  return s.replace(MARK, m => PLAIN.get(m.toLowerCase()))
    .replace(/(^|\s)(hxxps?|fxp)(?=:\/\/)/gi, (_, sp, sc) => sp + SCHEMES[sc.toLowerCase()]);
}

// An indicator as a reader types it: a host, an address, a URL or an
// e-mail address; it is looked up whole, refanged and in lower case.
const INDICATOR = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^\s./:@]+(?:[.:@][^\s./:@]*)+(?:\/\S*)?$/i;

// indicatorToken is an indicator as the index holds it (search.IndicatorToken):
// refanged, in lower case, then every dot, colon and @ bracketed and the
// scheme written hxxp(s) or fxp, so that no piece holds it live.
export function indicatorToken(value) {
  return refang(value).trim().toLowerCase().replace(/[.:@]/g, '[$&]').replace(/^(?:http|ftp)/, s => (s === 'http' ? 'hxxp' : 'fxp'));
}

// queryWords splits a query into what to look up: indicators whole
// ({word, indicator: true}, with the words it splits into as a fallback)
// and the other words.
export function queryWords(query) {
  const out = [];
  for (const chunk of refang(query).split(/\s+/).filter(Boolean)) {
    const ws = words(chunk);
    const ioc = chunk.toLowerCase().replace(/[,;]+$/, '');
    if (INDICATOR.test(ioc) && !(ws.length === 1 && ws[0] === ioc.replace(/[.-]+$/, ''))) {
      out.push({ word: indicatorToken(ioc), indicator: true, fallback: ws });
    } else {
      for (const w of ws) out.push({ word: w });
    }
  }
  return out;
}
