package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// Render shapes a message for a kind of sink. key is the message's idempotency key (the
// generic webhook carries it in the body).
func Render(kind string, m Message, key string) ([]byte, error) {
	var v any
	switch kind {
	case "slack":
		v = slackBody(m)
	case "mattermost":
		v = mattermostBody(m)
	case "teams":
		v = teamsBody(m)
	case "discord":
		v = discordBody(m)
	case "webhook":
		v = webhookBody(m, key)
	default:
		return nil, fmt.Errorf("unknown kind of sink %q", kind)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// clip shortens s to at most n characters (runes), ending in "…" when cut: every service
// refuses a message with a field over its limit.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + "…"
}

// massMention finds what Slack and Mattermost treat as "notify everyone": @channel, @here,
// @everyone, @all, and Slack's <!channel> spelling (which Mattermost also expands).
var massMention = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)(@|<!)(channel|here|everyone|all)\b`) })

// noMassMentions breaks those with a zero-width space, so a title or an announcement never
// pages a whole channel. (Teams needs explicit mention entities and Discord is told
// allowed_mentions: {parse: []}, so their texts are left as written.)
func noMassMentions(s string) string { return massMention().ReplaceAllString(s, "$1\u200b$2") }

func hexColor(c int) string { return fmt.Sprintf("#%06X", c&0xFFFFFF) }
