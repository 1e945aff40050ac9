/* Threat Briefs search page.
 *
 * Runs after search/index.js (a classic script assigning TBSearchData, see
 * generator/internal/export/search) and MiniSearch (vendor/minisearch.js, MIT,
 * concatenated before this file by Hugo Pipes). Both are plain <script src>
 * loads, so search works the same on the web site and from file:// in the
 * offline edition: no fetch(), no WebAssembly, no eval, no inline script.
 *
 * MiniSearch does the text search (tokens, the prefix tree, prefix and typo
 * matching, BM25 ranking). It indexes every term by its name, synonyms,
 * catalogue ID (T1190, CVE-…, the ISO code) and profile summary, and every
 * brief by its title and summary. A brief is not indexed by the names of
 * its terms: a word that matches a term (its name, a synonym, its ID) also
 * matches every brief naming that term, through the links in the data. So
 * "Vanguard Panda" finds Volt Typhoon and the briefs that name it, and the
 * browser indexes each term's words once, not once per brief: at 10,000
 * briefs that is most of the work saved.
 *
 * Every word of the query must match (AND); the last matches as a prefix,
 * as the reader is still typing it. When nothing matches, a second pass
 * allows small typos. Term names and brief titles are indexed first, so
 * search is ready at once; brief summaries follow in slices that leave the
 * page responsive, and the results are refreshed when they are in.
 *
 * The query lives in the URL (?q=): it is read on load and replaced (not
 * pushed) as the reader types. Results are built with DOM methods and
 * textContent only: brief text is never parsed as HTML.
 */
