// Pieces of the search index (generator/internal/export/search): each is a
// classic script, search/<name>.js, that calls TBSearch.add(name, data).
// A piece is requested once, by adding a <script> element, and its promise
// resolves when the script hands over its data. Classic scripts load from
// file:// (the offline edition) and under the site's Content-Security-Policy
// (script-src 'self'), where fetch() and eval would not.

export function pieceLoader(base) {
  const pending = new Map(); // name → {promise, resolve}

  // meta.js may run before this script (both load at once, the script
  // async): it then leaves its data in TBSearch.early.
  const early = window.TBSearch?.early || [];
  window.TBSearch = {
    add(name, data) {
      entry(name).resolve(data);
    },
  };
  for (const [name, data] of early) entry(name).resolve(data);

  function entry(name) {
    let e = pending.get(name);
    if (!e) {
      e = {};
      e.promise = new Promise((resolve, reject) => Object.assign(e, { resolve, reject }));
      pending.set(name, e);
    }
    return e;
  }

  // The page may name a piece itself (the search page loads meta.js
  // beside this script, not after it): then that element brings it.
  const named = new Map([...document.scripts].map(s => [s.src, s]));

  return function load(name) {
    const known = pending.has(name);
    const e = entry(name);
    if (!known) {
      const src = `${base}${name}.js`;
      let s = named.get(src);
      if (!s) {
        s = document.createElement('script');
        s.src = src;
        s.onload = () => s.remove();
        document.head.append(s);
      }
      s.onerror = () => e.reject(new Error(`could not load ${src}`));
    }
    return e.promise;
  };
}
