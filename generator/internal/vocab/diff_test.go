package vocab_test

import (
	"io"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// tables builds a Vocab from in-memory tables; missing ones are empty.
func tables(t *testing.T, files map[string]string) *vocab.Vocab {
	t.Helper()
	v, err := vocab.New(func(name string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(files[name])), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDiff(t *testing.T) {
	t.Parallel()
	old := tables(t, map[string]string{
		"attack-tactics.tsv":    "# ATT&CK Enterprise v15.1\nTA0011\tcommand-and-control\tCommand and Control\n",
		"attack-techniques.tsv": "T1219\tRemote Access Software\tcommand-and-control\nT1000\tGone\tcommand-and-control\n",
		"attack-groups.tsv":     "G0034\tSandworm Team\tAPT44\n",
	})
	next := tables(t, map[string]string{
		"attack-tactics.tsv":    "# ATT&CK Enterprise v18.1\nTA0011\tcommand-and-control\tCommand and Control\n",
		"attack-techniques.tsv": "T1219\tRemote Access Tools\tcommand-and-control\nT1667\tEmail Bombing\tcommand-and-control\n",
		"attack-groups.tsv":     "G0034\tSandworm Team\tAPT44|Seashell Blizzard\n",
	})
	var b strings.Builder
	if err := vocab.WriteText(&b, vocab.Diff(old, next), 0); err != nil {
		t.Fatal(err)
	}
	want := `  techniques added (1):
    T1667 Email Bombing
  techniques removed (1):
    T1000 Gone
  techniques renamed (1):
    T1219 Remote Access Software → Remote Access Tools
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if d := vocab.Diff(next, next); len(d) != 0 {
		t.Errorf("a table compared with itself changed: %v", d)
	}
}
