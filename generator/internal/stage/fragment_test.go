package stage

import (
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

func TestRowItemsEscape(t *testing.T) {
	got := rowItems([]row{{URL: "briefs/a/", Title: `<script>x</script> & "q"`, Date: "2024-05-02", Shown: "2 May 2024"}})
	want := `<li><time datetime=2024-05-02>2 May 2024</time> <a href=../../briefs/a/>&lt;script&gt;x&lt;/script&gt; &amp; &#34;q&#34;</a></li>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestChipItemsEscape(t *testing.T) {
	got := chipItems([]Link{{Name: `Evil "Quote" <b>`, URL: "actors/evil/", ID: "T1190", Note: `a"b`, Count: 3}}, true)
	want := `<li><a href=../../actors/evil/ title="a&#34;b"><span class=id>T1190</span> Evil &#34;Quote&#34; &lt;b&gt;</a><span class=n>3</span></li>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := chipItems([]Link{{Name: "Energy", URL: "sectors/energy/"}}, false); got != `<li><a href=../../sectors/energy/>Energy</a></li>` {
		t.Errorf("uncounted chip: %s", got)
	}
}

// An attribute value with anything but letters, digits and -./_ is quoted
// and escaped, so no value can end the attribute or the tag early.
func TestAttrQuotesWhenNeeded(t *testing.T) {
	for in, want := range map[string]string{
		"../../a-b/c.d/": ` href=../../a-b/c.d/`,
		"a b":            ` href="a b"`,
		`x"><script>`:    ` href="x&#34;&gt;&lt;script&gt;"`,
		"a=b":            ` href="a=b"`,
		"":               ` href=""`,
	} {
		var b strings.Builder
		attr(&b, "href", in)
		if b.String() != want {
			t.Errorf("attr(%q) = %s, want %s", in, b.String(), want)
		}
	}
}

func TestCampaignItems(t *testing.T) {
	got := campaignItems([]campaignRow{
		{Name: "Undated <op>", URL: "campaigns/u/"},
		{Name: "One month", URL: "campaigns/a/", First: "2024-08", Last: "2024-08"},
		{Name: "Span", URL: "campaigns/b/", First: "2023", Last: "2024-02"},
	})
	want := `<li><span class=when>undated</span> <a href=../../campaigns/u/>Undated &lt;op&gt;</a></li>` +
		`<li><span class=when>Aug 2024</span> <a href=../../campaigns/a/>One month</a></li>` +
		`<li><span class=when>2023 – Feb 2024</span> <a href=../../campaigns/b/>Span</a></li>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRelatedItemsEscape(t *testing.T) {
	e := &index.Entry{URL: "/briefs/x/", Brief: &brief.Brief{Title: "A <b>", Summary: `S & "q"`, Date: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)}}
	got := relatedItems([]*index.Entry{e})
	want := `<li><a href=../../briefs/x/>A &lt;b&gt;</a> <time datetime=2024-05-02>2 May 2024</time><p>S &amp; &#34;q&#34;</p></li>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestClaimSourceAndIOCItemsEscape(t *testing.T) {
	got := claimItems([]claim{{By: `A & B`, Actor: "<X>", URL: "actors/x/", Confidence: "moderate"}})
	want := `<li><span class=by>A &amp; B</span> attributes this to <a class=actor href=../../actors/x/>&lt;X&gt;</a> <span class="confidence c2"><span class=meter aria-hidden=true><i></i><i></i><i></i></span>moderate confidence</span></li>`
	if got != want {
		t.Errorf("claims:\ngot  %s\nwant %s", got, want)
	}
	got = iocRows([]brief.IOC{{Type: "domain", Value: `evil[.]example"><script>`, Note: "<b>"}})
	want = `<tr><td>domain</td><td><code class=ioc>evil[.]example&#34;&gt;&lt;script&gt;</code></td><td>&lt;b&gt;</td></tr>`
	if got != want {
		t.Errorf("iocs:\ngot  %s\nwant %s", got, want)
	}
	got = sourceItems([]source{
		{Name: "CISA", TermURL: "sources/cisa/", Title: `T "1"`, URL: "https://a.example/x?y=1&z=2"},
		{Name: "Bad", TermURL: "sources/bad/", URL: "javascript:alert(1)"},
	})
	want = `<li><a href=../../sources/cisa/>CISA</a>, <cite>T &#34;1&#34;</cite>: <a class=ext href="https://a.example/x?y=1&amp;z=2" rel="noopener noreferrer">https://a.example/x?y=1&amp;z=2</a></li>` +
		`<li><a href=../../sources/bad/>Bad</a></li>`
	if got != want {
		t.Errorf("sources:\ngot  %s\nwant %s", got, want)
	}
}

func TestTermClaimItems(t *testing.T) {
	e := &index.Entry{URL: "/briefs/x/", Brief: &brief.Brief{Title: "T <1>", Date: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)}}
	got := termClaimItems([]index.Claim{{By: "A&B", Confidence: "high", Entry: e}})
	want := `<li><span class=by>A&amp;B</span> <span class="confidence c3"><span class=meter aria-hidden=true><i></i><i></i><i></i></span>high confidence</span> <span class=in>in <a href=../../briefs/x/>T &lt;1&gt;</a>, <time datetime=2024-05-02>2 May 2024</time></span></li>`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
