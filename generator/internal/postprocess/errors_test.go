package postprocess_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
)

// A write that fails names the file, not the stage: the pipeline wraps the
// error in "post-process: ", which would otherwise read
// "post-process: postprocess: ...".
func TestWriteErrorsLeaveTheStageToTheCaller(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "blocked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w := postprocess.NewWriter(dir)
	for name, err := range map[string]error{
		"Write":        w.Write("blocked/a.json", []byte("{}")),
		"WriteCompact": w.WriteCompact("blocked/b.json", []byte("{}")),
	} {
		if err == nil || strings.Contains(err.Error(), "postprocess") || !strings.Contains(err.Error(), "blocked") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
