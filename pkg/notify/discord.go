package notify

import "time"

// Discord takes embeds (https://discord.com/developers/docs/resources/webhook#execute-webhook):
// a title, a description, a colour, fields, a footer and a timestamp each reader sees in
// their own time zone. Limits: title 256, description 4096, 25 fields (name 256, value 1024,
// never empty), footer 2048, 6000 in all. allowed_mentions with an empty parse list means
// nothing in the message can mention anyone.

type discordMessage struct {
	Embeds          []discordEmbed  `json:"embeds"`
	AllowedMentions discordMentions `json:"allowed_mentions"`
}

type discordMentions struct {
	Parse []string `json:"parse"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	URL         string         `json:"url,omitempty"`
	Color       int            `json:"color"`
	Fields      []discordField `json:"fields,omitempty"`
	Footer      *discordFooter `json:"footer,omitempty"`
	Timestamp   string         `json:"timestamp,omitempty"`
}

type discordField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type discordFooter struct {
	Text string `json:"text"`
}

func discordBody(m Message) discordMessage {
	e := discordEmbed{
		Title:       clip(m.Title, 256),
		Description: clip(m.Text, 3000),
		URL:         m.URL,
		Color:       m.Color & 0xFFFFFF,
	}
	for _, f := range m.Fields[:min(len(m.Fields), 25)] {
		e.Fields = append(e.Fields, discordField{Name: clip(f.Label, 256), Value: clip(orNone(f.Value), 1000), Inline: !f.Long})
	}
	if m.Context != "" {
		e.Footer = &discordFooter{Text: clip(m.Context, 1000)}
	}
	if !m.At.IsZero() {
		e.Timestamp = m.At.UTC().Format(time.RFC3339)
	}
	return discordMessage{Embeds: []discordEmbed{e}, AllowedMentions: discordMentions{Parse: []string{}}}
}
