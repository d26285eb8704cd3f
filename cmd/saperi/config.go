package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/saperi/saperi"
	"github.com/saperi/saperi/index"
	"github.com/saperi/saperi/matcher"
)

// errHelp means --help was asked for and printed.
var errHelp = errors.New("help requested")

type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// flags is a flag set whose defaults can come from SAPERI_* environment
// variables, and whose --help says so.
type flags struct {
	fs        *flag.FlagSet
	name      string
	argsUsage string
	about     string
	out       io.Writer
	envOf     map[string]string
	envErr    error
}

func newFlags(name, argsUsage, about string, out io.Writer) *flags {
	f := &flags{fs: flag.NewFlagSet(name, flag.ContinueOnError), name: name, argsUsage: argsUsage,
		about: about, out: out, envOf: map[string]string{}}
	f.fs.SetOutput(io.Discard)
	return f
}

// env returns the environment's value for key, if set.
func (f *flags) env(flagName, key string) (string, bool) {
	if key == "" {
		return "", false
	}
	f.envOf[flagName] = key
	v, ok := os.LookupEnv(key)
	return v, ok && v != ""
}

func (f *flags) str(p *string, name, key, def, usage string) {
	if v, ok := f.env(name, key); ok {
		def = v
	}
	f.fs.StringVar(p, name, def, usage)
}

func (f *flags) int(p *int, name, key string, def int, usage string) {
	if v, ok := f.env(name, key); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q is not a whole number", key, v)
		}
		def = n
	}
	f.fs.IntVar(p, name, def, usage)
}

func (f *flags) float(p *float64, name, key string, def float64, usage string) {
	if v, ok := f.env(name, key); ok {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q is not a number", key, v)
		}
		def = x
	}
	f.fs.Float64Var(p, name, def, usage)
}

func (f *flags) bool(p *bool, name, key string, def bool, usage string) {
	if v, ok := f.env(name, key); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q is not true or false", key, v)
		}
		def = b
	}
	f.fs.BoolVar(p, name, def, usage)
}

func (f *flags) duration(p *time.Duration, name, key string, def time.Duration, usage string) {
	if v, ok := f.env(name, key); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q is not a duration such as 10s or 2m", key, v)
		}
		def = d
	}
	f.fs.DurationVar(p, name, def, usage)
}

// parse parses args; --help prints the usage and returns errHelp.
func (f *flags) parse(args []string) error {
	err := f.fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		f.usage(f.out)
		return errHelp
	}
	if err != nil {
		return usageError{err}
	}
	if f.envErr != nil {
		return usageError{f.envErr}
	}
	return nil
}

func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: saperi %s [flags] %s\n\n%s\n\nFlags:\n", f.name, f.argsUsage, f.about)
	f.fs.VisitAll(func(fl *flag.Flag) {
		name, u := flag.UnquoteUsage(fl)
		fmt.Fprintf(w, "  --%s %s\n    \t%s", fl.Name, name, u)
		var extra []string
		if e := f.envOf[fl.Name]; e != "" {
			extra = append(extra, "env "+e)
		}
		if fl.DefValue != "" {
			extra = append(extra, "default "+fl.DefValue)
		}
		if len(extra) > 0 {
			fmt.Fprintf(w, " (%s)", strings.Join(extra, ", "))
		}
		fmt.Fprintln(w)
	})
}

// common are the settings every command shares.
type common struct {
	Data      string
	LogLevel  string
	LogFormat string
}

func (f *flags) common(c *common) {
	f.str(&c.Data, "data", "SAPERI_DATA", "./data", "folder of the store (saperi.db) and the index (index.bleve)")
	f.str(&c.LogLevel, "log-level", "SAPERI_LOG_LEVEL", "info", "log level: debug, info, warn, error")
	f.str(&c.LogFormat, "log-format", "SAPERI_LOG_FORMAT", "text", "log format: text or json")
}

// logger builds the structured logger the command logs to (stderr).
func (c common) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError{fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel)}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Errorf("--log-format %q: use text or json", c.LogFormat)}
}

// parseWeights reads "text=0.5,category=0.1,…" over the defaults.
func parseWeights(s string) (matcher.Weights, error) {
	w := matcher.DefaultWeights()
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	fields := map[string]*float64{
		saperi.FText: &w.Text, saperi.FCategory: &w.Category, saperi.FProximity: &w.Proximity,
		saperi.FAvailability: &w.Availability, saperi.FLanguage: &w.Language, saperi.FMode: &w.Mode,
		saperi.FFreshness: &w.Freshness, saperi.FLoad: &w.Load,
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		p := fields[strings.TrimSpace(k)]
		if !ok || p == nil {
			return w, usageError{fmt.Errorf("--weights: %q is not name=value with a name among %s", part, strings.Join(saperi.Features, ", "))}
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return w, usageError{fmt.Errorf("--weights: %q is not a number", v)}
		}
		*p = x
	}
	if err := w.Validate(); err != nil {
		return w, usageError{fmt.Errorf("--weights: %v", err)}
	}
	return w, nil
}

// relevance is the text-relevance configuration: retrieval (index) and
// the text feature of ranking (matcher.Scorer).
type relevance struct {
	index         index.Options
	synonymCredit float64
}

// relevanceNames are the names --relevance accepts.
const relevanceNames = "title, description, tags, synonym, general, fuzzy, common, common_min, concept, synonym_credit"

// parseRelevance reads "title=2,synonym=0.5,…" over index.DefaultOptions
// and the matcher's text defaults; a retrieval weight of 0 turns that part
// off; synonym_credit lies in (0,1].
func parseRelevance(s string) (r relevance, err error) {
	r = relevance{index: index.DefaultOptions, synonymCredit: matcher.DefaultSynonymCredit}
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	o := &r.index
	commonMin := float64(o.CommonMin)
	defer func() { r.index.CommonMin = int(commonMin) }()
	fields := map[string]*float64{
		"common": &o.CommonShare, "common_min": &commonMin,
		"title": &o.BoostTitle, "description": &o.BoostDescription, "tags": &o.BoostTags,
		"synonym": &o.SynonymWeight, "general": &o.GeneralWeight, "fuzzy": &o.FuzzyWeight, "concept": &o.ConceptWeight,
		"synonym_credit": &r.synonymCredit,
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.TrimSpace(k)
		p := fields[k]
		if !ok || p == nil {
			return r, usageError{fmt.Errorf("--relevance: %q is not name=value with a name among %s", part, relevanceNames)}
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return r, usageError{fmt.Errorf("--relevance: %q is not a non-negative number", v)}
		}
		if k == "common_min" {
			x = max(x, 1) // zero means the default to index.Options
		} else if k == "synonym_credit" {
			if x == 0 || x > 1 {
				return r, usageError{fmt.Errorf("--relevance: %s=%v: use a number in (0,1]", k, x)}
			}
		} else if x == 0 {
			x = -1 // index.Options: zero means default, negative means off
		}
		*p = x
	}
	return r, nil
}
