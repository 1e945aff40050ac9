package postprocess_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporters"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// Written atomically (as the preview writes them), the exports are the
// same files, byte for byte, with nothing left beside them; a run stopped
// before it starts writes nothing and says why.
func TestRunWithOptions(t *testing.T) {
	t.Parallel()
	for name, s := range exporttest.Libraries(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plain, atomic := t.TempDir(), t.TempDir()
			if err := postprocess.Run(plain, s, exporters.All()); err != nil {
				t.Fatal(err)
			}
			if err := postprocess.RunWith(atomic, s, exporters.All(), postprocess.Options{Atomic: true}); err != nil {
				t.Fatal(err)
			}
			want, got := sitetest.Tree(t, plain), sitetest.Tree(t, atomic)
			if len(want) < 20 {
				t.Fatalf("only %d files written", len(want))
			}
			for rel, data := range want {
				if !bytes.Equal(got[rel], data) {
					t.Errorf("%s differs written atomically", rel)
				}
			}
			for rel := range got {
				if _, ok := want[rel]; !ok {
					t.Errorf("%s written only atomically", rel)
				}
			}

			stopped, stop := context.WithCancel(context.Background())
			stop()
			dir := t.TempDir()
			err := postprocess.RunWith(dir, s, exporters.All(), postprocess.Options{Stop: stopped, Atomic: true})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("a stopped run returned %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a stopped run wrote %s and %d more", entries[0].Name(), len(entries)-1)
			}
		})
	}
}
