package templates

import _ "embed"

// NotifyTitle and NotifyText are the default texts of chat messages: templates/notify/title.tmpl
// (the headline) and templates/notify/text.tmpl (the body). A repository's own files win.
//
//go:embed notify/title.tmpl
var NotifyTitle []byte

//go:embed notify/text.tmpl
var NotifyText []byte
