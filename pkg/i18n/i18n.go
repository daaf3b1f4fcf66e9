// Package i18n is incidentctl's message catalogue: which language a reader gets, and the
// translated text of every message a person reads on the terminal (and, later, on the site and
// in chat). The catalogue files are catalog/<lang>.yaml, embedded; github.com/nicksnyder/go-i18n
// looks messages up and falls back to English for any message a language lacks.
//
// Text stored in incident documents (section headings, the Status table, the log texts the
// tool writes) is not here: it is part of the document format, read back by the parser and the
// statistics, and lives with the format in pkg/incident and pkg/board.
package i18n

import (
	_ "embed" // the catalogues
	"errors"
	"fmt"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Lang is a language incidentctl speaks, as a BCP 47 base code.
type Lang string

// The languages of the catalogue. English is the fallback for everything.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

// Langs lists the supported languages, English first.
var Langs = []Lang{English, Japanese}

// Names lists the supported language codes for messages ("en, ja").
func Names() string {
	s := make([]string, len(Langs))
	for i, l := range Langs {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}

// ParseLang reads a language code ("ja", "ja-JP") or a POSIX locale name ("ja_JP.UTF-8",
// "en_US@euro"). ok is false for a language incidentctl does not speak; "" (and the "C" and
// "POSIX" locales, which name no language) give "" and true: no preference.
func ParseLang(s string) (l Lang, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i] // codeset and modifier say nothing about the language
	}
	switch s {
	case "", "C", "POSIX":
		return "", true
	}
	s = strings.ToLower(strings.ReplaceAll(s, "_", "-"))
	base, _, _ := strings.Cut(s, "-")
	for _, l := range Langs {
		if base == string(l) {
			return l, true
		}
	}
	return "", false
}

// FromEnv is the language the locale environment asks for, in POSIX order of precedence:
// LC_ALL, then LC_MESSAGES, then LANG. The first one that is set decides, even when it names a
// language incidentctl does not speak (then the answer is "": no preference, so English unless
// the repository says otherwise).
func FromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			l, _ := ParseLang(v)
			return l
		}
	}
	return ""
}

// Choose picks the reader's language: the --lang flag, then the locale environment, then the
// repository's lang setting, then English. A flag naming an unknown language is an error.
func Choose(flag string, getenv func(string) string, config Lang) (Lang, error) {
	if flag != "" {
		l, ok := ParseLang(flag)
		if !ok || l == "" {
			return English, fmt.Errorf("--lang %q: incidentctl speaks %s", flag, Names())
		}
		return l, nil
	}
	if l := FromEnv(getenv); l != "" {
		return l, nil
	}
	if config != "" {
		return config, nil
	}
	return English, nil
}

// The catalogues, embedded as strings: reading them copies nothing.
var (
	//go:embed catalog/en.yaml
	catalogueEn string
	//go:embed catalog/ja.yaml
	catalogueJa string
)

// catalogueText is the embedded catalogue file of language l.
func catalogueText(l Lang) (string, bool) {
	switch l {
	case English:
		return catalogueEn, true
	case Japanese:
		return catalogueJa, true
	}
	return "", false
}

// Each language has a bundle of its own, holding English (the fallback) and itself, set up the
// first time a printer of that language is asked for: every command starts by reading its
// messages, and making go-i18n's templates of all ~800 messages takes a millisecond or more,
// so a catalogue is only indexed (indexCatalogue) and each message is read and handed to the
// bundle the first time it is asked for (ensure). An English run indexes English only.
type langBundle struct {
	once sync.Once
	err  error
	// mu guards the bundle, to which ensure adds messages while other goroutines may be
	// localizing. The bundle itself (go-i18n's plural rules of every language: ~1,000
	// allocations) is made when a message first needs it: plain texts come straight from
	// the catalogue (see Printer.lookup).
	mu     sync.RWMutex
	bundle func() *goi18n.Bundle
	// files are the catalogues whose messages are added on demand (English first); a
	// message outside the part of YAML readMessage reads is taken from whole instead.
	files []langFile
	added sync.Map // message ID -> struct{}: given to b (or found in no file)
	// whole holds every message of the language's catalogues, made the first time ensure
	// cannot take the lock without waiting (see there) or meets a message readMessage does
	// not read.
	whole func() *goi18n.Bundle
}

type langFile struct {
	tag language.Tag
	cat *catalogueFile
}

var (
	bundles  = map[Lang]*langBundle{} // filled in init: read-only afterwards
	printers sync.Map                 // Lang -> *Printer
)

func init() {
	for _, l := range Langs {
		bundles[l] = &langBundle{}
	}
}

