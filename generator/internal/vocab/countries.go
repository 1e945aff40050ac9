package vocab

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// notCurrent lists codes that golang.org/x/text accepts as countries but ISO
// 3166-1 does not assign today: withdrawn codes (BU, CS, DD, SU, YU, ZR, ...)
// and exceptionally reserved ones (AC, CP, DG, EA, IC, TA, UK). XK (Kosovo) is
// kept: it is not ISO-assigned but every CTI vendor and the EU use it.
var notCurrent = []string{"AC", "AN", "BU", "CP", "CQ", "CS", "CT", "DD", "DG", "DY", "EA", "EU", "EZ", "FQ", "FX", "HV", "IC", "JT", "MI", "NH", "NQ", "NT", "PC", "PU", "PZ", "RH", "SU", "TA", "TP", "UK", "UN", "VD", "WK", "YD", "YU", "ZR"}

// countryAliases are names and abbreviations reports use that are not the
// CLDR English name or the alpha-3 code.
var countryAliases = map[string]string{
	"U.S.": "US", "U.S.A.": "US", "USA": "US", "United States of America": "US", "America": "US",
	"UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
	"Russian Federation": "RU", "PRC": "CN", "People's Republic of China": "CN", "Mainland China": "CN",
	"Republic of Korea": "KR", "ROK": "KR", "Korea": "KR", "DPRK": "KP", "Democratic People's Republic of Korea": "KP",
	"ROC": "TW", "Republic of China": "TW", "Czech Republic": "CZ", "Turkey": "TR", "Türkiye": "TR",
	"UAE": "AE", "Emirates": "AE", "Holland": "NL", "The Netherlands": "NL", "Iran, Islamic Republic of": "IR",
	"Viet Nam": "VN", "Burma": "MM", "Ivory Coast": "CI", "Cote d'Ivoire": "CI", "Swaziland": "SZ",
	"Macedonia": "MK", "Vatican": "VA", "Holy See": "VA", "Palestine": "PS", "Laos": "LA", "Syria": "SY",
	"Moldova": "MD", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ", "Brunei": "BN", "Cape Verde": "CV",
	"DRC": "CD", "Democratic Republic of the Congo": "CD", "Republic of the Congo": "CG", "East Timor": "TL",
	// CLDR names carry qualifiers reports leave out ("Hong Kong SAR China",
	// "Myanmar (Burma)") or use names ISO has since changed.
	"Hong Kong": "HK", "Macau": "MO", "Macao": "MO", "Myanmar": "MM", "Eswatini": "SZ", "North Macedonia": "MK",
	"KSA": "SA", "Republic of Ireland": "IE",
}

// fold strips diacritics ("Curaçao" → "Curacao"), so both spellings match.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func countries() (byCode map[string]string, byKey map[string]string) {
	byCode = map[string]string{}
	byKey = map[string]string{}
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || slices.Contains(notCurrent, code) {
				continue
			}
			name := names.Name(r)
			byCode[code] = name
			for _, n := range []string{name, fold(name), strings.ReplaceAll(name, "St. ", "Saint ")} {
				byKey[Norm(n)] = code
			}
			if iso3 := r.ISO3(); iso3 != "" && iso3 != "ZZZ" {
				byKey[strings.ToLower(iso3)] = code
			}
		}
	}
	for alias, code := range countryAliases {
		byKey[Norm(alias)] = code
		byKey[Norm(fold(alias))] = code
	}
	return byCode, byKey
}

// Country returns the English name of an ISO 3166-1 alpha-2 code.
func (v *Vocab) Country(code string) (string, bool) {
	n, ok := v.countries[code]
	return n, ok
}

// CountryCodes returns every known code, sorted.
func (v *Vocab) CountryCodes() []string {
	out := make([]string, 0, len(v.countries))
	for c := range v.countries {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ResolveCountry accepts an alpha-2 code (any case), an alpha-3 code, an
// English name (with or without diacritics or a leading "the") or a common
// abbreviation ("U.S.", "UK") and returns the alpha-2 code. Regions
// ("Europe", "Global") are not countries.
func (v *Vocab) ResolveCountry(s string) (string, bool) {
	t := strings.TrimSpace(s)
	if len(t) == 2 {
		if _, ok := v.countries[strings.ToUpper(t)]; ok {
			return strings.ToUpper(t), true
		}
	}
	if code, ok := v.countryByKey[Norm(t)]; ok {
		return code, true
	}
	if len(t) > 4 && strings.EqualFold(t[:4], "the ") {
		code, ok := v.countryByKey[Norm(t[4:])]
		return code, ok
	}
	return "", false
}

// SuggestCountry returns the nearest country name for an unknown one.
func (v *Vocab) SuggestCountry(s string) (string, bool) {
	cands := make([]Candidate, 0, len(v.countries))
	for code, name := range v.countries {
		cands = append(cands, Candidate{Name: name, Canonical: code + " (" + name + ")"})
	}
	slices.SortFunc(cands, func(a, b Candidate) int { return strings.Compare(a.Name, b.Name) })
	return Suggest(s, cands)
}
