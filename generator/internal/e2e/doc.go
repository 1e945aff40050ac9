// Package e2e holds the end-to-end tests that open the built site in a real
// browser: headless Chromium driven over the DevTools protocol (chromedp),
// on the site served over HTTP with the production Content-Security-Policy
// and on the unpacked offline edition through file://. They search, follow
// links, go back, watch every network request and console message, run
// axe-core for accessibility and the Nu Html Checker (vnu.jar) for HTML
// validity, and measure the search budgets on a synthetic 10,000-brief
// corpus.
//
// The package has no code besides its tests. What they need beyond Go:
//
//   - Chromium: $THREATBRIEFS_CHROMIUM, else chromium on $PATH (Debian's
//     package; .ci/run installs it);
//   - Java, for vnu.jar: java on $PATH;
//   - axe-core and vnu-jar from npm: $THREATBRIEFS_BROWSER_TOOLS, else
//     .ci/browser-tools/node_modules (.ci/run runs npm ci there).
//
// Where one is missing the tests skip with a message saying how to install
// it, except under CI=true, where they fail: CI must never pass by skipping.
package e2e
