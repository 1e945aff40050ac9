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
	if shards["co"]["co"] == nil {
		t.Error("the split key co lost the token co")
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

// TestShardKeepsSmallKeysWithABigToken: when a prefix is split because
// one token is big (a word in hundreds of terms' names), the few small
// tokens longer than it stay in its shard rather than in a shard each,
// every one of which a prefix query would load.
func TestShardKeepsSmallKeysWithABigToken(t *testing.T) {
	t.Parallel()
	big := &Postings{Briefs: make([]int, MaxShard/6)}
	postings := map[string]*Postings{"badger": big}
	for c := 'a'; c <= 'q'; c++ {
		postings["badger"+string(c)+"x"] = &Postings{Briefs: make([]int, 56)}
	}
	shards := shard(postings)
	if len(shards) > 1 {
		var keys []string
		for k := range shards {
			keys = append(keys, k)
		}
		t.Errorf("%d shards for one big token and 17 small ones: %v", len(shards), keys)
	}
	for tok := range postings {
		if shards["badger"][tok] == nil {
			t.Errorf("token %q is not in the shard badger", tok)
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