(function () {
  'use strict';

  var data = window.TBSearchData;
  var form = document.getElementById('search-form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  if (!form || !input || !status || !list) return;
  if (!data || data.v !== 2 || typeof MiniSearch === 'undefined') {
    status.textContent = 'The search index could not be loaded.';
    return;
  }

  var PAGE = 20;
  // Links are built relative to the site root, found from this script's own
  // URL (it lives at <root>/js/). Pages opened from file:// get no directory
  // index, so links there name index.html.
  var script = document.currentScript;
  var root = script && script.src ? new URL('../', script.src).href : new URL('../', location.href).href;
  var suffix = location.protocol === 'file:' ? 'index.html' : '';

  // Catalogue IDs stay one token ("T1505.003", "CVE-2024-3400"), also while
  // half typed ("CVE-2024"); everything else splits into letters and digits.
  var TOKEN = /cve(?:-\d{1,4}(?:-\d*)?)?|t\d{4}(?:\.\d{0,3})?|[\p{L}\p{N}]+/giu;
  var STOP = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'is', 'it', 'its', 'of', 'on', 'or', 'that', 'the', 'this', 'to', 'was', 'were', 'with']);
  var NON_ASCII = /[^\x00-\x7f]/;
  var DIACRITICS = /[\u0300-\u036f]/g;

  function tokenize(text) {
    return text.match(TOKEN) || [];
  }
  // Index-time tokens: a CVE ID is also findable by its number alone.
  function tokenizeIndexed(text) {
    var out = tokenize(text);
    for (var i = 0, n = out.length; i < n; i++) {
      var m = /^cve-\d{4}-(\d+)$/i.exec(out[i]);
      if (m) out.push(m[1]);
    }
    return out;
  }
  function processTerm(term) {
    var t = term.toLowerCase();
    if (NON_ASCII.test(t)) t = t.normalize('NFD').replace(DIACRITICS, '');
    t = t.replace(/[.\-]+$/, '');
    return t === '' || STOP.has(t) ? null : t;
  }

  // A kind's weight: how much a match on one of its terms counts for the
  // briefs naming it (the generator's taxonomy table, SearchWeight).
  var kinds = data.kinds.map(function (k) { return { name: k[0], singular: k[1], weight: k[2] }; });
  var terms = data.terms.map(function (r) {
    return { kind: r[0], name: r[1], code: r[2], slug: r[3], count: r[4], synonyms: r[5] || [], summary: r[6] || '' };
  });
  var nTerms = terms.length;
  var nBriefs = data.briefs.length;
  // The briefs naming each term, newest first (data.briefs is newest first).
  var termBriefs = terms.map(function () { return []; });
  data.briefs.forEach(function (b, i) {
    b[4].forEach(function (ti) { termBriefs[ti].push(i); });
  });
  function brief(i) {
    var r = data.briefs[i];
    return { slug: r[0], title: r[1], summary: r[2], date: r[3], terms: r[4] };
  }

  // Document ids: terms 0..nTerms-1, then brief titles, then brief summaries.
  var TITLE0 = nTerms;
  var SUMMARY0 = nTerms + nBriefs;
  var BOOST = { title: 4, aka: 3, code: 3, summary: 1 };

  function extractField(doc, field) {
    var id = doc.id;
    if (field === 'id') return id;
    if (id < nTerms) {
      var t = terms[id];
      switch (field) {
        case 'title': return t.name;
        case 'aka': return t.synonyms.join(' ');
        case 'code': return t.code;
        case 'summary': return t.summary;
      }
      return null;
    }
    if (id < SUMMARY0) return field === 'title' ? data.briefs[id - TITLE0][1] : null;
    return field === 'summary' ? data.briefs[id - SUMMARY0][2] : null;
  }

  var mini = new MiniSearch({
    fields: ['title', 'aka', 'code', 'summary'],
    extractField: extractField,
    tokenize: tokenizeIndexed,
    processTerm: processTerm,
    searchOptions: { tokenize: tokenize, processTerm: processTerm, boost: BOOST }
  });

  function ids(from, to) {
    var out = new Array(to - from);
    for (var i = 0; i < out.length; i++) out[i] = { id: from + i };
    return out;
  }

  // stats: documents, how long indexing took, and when (ms since
  // navigation) search became ready and complete.
  var stats = { documents: nTerms + 2 * nBriefs, summariesIndexed: 0 };
  var complete = false;
  var ready = new Promise(function (resolve) {
    status.textContent = 'Loading the search index…';
    // Let the page paint first.
    setTimeout(function () {
      var t0 = performance.now();
      mini.addAll(ids(0, SUMMARY0));
      stats.readyAt = performance.now();
      resolve();
      // Summaries in slices of about 20 ms, so typing is never blocked.
      var next = SUMMARY0;
      (function slice() {
        var end = Math.min(next + 400, SUMMARY0 + nBriefs);
        mini.addAll(ids(next, end));
        next = end;
        stats.summariesIndexed = next - SUMMARY0;
        if (next < SUMMARY0 + nBriefs) {
          setTimeout(slice, 0);
          return;
        }
        stats.indexMs = performance.now() - t0;
        stats.completeAt = performance.now();
        complete = true;
        whenComplete.forEach(function (f) { f(); });
      })();
    }, 0);
  });
  var whenComplete = [];
  var completed = new Promise(function (resolve) { whenComplete.push(resolve); });

  // The matches of one query word: briefs and terms, with scores and why.
  function matchWord(word, last, fuzzy) {
    var briefs = new Map();
    var termsHit = new Map();
    function hitBrief(b, direct, via, why) {
      var h = briefs.get(b);
      if (!h) briefs.set(b, h = { direct: 0, via: 0, why: [] });
      h.direct += direct;
      h.via = Math.max(h.via, via);
      h.why.push(why);
    }
    var res = mini.search(word, {
      prefix: last && word.length > 1,
      fuzzy: fuzzy && word.length > 3 ? 0.2 : false
    });
    for (var i = 0; i < res.length; i++) {
      var r = res[i];
      if (r.id < nTerms) {
        var fields = fieldsOf(r);
        termsHit.set(r.id, { score: r.score, fields: fields, words: r.terms });
        if (fields.title || fields.aka || fields.code) {
          var t = terms[r.id];
          var w = r.score * kinds[t.kind].weight;
          var bs = termBriefs[r.id];
          for (var j = 0; j < bs.length; j++) hitBrief(bs[j], 0, w, { term: r.id, fields: fields, words: r.terms });
        }
      } else if (r.id < SUMMARY0) {
        hitBrief(r.id - TITLE0, r.score, 0, { field: 'title', words: r.terms });
      } else {
        hitBrief(r.id - SUMMARY0, r.score, 0, { field: 'summary', words: r.terms });
      }
    }
    return { briefs: briefs, terms: termsHit };
  }

  function fieldsOf(r) {
    var f = {};
    Object.keys(r.match).forEach(function (k) { r.match[k].forEach(function (x) { f[x] = true; }); });
    return f;
  }

  // search returns ranked results: {term: i} or {brief: i}, each with a
  // score, the reasons it matched and the indexed words that matched.
  function search(q, fuzzy) {
    var words = tokenize(q).map(processTerm).filter(Boolean);
    if (words.length === 0) return [];
    var per = words.map(function (w, i) { return matchWord(w, i === words.length - 1, fuzzy); });
    var out = [];
    // Terms: every word matches the term itself.
    per[0].terms.forEach(function (h, ti) {
      var score = 0, why = [], ws = [];
      for (var i = 0; i < per.length; i++) {
        var x = per[i].terms.get(ti);
        if (!x) return;
        score += x.score;
        why.push(x.fields);
        ws = ws.concat(x.words);
      }
      out.push({ term: ti, score: score, fields: why, words: ws });
    });
    // Briefs: every word matches the brief or a term it names. Start from
    // the word with the fewest briefs.
    var order = per.slice().sort(function (a, b) { return a.briefs.size - b.briefs.size; });
    // (Why a brief matched is gathered only for the results shown.)
    order[0].briefs.forEach(function (h, bi) {
      var score = 0;
      for (var i = 0; i < order.length; i++) {
        var x = order[i].briefs.get(bi);
        if (!x) return;
        score += x.direct + x.via;
      }
      out.push({ brief: bi, score: score, per: per });
    });
    out.sort(function (a, b) {
      return b.score - a.score || (a.term != null ? -1 : 0) - (b.term != null ? -1 : 0) || (a.brief || 0) - (b.brief || 0);
    });
    return out;
  }

  function searchWithTypos(q) {
    var results = search(q, false);
    if (results.length > 0) return { results: results, fuzzy: false };
    results = search(q, true);
    return { results: results, fuzzy: results.length > 0 };
  }

  function href(path) {
    return root + path + suffix;
  }

  // Appends text to el, marking the words that matched.
  function appendMarked(el, text, matched) {
    var last = 0;
    text.replace(TOKEN, function (tok, offset) {
      var p = processTerm(tok);
      if (p && matched.has(p)) {
        if (offset > last) el.appendChild(document.createTextNode(text.slice(last, offset)));
        var m = document.createElement('mark');
        m.textContent = tok;
        el.appendChild(m);
        last = offset + tok.length;
      }
      return tok;
    });
    if (last < text.length) el.appendChild(document.createTextNode(text.slice(last)));
  }

  function hasMatch(text, matched) {
    return tokenizeIndexed(text).some(function (tok) { return matched.has(processTerm(tok)); });
  }

  // What in a result matched: a label and, where that field is not shown
  // anyway, the values that matched.
  function matchLines(r, matched) {
    var lines = [];
    var seen = {};
    function line(label, text) {
      var key = label + '\u0000' + text;
      if (!seen[key]) {
        seen[key] = true;
        lines.push({ label: label, text: text });
      }
    }
    if (r.term != null) {
      var t = terms[r.term];
      r.fields.forEach(function (f) {
        if (f.title) line('name', '');
        if (f.code) line('ID', '');
        if (f.aka) line('also known as', t.synonyms.filter(function (s) { return hasMatch(s, matched); }).join(', '));
        if (f.summary) line('summary', '');
      });
      return lines;
    }
    var byKind = {};
    r.why.forEach(function (w) {
      if (w.field) {
        line(w.field, '');
        return;
      }
      var bt = terms[w.term];
      var name = bt.code ? bt.code + ' ' + bt.name : bt.name;
      if (w.fields.aka && !hasMatch(name, matched)) {
        name += ' (as ' + bt.synonyms.filter(function (s) { return hasMatch(s, matched); }).join(', ') + ')';
      }
      var k = kinds[bt.kind].singular;
      if (!byKind[k]) byKind[k] = [];
      if (byKind[k].indexOf(name) < 0) byKind[k].push(name);
    });
    Object.keys(byKind).forEach(function (k) { line(k, byKind[k].join('; ')); });
    return lines;
  }

  function formatDate(iso) {
    var d = new Date(iso + 'T00:00:00Z');
    return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function whyBrief(r) {
    var why = [];
    r.per.forEach(function (p) { why = why.concat(p.briefs.get(r.brief).why); });
    return why;
  }

  function matchedWords(r) {
    var words = new Set(r.words || []);
    (r.why || []).forEach(function (w) { w.words.forEach(function (x) { words.add(x); }); });
    return words;
  }

  function renderResult(r) {
    if (r.brief != null && !r.why) r.why = whyBrief(r);
    var matched = matchedWords(r);
    var li = el('li', 'result');
    var meta = el('p', 'meta');
    var title, url, summary;
    if (r.term != null) {
      var t = terms[r.term];
      var kind = kinds[t.kind];
      meta.appendChild(el('span', 'result-kind', kind.singular));
      meta.appendChild(document.createTextNode(' · ' + t.count + ' brief' + (t.count === 1 ? '' : 's')));
      title = t.code ? t.code + ' ' + t.name : t.name;
      url = href(kind.name + '/' + t.slug + '/');
      summary = t.summary;
    } else {
      var b = brief(r.brief);
      meta.appendChild(el('span', 'result-kind', 'brief'));
      meta.appendChild(document.createTextNode(' · '));
      var time = el('time', null, formatDate(b.date));
      time.dateTime = b.date;
      meta.appendChild(time);
      title = b.title;
      url = href('briefs/' + b.slug + '/');
      summary = b.summary;
    }
    li.appendChild(meta);
    var h = el('h2');
    var a = el('a');
    a.href = url;
    appendMarked(a, title, matched);
    h.appendChild(a);
    li.appendChild(h);
    if (summary) {
      var s = el('p', 'summary');
      appendMarked(s, summary, matched);
      li.appendChild(s);
    }
    var lines = matchLines(r, matched);
    if (lines.length) {
      var p = el('p', 'matched');
      p.appendChild(el('span', 'matched-in', 'Matched in'));
      lines.forEach(function (line, i) {
        p.appendChild(document.createTextNode(i ? '; ' : ' '));
        p.appendChild(el('span', 'field', line.label));
        if (line.text) {
          p.appendChild(document.createTextNode(': '));
          appendMarked(p, line.text, matched);
        }
      });
      li.appendChild(p);
    }
    return li;
  }

  var baseTitle = document.title;
  var shown = { q: null, results: [], fuzzy: false, limit: PAGE };
  var more = el('button', 'more-results', '');
  more.type = 'button';
  more.hidden = true;
  list.after(more);
  more.addEventListener('click', function () {
    var from = shown.limit;
    shown.limit += PAGE;
    renderPage(from);
    var next = list.children[from];
    if (next) next.querySelector('a').focus();
  });

  function renderPage(from) {
    var frag = document.createDocumentFragment();
    shown.results.slice(from, shown.limit).forEach(function (r) { frag.appendChild(renderResult(r)); });
    list.appendChild(frag);
    var rest = shown.results.length - shown.limit;
    more.hidden = rest <= 0;
    more.textContent = 'Show ' + Math.min(rest, PAGE) + ' more of ' + rest;
  }

  function show(q) {
    q = q.trim();
    list.replaceChildren();
    more.hidden = true;
    if (!q) {
      status.textContent = 'Type to search ' + nBriefs + ' briefs and ' + nTerms + ' terms.';
      document.title = baseTitle;
      shown = { q: q, results: [], fuzzy: false, limit: PAGE };
      return;
    }
    var out = searchWithTypos(q);
    shown = { q: q, results: out.results, fuzzy: out.fuzzy, limit: PAGE };
    var n = out.results.length;
    status.textContent = (n === 0 ? 'No results for “' + q + '”' :
      n + ' result' + (n === 1 ? '' : 's') + ' for “' + q + '”' + (out.fuzzy ? ' (no exact match; showing close spellings)' : '')) +
      (complete ? '.' : '. Still indexing brief summaries; results will update.');
    document.title = '“' + q + '” · ' + baseTitle;
    renderPage(0);
  }

  function setURL(q) {
    var u = new URL(location.href);
    if (q) u.searchParams.set('q', q); else u.searchParams.delete('q');
    history.replaceState(null, '', u.href);
  }

  function update() {
    ready.then(function () {
      show(input.value);
      setURL(input.value.trim());
    });
  }
  input.addEventListener('input', update);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    update();
  });

  var initial = new URLSearchParams(location.search).get('q') || '';
  input.value = initial;
  ready.then(function () { show(input.value); });
  completed.then(function () { if (input.value.trim()) show(input.value); });

  // For tests and measurement: the search the page runs, without the DOM;
  // ready resolves when names and titles are searchable, complete when
  // summaries are too.
  window.threatBriefsSearch = {
    ready: ready,
    complete: completed,
    stats: stats,
    search: function (q) { return searchWithTypos(q).results; }
  };
})();
