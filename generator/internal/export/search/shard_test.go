package search

import (
	"fmt"
	"strings"
	"testing"
)

// TestShardSplitsBigPrefixes: a prefix with more postings than MaxShard is
// split into longer keys, every token lands in the longest key it starts
// with, and no shard that could be split is over MaxShard.
func TestShardSplitsBigPrefixes(t *testing.T) {
	t.Parallel()
	postings := map[string]*Postings{"co": {Briefs: []int{8}}, "x": {Briefs: []int{8}}, "zé": {Briefs: []int{8}}}
	for i := range 3000 {
		tok := fmt.Sprintf("co%c%dword", 'a'+i%26, i)
		postings[tok] = &Postings{Briefs: make([]int, 5)}
	}
	shards := shard(postings)
	if len(shards) < 4 {
		t.Fatalf("%d shards: the big prefix was not split", len(shards))
	}
	var keys []string
	for k := range shards {
		keys = append(keys, k)
	}
	for tok := range postings {
		best := ""
		for _, k := range keys {
			if strings.HasPrefix(tok, k) && len(k) > len(best) {
				best = k
			}
		}
		if shards[best][tok] == nil {
			t.Errorf("token %q is not in the shard of its longest key %q", tok, best)
		}
	}
	if shards["co"]["co"] == nil || len(shards["co"]) != 1 {
		t.Errorf("the split key co keeps the token co alone, it holds %d", len(shards["co"]))
	}
	if shards["x"]["x"] == nil || shards["zé"]["zé"] == nil {
		t.Error("one- and two-letter keys are missing")
	}
	for k, toks := range shards {
		size := 0
		for tok, p := range toks {
			size += p.size(tok)
		}
		if size > MaxShard && len(toks) > 1 {
			t.Errorf("shard %q is %d bytes, over %d", k, size, MaxShard)
		}
	}
}

func TestFileKey(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{"vo": "vo", "t1": "t1", "zé": "z_c3_a9", "20": "20", "h:": "h_3a", "_a": "_5fa"} {
		if got := FileKey(key); got != want {
			t.Errorf("FileKey(%q) = %q, want %q", key, got, want)
		}
	}
}
