// Pieces of the search index (generator/internal/export/search): each is a
// classic script, search/<name>.js, that calls TBSearch.add(name, data).
// A piece is requested once, by adding a <script> element, and its promise
// resolves when the script hands over its data. Classic scripts load from
// file:// (the offline edition) and under the site's Content-Security-Policy
// (script-src 'self'), where fetch() and eval would not.

export function pieceLoader(base) {
  const pending = new Map(); // name → {promise, resolve}

  window.TBSearch = {
    add(name, data) {
      entry(name).resolve(data);
    },
  };

  function entry(name) {
    let e = pending.get(name);
    if (!e) {
      e = {};
      e.promise = new Promise((resolve, reject) => Object.assign(e, { resolve, reject }));
      pending.set(name, e);
    }
    return e;
  }

  return function load(name) {
    const known = pending.has(name);
    const e = entry(name);
    if (!known) {
      const src = `${base}${name}.js`;
      // The page may name a piece itself (the search page loads meta.js
      // beside this script, not after it): then that element brings it.
      let s = [...document.scripts].find(x => x.src === src);
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
