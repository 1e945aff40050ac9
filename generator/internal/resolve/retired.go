package resolve

import (
	"fmt"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// retiredMessage says that an ATT&CK ID (or name) written as written is
// revoked or deprecated, and what replaced it: "T1574.002 (DLL
// Side-Loading) was revoked: ATT&CK v18.1 replaced it with T1574.001 (Hijack
// Execution Flow: DLL); use that".
func retiredMessage(v *vocab.Vocab, r vocab.Retired, written string) string {
	what := r.ID + " (" + r.Name + ")"
	if !strings.EqualFold(strings.TrimSpace(written), r.ID) {
		what = fmt.Sprintf("%q (%s)", written, r.ID)
	}
	switch {
	case r.ReplacedBy != "":
		return fmt.Sprintf("%s was revoked: ATT&CK v%s replaced it with %s; use that", what, v.AttackVersion, v.CurrentName(r.ReplacedBy))
	case r.Revoked:
		return fmt.Sprintf("%s is revoked: no longer in ATT&CK v%s", what, v.AttackVersion)
	}
	return fmt.Sprintf("%s is deprecated: no longer in ATT&CK v%s", what, v.AttackVersion)
}