// loadBundle returns the bundle of language l (a known one), reading its catalogues once.
func loadBundle(l Lang) (*langBundle, error) {
	lb := bundles[l]
	lb.once.Do(func() { lb.err = lb.load(l) })
	return lb, lb.err
}

// load indexes the catalogues of English and l (see indexCatalogue).
func (lb *langBundle) load(l Lang) error {
	load := []Lang{English}
	if l != English {
		load = append(load, l)
	}
	for _, c := range load {
		data, ok := catalogueText(c)
		if !ok {
			return fmt.Errorf("message catalogue %s: not embedded", c)
		}
		lb.files = append(lb.files, langFile{language.Make(string(c)), indexCatalogue(data)})
	}
	lb.bundle = sync.OnceValue(func() *goi18n.Bundle {
		b := goi18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
		for _, f := range lb.files {
			// No message yet: this registers the language (and checks go-i18n has its plural
			// rules), as adding all its messages at once would.
			if err := b.AddMessages(f.tag); err != nil {
				panic(fmt.Errorf("message catalogue %s: %v", f.tag, err)) // English and Japanese have plural rules: TestCatalogue
			}
		}
		return b
	})
	lb.whole = sync.OnceValue(func() *goi18n.Bundle {
		b := goi18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
		for _, c := range load {
			text, _ := catalogueText(c)
			data := []byte(text)
			var err error
			if msgs, ok := parseCatalogue(data); ok {
				err = b.AddMessages(language.Make(string(c)), msgs...)
			} else {
				_, err = b.ParseMessageFileBytes(data, "catalog/"+string(c)+".yaml")
			}
			if err != nil {
				panic(err) // the embedded catalogue: TestCatalogue keeps it loadable
			}
		}
		return b
	})
	return nil
}

// ensure hands message id of every catalogue to the bundle, once, and reports whether b has
// it. It never waits for the lock: the goroutine may be inside a lookup already, holding the
// read lock while a template argument's Error or String method asks for a message. When the
// lock is taken, the caller uses the whole catalogue instead (the same text).
func (lb *langBundle) ensure(id string) bool {
	if len(lb.files) == 0 {
		return true
	}
	if _, ok := lb.added.Load(id); ok {
		return true
	}
	if !lb.mu.TryLock() {
		return false
	}
	defer lb.mu.Unlock()
	if _, ok := lb.added.Load(id); !ok {
		b := lb.bundle()
		for _, f := range lb.files {
			if !f.cat.has(id) {
				continue
			}
			m, ok := f.cat.message(id)
			if !ok {
				return false // outside the part of YAML indexCatalogue's files are read in: the YAML parser's reading
			}
			_ = b.AddMessages(f.tag, m) // the tag's plural rules were checked making b
		}
		lb.added.Store(id, struct{}{})
	}
	return true
}

// Printer looks messages up in one language.
type Printer struct {
	lang  Lang
	lb    *langBundle
	loc   func() *goi18n.Localizer // on lb.bundle
	whole func() *goi18n.Localizer // on lb.whole
	plain sync.Map                 // id -> text of messages without arguments: a listing of 100,000 rows asks for the same few
}

// For returns the printer of a language ("" and unknown languages give English).
func For(l Lang) *Printer {
	if l == "" {
		l = English
	}
	if p, ok := printers.Load(l); ok {
		return p.(*Printer)
	}
	known := English
	if _, ok := bundles[l]; ok {
		known = l
	}
	lb, err := loadBundle(known)
	if err != nil {
		panic(err) // the catalogue is embedded: TestCatalogue keeps it loadable
	}
	p, _ := printers.LoadOrStore(l, newPrinter(l, lb))
	return p.(*Printer)
}

func newPrinter(l Lang, lb *langBundle) *Printer {
	return &Printer{lang: l, lb: lb,
		loc:   sync.OnceValue(func() *goi18n.Localizer { return goi18n.NewLocalizer(lb.bundle(), string(l), string(English)) }),
		whole: sync.OnceValue(func() *goi18n.Localizer { return goi18n.NewLocalizer(lb.whole(), string(l), string(English)) })}
}

// lookup localizes one message, handing it to the bundle first if need be. A plain text (no
// template action, no plural forms) in the printer's own language, asked for without a
// count, is what go-i18n would give: the text itself.
func (p *Printer) lookup(lc *goi18n.LocalizeConfig) (string, error) {
	if lc.DefaultMessage == nil {
		if lc.PluralCount == nil {
			if s, ok := p.lb.plainText(lc.MessageID); ok {
				return s, nil
			}
		}
		if s, ok := p.lb.expand(lc); ok {
			return s, nil
		}
	}
	if !p.lb.ensure(lc.MessageID) {
		return p.whole().Localize(lc)
	}
	p.lb.mu.RLock()
	defer p.lb.mu.RUnlock()
	return p.loc().Localize(lc)
}

