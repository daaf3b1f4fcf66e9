package notify

import (
	"fmt"
	"strings"
)

// Slack takes Block Kit: a header, the body, the fields side by side, a context line.
// https://api.slack.com/reference/block-kit/blocks — limits: header text 150 characters,
// section text 3000, 10 fields of 2000, context elements of 3000; "text" is the fallback
// shown in notifications.

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type  string `json:"type"` // plain_text or mrkdwn
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

// slackEscape escapes what mrkdwn treats as markup: &, < and > (so "<!channel>" or a user's
// "<@U123>" cannot be formed), and breaks mass mentions.
func slackEscape(s string) string { return noMassMentions(slackMarkup.Replace(s)) }

var slackMarkup = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackBody(m Message) slackMessage {
	title := clip(noMassMentions(m.Title), 150)
	out := slackMessage{Text: clip(slackEscape(m.Title), 3000)}
	out.Blocks = append(out.Blocks, slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: title, Emoji: true}})
	if m.Text != "" {
		out.Blocks = append(out.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: clip(slackEscape(m.Text), 3000)}})
	}
	if len(m.Fields) > 0 {
		b := slackBlock{Type: "section"}
		for _, f := range m.Fields[:min(len(m.Fields), 10)] {
			b.Fields = append(b.Fields, slackText{Type: "mrkdwn", Text: clip("*"+slackEscape(f.Label)+"*\n"+slackEscape(f.Value), 2000)})
		}
		out.Blocks = append(out.Blocks, b)
	}
	out.Blocks = append(out.Blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: clip(slackContext(m), 3000)}}})
	return out
}

// slackContext: the ID, who, when (Slack shows <!date^…> in each reader's own time zone),
// and the link.
func slackContext(m Message) string {
	if m.Test {
		return slackEscape(m.Context)
	}
	parts := []string{"`" + slackEscape(m.Incident.ID) + "`"}
	if m.Author != "" {
		parts = append(parts, slackEscape(m.Author))
	}
	if !m.At.IsZero() {
		parts = append(parts, fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", m.At.Unix(), slackEscape(english().clock(m.At))))
	}
	if m.URL != "" {
		parts = append(parts, "<"+strings.ReplaceAll(m.URL, "|", "%7C")+"|"+m.openLabel()+">")
	}
	return strings.Join(parts, " · ")
}
