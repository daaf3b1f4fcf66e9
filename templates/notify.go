package templates

import _ "embed"

// NotifyTitle and NotifyText are the default texts of chat messages: templates/notify/title.tmpl
// (the headline) and templates/notify/text.tmpl (the body). A repository's own files win.
//
//go:embed notify/title.tmpl
var NotifyTitle []byte

//go:embed notify/text.tmpl
var NotifyText []byte

//go:embed notify/title.ja.tmpl
var NotifyTitleJa []byte

//go:embed notify/text.ja.tmpl
var NotifyTextJa []byte

// Notify is one language's default chat texts.
type Notify struct{ Title, Text []byte }

// NotifyFor returns the default chat texts of a language ("ja"); any other gives English.
func NotifyFor(lang string) Notify {
	if lang == "ja" {
		return Notify{Title: NotifyTitleJa, Text: NotifyTextJa}
	}
	return Notify{Title: NotifyTitle, Text: NotifyText}
}
