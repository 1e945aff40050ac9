package slug_test

import (
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
)

func TestFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ title, want string }{
		{"Volt Typhoon targets water utilities", "volt-typhoon-targets-water-utilities"},
		// Cut at the last word boundary within 60 characters.
		{"Chinese cyber center points finger at U.S. over alleged cyberattacks to steal trade secrets",
			"chinese-cyber-center-points-finger-at-u-s-over-alleged"},
		// Exactly 60 characters: kept whole.
		{strings.Repeat("abcd ", 11) + "abcde", strings.Repeat("abcd-", 11) + "abcde"},
		// One long word: cut at 60.
		{strings.Repeat("x", 70), strings.Repeat("x", 60)},
	} {
		got := slug.File(tc.title)
		if got != tc.want {
			t.Errorf("File(%q) = %q, want %q", tc.title, got, tc.want)
		}
		if len(got) > slug.FileLen {
			t.Errorf("File(%q) is %d characters long", tc.title, len(got))
		}
	}
}
