package vocab_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func TestResolveCountry(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"US": "US", "no": "NO", "USA": "US", "U.S.": "US", "United States": "US", "UK": "GB", "U.K.": "GB",
		"China": "CN", "PRC": "CN", "South Korea": "KR", "North Korea": "KP",
		// CLDR's names carry qualifiers reports leave out.
		"Hong Kong": "HK", "Hong Kong SAR China": "HK", "Macao": "MO", "Myanmar": "MM", "Burma": "MM",
		"North Macedonia": "MK", "Eswatini": "SZ", "KSA": "SA",
		// Diacritics, "St."/"Saint" and a leading "the" do not matter.
		"Curacao": "CW", "Curaçao": "CW", "Cote d'Ivoire": "CI", "Côte d’Ivoire": "CI", "Sao Tome and Principe": "ST",
		"Saint Kitts and Nevis": "KN", "St. Kitts & Nevis": "KN", "Saint Lucia": "LC",
		"The Netherlands": "NL", "the Bahamas": "BS", "The Gambia": "GM", "The Philippines": "PH",
	} {
		if got, ok := v.ResolveCountry(in); !ok || got != want {
			t.Errorf("ResolveCountry(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, region := range []string{"Europe", "Global", "EU", "Middle East", "Asia-Pacific", "the", "The", "Thе Netherlands", ""} {
		if got, ok := v.ResolveCountry(region); ok {
			t.Errorf("ResolveCountry(%q) = %q; a region or non-name is not a country", region, got)
		}
	}
}
