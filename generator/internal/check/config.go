package check

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// TimeZone is the site's time zone: config.toml's timeZone (Hugo's key,
// which Hugo also reads front matter dates in), or UTC when the project
// sets none or has no config.toml. "Today", for holding back briefs dated
// after it and for dating a new brief, is the date in this zone, whatever
// the zone of the machine.
func TimeZone(projectDir string) (*time.Location, error) {
	data, err := os.ReadFile(filepath.Join(projectDir, "config.toml"))
	if errors.Is(err, fs.ErrNotExist) {
		return time.UTC, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config.toml: %w", err)
	}
	var cfg struct {
		TimeZone string `toml:"timeZone"` // go-toml matches keys case-insensitively, as Hugo does
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("config.toml: %w", err)
	}
	if cfg.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("config.toml: timeZone: %q is not a time zone (write one such as UTC or Europe/Oslo): %w", cfg.TimeZone, err)
	}
	return loc, nil
}

// Today is the date of now in loc, at midnight UTC: the form brief dates
// take (package validate), so the two compare directly.
func Today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ForProject returns the options of a check of the project at dir on the
// day now falls on in the site's time zone (TimeZone): its content read
// from dir, the default TLP ceiling and taxonomies, and briefs dated after
// that day held back.
func ForProject(dir string, now time.Time) (Options, error) {
	loc, err := TimeZone(dir)
	if err != nil {
		return Options{}, fmt.Errorf("config: %w", err)
	}
	return Options{FS: os.DirFS(dir), Today: Today(now, loc), TimeZone: loc}, nil
}
