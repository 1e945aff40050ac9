package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestSearchPageDoesNotShift: the search page reserves the space of its
// status line and results, so that results arriving move nothing (the
// issue's budget: cumulative layout shift under 0.05, as Lighthouse
// measures it: the layout-shift entries without recent input), at 1280
// and at 390 pixels wide, with a query and with a query and filters.
func TestSearchPageDoesNotShift(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	for _, width := range []int64{1280, 390} {
		for _, q := range []string{"?q=T1190", "?q=ransomware&sector=healthcare&from=2020"} {
			t.Run(fmt.Sprint(width, q), func(t *testing.T) {
				tb := newTab(t)
				tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 900, DeviceScaleFactor: 1, Mobile: width < 500})
					return err
				}))
				tb.do(chromedp.Navigate(s.URL + "search/" + q))
				tb.waitFor(`document.querySelectorAll('#search-results .result').length > 0`)
				cls := eval[float64](tb, `new Promise(done => {
  let sum = 0;
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(sum), 100)));
})`)
				if cls >= 0.05 {
					t.Errorf("cumulative layout shift %.3f, want under 0.05", cls)
				}
				t.Logf("cumulative layout shift %.4f", cls)
			})
		}
	}
}
