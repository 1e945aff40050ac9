package brief

// Kind is the shape of a front-matter value.
type Kind int

// The shapes a front-matter value may take.
const (
	KindString Kind = iota
	KindDate
	KindMonth
	KindEnum
	KindStringList
	KindObjectList
	KindMap
)

// Field describes one front-matter key.
type Field struct {
	Key      string
	Kind     Kind
	Required bool
	Enum     []string // allowed values for KindEnum
	Doc      string   // one line, shown by `new` and in the JSON Schema
	Example  string   // YAML value written by `new`
	Sub      []Field  // keys of each object, for KindObjectList
	// Near maps words authors use for a value of Enum to that value
	// ("medium" → "moderate"), for validation to suggest.
	Near map[string]string
}

// Fields is the brief schema, in the order `new` writes it, but for the
// term lists: those are the fields of the taxonomies, which package
// taxonomy adds from its table (taxonomy.Table.BriefFields) beside the
// structured fields here.
func Fields() []Field {
	tlps := make([]string, 0, 5)
	for _, t := range TLPLevels() {
		tlps = append(tlps, string(t))
	}
	return []Field{
		{Key: "title", Kind: KindString, Required: true, Doc: "headline of the brief", Example: `"%TITLE%"`},
		{Key: "date", Kind: KindDate, Required: true, Doc: "publication date of the brief, YYYY-MM-DD", Example: "%DATE%"},
		{Key: "updated", Kind: KindDate, Doc: "date of the last substantive revision, YYYY-MM-DD (optional)", Example: ""},
		{Key: "slug", Kind: KindString, Doc: "URL name, a-z 0-9 and hyphens (optional; defaults to the file name)", Example: ""},
		{Key: "summary", Kind: KindString, Required: true, Doc: "one or two plain sentences shown in lists, feeds and search", Example: `""`},
		{Key: "tlp", Kind: KindEnum, Required: true, Enum: tlps, Doc: "TLP 2.0 label; only clear is published by default", Example: "clear"},
		{Key: "sources", Kind: KindObjectList, Doc: "publications this brief draws on", Example: "\n  - name: \"\"\n    title: \"\"\n    url: \"\"",
			Sub: []Field{
				{Key: "name", Kind: KindString, Required: true, Doc: "the publisher or outlet (CISA, CyberScoop): each becomes a source page"},
				{Key: "title", Kind: KindString, Doc: "title of the document (optional)"},
				{Key: "url", Kind: KindString, Doc: "http(s) address of the document"},
			}},
		{Key: "attribution", Kind: KindObjectList, Doc: "attribution claims: who says which actor did it, and how sure they are", Example: "[]",
			Sub: []Field{
				{Key: "actor", Kind: KindString, Required: true, Doc: "actor name or synonym"},
				{Key: "by", Kind: KindString, Required: true, Doc: "who makes the claim"},
				{Key: "confidence", Kind: KindEnum, Required: true, Enum: []string{"low", "moderate", "high"}, Doc: "low | moderate | high",
					Near: map[string]string{"medium": "moderate", "med": "moderate", "mid": "moderate", "middle": "moderate"}},
			}},
		{Key: "campaigns", Kind: KindObjectList, Doc: "named operations, with the months they were seen", Example: "[]",
			Sub: []Field{
				{Key: "name", Kind: KindString, Required: true, Doc: "campaign name"},
				{Key: "first_seen", Kind: KindMonth, Doc: "YYYY-MM"},
				{Key: "last_seen", Kind: KindMonth, Doc: "YYYY-MM"},
			}},
		{Key: "distinct", Kind: KindStringList, Doc: "names above that are new actors or malware, not misspellings of the known name check suggests", Example: "[]"},
		{Key: "iocs", Kind: KindObjectList, Doc: "indicators {type, value, note}, stored refanged, always shown defanged", Example: "[]",
			Sub: []Field{
				{Key: "type", Kind: KindEnum, Required: true, Enum: IOCTypes(), Doc: "ipv4 | ipv6 | domain | url | md5 | sha1 | sha256 | email | filename"},
				{Key: "value", Kind: KindString, Required: true, Doc: "the indicator, refanged"},
				{Key: "note", Kind: KindString, Doc: "what it is"},
			}},
	}
}

// ProfileFields is the schema of a term profile's front matter.
func ProfileFields() []Field {
	return []Field{
		{Key: "title", Kind: KindString, Required: true, Doc: "canonical name of the term"},
		{Key: "summary", Kind: KindString, Doc: "one sentence"},
		{Key: "synonyms", Kind: KindObjectList, Doc: "other names, each with who coined or uses it",
			Sub: []Field{
				{Key: "name", Kind: KindString, Required: true, Doc: "the other name"},
				{Key: "by", Kind: KindString, Doc: "who coined or uses it"},
			}},
		{Key: "origin", Kind: KindString, Doc: "ISO 3166-1 alpha-2 code of the suspected origin"},
		{Key: "motivation", Kind: KindEnum, Enum: []string{"espionage", "financial", "destruction", "hacktivism", "unknown"}, Doc: "espionage | financial | destruction | hacktivism | unknown"},
		{Key: "first_seen", Kind: KindString, Doc: "year or YYYY-MM"},
		{Key: "external_ids", Kind: KindMap, Doc: "identifiers elsewhere, e.g. {mitre: G1017}"},
	}
}