// plainText is message id of the bundle's own language when it is plain text.
func (lb *langBundle) plainText(id string) (string, bool) {
	f := lb.files[len(lb.files)-1] // English, or the language's own catalogue after it
	m, ok := f.cat.message(id)
	if !ok {
		return "", false
	}
	if m.Other == "" || m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" ||
		m.LeftDelim != "" || m.RightDelim != "" || strings.Contains(m.Other, "{{") {
		return "", false
	}
	return m.Other, true
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T returns message id with its arguments, given as name, value pairs:
//
//	p.T("lang.unknown", "Flag", "fr", "Known", i18n.Names())
//
// A message the catalogue lacks comes back as its ID, so a missing one shows rather than
// vanishing (TestCatalogue checks every ID the code uses). An argument named Count also picks
// the message's plural form (one, other) when it has several.
func (p *Printer) T(id string, args ...any) string {
	if len(args) == 0 {
		if s, ok := p.plain.Load(id); ok {
			return s.(string)
		}
		s := p.localize(id, nil, nil)
		p.plain.Store(id, s)
		return s
	}
	var count any
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "Count" {
			count = args[i+1]
		}
	}
	return p.localize(id, count, args)
}

// N is T for a message that depends on a count (plural forms); the count is also the
// argument Count.
func (p *Printer) N(id string, count int, args ...any) string {
	return p.localize(id, count, append(args, "Count", count))
}

func (p *Printer) localize(id string, count any, args []any) string {
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			v := args[i+1]
			// A name made with Text ("the log text") inside a message, and a message handed on
			// inside another (a sink's problem inside "not posted to …"), are given in the
			// same language as the sentence around them.
			switch a := v.(type) {
			case string:
				v = p.Translate(a)
			case error:
				if p.lang != English {
					v = p.Message(a)
				}
			}
			data[fmt.Sprint(args[i])] = v
		}
	}
	s, err := p.lookup(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Has reports whether the catalogue has message id (in English, which has them all).
func Has(id string) bool {
	_, err := For(English).lookup(&goi18n.LocalizeConfig{MessageID: id})
	var nf *goi18n.MessageNotFoundErr
	return !errors.As(err, &nf)
}

// Error is an error whose text comes from the catalogue: a domain package returns one, and the
// CLI prints it in the reader's language. Error() is the English text (what logs and tests of
// the domain see).
type Error struct {
	ID   string
	Args []any
}

// Errorf returns an *Error for message id with name, value arguments.
func Errorf(id string, args ...any) *Error { return &Error{ID: id, Args: args} }

func (e *Error) Error() string { return For(English).T(e.ID, e.Args...) }

// Message prints err in the printer's language: an *Error (or an error wrapping one that adds
// nothing to its text) is translated; any other error is printed as it is.
func (p *Printer) Message(err error) string {
	var l Localized
	if errors.As(err, &l) && err.Error() == l.Error() {
		return l.Localize(p)
	}
	var e *Error
	if errors.As(err, &e) && err.Error() == e.Error() {
		return p.T(e.ID, e.Args...)
	}
	if p.lang != English {
		for _, f := range translators {
			if s, ok := f(p, err); ok {
				return s
			}
		}
		// An error whose whole text was made by Text (a usage error built from one, say).
		return p.Translate(err.Error())
	}
	return err.Error()
}

// Localized is an error that says itself in a printer's language: a typed error of a domain
// package whose text is put together from several catalogue messages (a list of conflicts,
// say). Its Error() is Localize(For(English)).
type Localized interface {
	error
	Localize(p *Printer) string
}

// translators say in a printer's language errors that carry no catalogue message (errors of a
// package that keeps its own sentences, such as pkg/gitrepo's): see AddTranslator.
var translators []func(*Printer, error) (string, bool)

// AddTranslator adds a function that says an error in p's language when it can; Message tries
// each for an error that is neither an *Error nor Localized. Call it from an init function.
func AddTranslator(f func(p *Printer, err error) (string, bool)) {
	translators = append(translators, f)
}

// texts remembers the messages Text rendered, by their English text.
var texts sync.Map // string -> *Error

// Text is the English text of message id, for a domain package that hands text (a warning)
// rather than an error to the CLI. The CLI's Printer.Translate gives it back in the reader's
// language; any other text passes through unchanged.
func Text(id string, args ...any) string {
	e := Errorf(id, args...)
	s := e.Error()
	texts.Store(s, e)
	return s
}

// Translate returns a text made by Text in the printer's language (other text as it is).
func (p *Printer) Translate(s string) string {
	if e, ok := texts.Load(s); ok {
		return p.T(e.(*Error).ID, e.(*Error).Args...)
	}
	return s
}
