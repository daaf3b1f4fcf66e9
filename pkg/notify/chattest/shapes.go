package chattest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// Validate checks a message body against the structure its service documents, decoding it
// strictly (an unknown key is an error) and checking the limits a service enforces.
func Validate(kind string, body []byte) error {
	switch kind {
	case "slack":
		return validateSlack(body)
	case "mattermost":
		return validateMattermost(body)
	case "teams":
		return validateTeams(body)
	case "discord":
		return validateDiscord(body)
	case "webhook":
		return validateWebhook(body)
	}
	return fmt.Errorf("unknown kind %q", kind)
}

func strict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func limit(what, s string, n int) error {
	if runes(s) > n {
		return fmt.Errorf("%s is %d characters, more than %d", what, runes(s), n)
	}
	return nil
}

// Slack Block Kit: https://api.slack.com/reference/block-kit/blocks

type slackText struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Emoji    *bool  `json:"emoji"`
	Verbatim *bool  `json:"verbatim"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	BlockID  string      `json:"block_id"`
	Text     *slackText  `json:"text"`
	Fields   []slackText `json:"fields"`
	Elements []slackText `json:"elements"`
}

func validateSlack(body []byte) error {
	var m struct {
		Text   string       `json:"text"`
		Blocks []slackBlock `json:"blocks"`
	}
	if err := strict(body, &m); err != nil {
		return fmt.Errorf("slack: %v", err)
	}
	if m.Text == "" {
		return fmt.Errorf("slack: no fallback text (shown in notifications)")
	}
	if len(m.Blocks) == 0 || len(m.Blocks) > 50 {
		return fmt.Errorf("slack: %d blocks, want 1 to 50", len(m.Blocks))
	}
	textObj := func(where string, t slackText, n int) error {
		if t.Type != "plain_text" && t.Type != "mrkdwn" {
			return fmt.Errorf("slack: %s: text type %q", where, t.Type)
		}
		if t.Text == "" {
			return fmt.Errorf("slack: %s: empty text", where)
		}
		return limit("slack: "+where, t.Text, n)
	}
	for i, b := range m.Blocks {
		where := fmt.Sprintf("block %d (%s)", i, b.Type)
		switch b.Type {
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" || len(b.Fields) > 0 || len(b.Elements) > 0 {
				return fmt.Errorf("slack: %s: a header holds one plain_text text", where)
			}
			if err := textObj(where, *b.Text, 150); err != nil {
				return err
			}
		case "section":
			if b.Text == nil && len(b.Fields) == 0 || len(b.Elements) > 0 {
				return fmt.Errorf("slack: %s: a section holds text or fields", where)
			}
			if b.Text != nil {
				if err := textObj(where, *b.Text, 3000); err != nil {
					return err
				}
			}
			if len(b.Fields) > 10 {
				return fmt.Errorf("slack: %s: %d fields, at most 10", where, len(b.Fields))
			}
			for _, f := range b.Fields {
				if err := textObj(where+" field", f, 2000); err != nil {
					return err
				}
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 || b.Text != nil || len(b.Fields) > 0 {
				return fmt.Errorf("slack: %s: a context holds 1 to 10 elements", where)
			}
			for _, e := range b.Elements {
				if err := textObj(where+" element", e, 3000); err != nil {
					return err
				}
			}
		case "divider":
		default:
			return fmt.Errorf("slack: %s: unexpected block type", where)
		}
	}
	if m.Blocks[0].Type != "header" {
		return fmt.Errorf("slack: the first block is %s, want the header", m.Blocks[0].Type)
	}
	return nil
}

// Mattermost message attachments:
// https://developers.mattermost.com/integrate/reference/message-attachments/

var hexColorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

func validateMattermost(body []byte) error {
	var m struct {
		Text        string `json:"text"`
		Username    string `json:"username"`
		Attachments []struct {
			Fallback  string `json:"fallback"`
			Color     string `json:"color"`
			Pretext   string `json:"pretext"`
			Title     string `json:"title"`
			TitleLink string `json:"title_link"`
			Text      string `json:"text"`
			Footer    string `json:"footer"`
			Fields    []struct {
				Short *bool  `json:"short"`
				Title string `json:"title"`
				Value string `json:"value"`
			} `json:"fields"`
		} `json:"attachments"`
	}
	if err := strict(body, &m); err != nil {
		return fmt.Errorf("mattermost: %v", err)
	}
	if m.Text == "" && len(m.Attachments) == 0 {
		return fmt.Errorf("mattermost: neither text nor attachments")
	}
	for i, a := range m.Attachments {
		if a.Fallback == "" {
			return fmt.Errorf("mattermost: attachment %d: fallback is required", i)
		}
		if a.Color != "" && !hexColorRE.MatchString(a.Color) {
			return fmt.Errorf("mattermost: attachment %d: color %q is not #RRGGBB", i, a.Color)
		}
		for j, f := range a.Fields {
			if f.Title == "" || f.Short == nil {
				return fmt.Errorf("mattermost: attachment %d field %d: title and short are expected", i, j)
			}
		}
	}
	return nil
}

// Microsoft Teams Workflows: a message with one Adaptive Card attachment.

type cardElement struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Size     string `json:"size"`
	Weight   string `json:"weight"`
	Color    string `json:"color"`
	IsSubtle bool   `json:"isSubtle"`
	Wrap     bool   `json:"wrap"`
	Facts    []struct {
		Title string `json:"title"`
		Value string `json:"value"`
	} `json:"facts"`
}

func validateTeams(body []byte) error {
	var m struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string  `json:"contentType"`
			ContentURL  *string `json:"contentUrl"`
			Content     struct {
				Schema  string        `json:"$schema"`
				Type    string        `json:"type"`
				Version string        `json:"version"`
				Body    []cardElement `json:"body"`
				Actions []struct {
					Type  string `json:"type"`
					Title string `json:"title"`
					URL   string `json:"url"`
				} `json:"actions"`
				MSTeams map[string]string `json:"msteams"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := strict(body, &m); err != nil {
		return fmt.Errorf("teams: %v", err)
	}
	if m.Type != "message" || len(m.Attachments) != 1 {
		return fmt.Errorf("teams: want {\"type\":\"message\",\"attachments\":[<one card>]}")
	}
	a := m.Attachments[0]
	if a.ContentType != "application/vnd.microsoft.card.adaptive" {
		return fmt.Errorf("teams: contentType %q", a.ContentType)
	}
	c := a.Content
	if c.Type != "AdaptiveCard" || c.Version == "" || len(c.Body) == 0 {
		return fmt.Errorf("teams: the content is not an Adaptive Card with a version and a body")
	}
	for i, e := range c.Body {
		switch e.Type {
		case "TextBlock":
			if e.Text == "" || len(e.Facts) > 0 {
				return fmt.Errorf("teams: body %d: a TextBlock holds text", i)
			}
		case "FactSet":
			if len(e.Facts) == 0 || e.Text != "" {
				return fmt.Errorf("teams: body %d: a FactSet holds facts", i)
			}
			for _, f := range e.Facts {
				if f.Title == "" || f.Value == "" {
					return fmt.Errorf("teams: body %d: a fact needs a title and a value", i)
				}
			}
		default:
			return fmt.Errorf("teams: body %d: unexpected element %q", i, e.Type)
		}
	}
	for i, act := range c.Actions {
		if act.Type != "Action.OpenUrl" || act.Title == "" || act.URL == "" {
			return fmt.Errorf("teams: action %d: want Action.OpenUrl with a title and a url", i)
		}
	}
	return nil
}

// Discord execute webhook: https://discord.com/developers/docs/resources/webhook

func validateDiscord(body []byte) error {
	var m struct {
		Content  *string `json:"content"`
		Username string  `json:"username"`
		Embeds   []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
			Color       *int   `json:"color"`
			Timestamp   string `json:"timestamp"`
			Fields      []struct {
				Name   string `json:"name"`
				Value  string `json:"value"`
				Inline bool   `json:"inline"`
			} `json:"fields"`
			Footer *struct {
				Text string `json:"text"`
			} `json:"footer"`
		} `json:"embeds"`
		AllowedMentions *struct {
			Parse *[]string `json:"parse"`
			Users []string  `json:"users"`
			Roles []string  `json:"roles"`
		} `json:"allowed_mentions"`
	}
	if err := strict(body, &m); err != nil {
		return fmt.Errorf("discord: %v", err)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(*m.AllowedMentions.Parse) != 0 || len(m.AllowedMentions.Users)+len(m.AllowedMentions.Roles) > 0 {
		return fmt.Errorf("discord: allowed_mentions must be {\"parse\": []} so that nothing mentions anyone")
	}
	if len(m.Embeds) == 0 || len(m.Embeds) > 10 {
		return fmt.Errorf("discord: %d embeds, want 1 to 10", len(m.Embeds))
	}
	total := 0
	for i, e := range m.Embeds {
		where := fmt.Sprintf("discord: embed %d", i)
		if err := limit(where+" title", e.Title, 256); err != nil {
			return err
		}
		if err := limit(where+" description", e.Description, 4096); err != nil {
			return err
		}
		if e.Color == nil || *e.Color < 0 || *e.Color > 0xFFFFFF {
			return fmt.Errorf("%s: color must be a number 0 to 0xFFFFFF", where)
		}
		if len(e.Fields) > 25 {
			return fmt.Errorf("%s: %d fields, at most 25", where, len(e.Fields))
		}
		total += runes(e.Title) + runes(e.Description)
		for j, f := range e.Fields {
			if f.Name == "" || f.Value == "" {
				return fmt.Errorf("%s field %d: name and value must not be empty", where, j)
			}
			if err := limit(where+" field name", f.Name, 256); err != nil {
				return err
			}
			if err := limit(where+" field value", f.Value, 1024); err != nil {
				return err
			}
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			if err := limit(where+" footer", e.Footer.Text, 2048); err != nil {
				return err
			}
			total += runes(e.Footer.Text)
		}
	}
	if total > 6000 {
		return fmt.Errorf("discord: the embeds hold %d characters, more than 6000", total)
	}
	return nil
}

// The generic webhook, version 1 (README "Chat").

func validateWebhook(body []byte) error {
	var m struct {
		Version int    `json:"version"`
		ID      string `json:"id"`
		Event   string `json:"event"`
		Changes []struct {
			Event string `json:"event"`
			From  string `json:"from"`
			To    string `json:"to"`
		} `json:"changes"`
		Incident *struct {
			ID           string `json:"id"`
			Title        string `json:"title"`
			Severity     string `json:"severity"`
			Status       string `json:"status"`
			Commander    string `json:"commander"`
			Impact       string `json:"impact"`
			Announcement string `json:"announcement"`
			Resolution   string `json:"resolution"`
			Drill        bool   `json:"drill"`
			DeclaredAt   string `json:"declared_at"`
			Path         string `json:"path"`
			URL          string `json:"url"`
		} `json:"incident"`
		Author string `json:"author"`
		At     string `json:"at"`
		Commit string `json:"commit"`
		Title  string `json:"title"`
		Text   string `json:"text"`
		Test   bool   `json:"test"`
	}
	if err := strict(body, &m); err != nil {
		return fmt.Errorf("webhook: %v", err)
	}
	if m.Version != 1 || m.ID == "" || m.Event == "" || m.Title == "" || m.Changes == nil {
		return fmt.Errorf("webhook: version 1, id, event, changes and title are required")
	}
	if !m.Test && (m.Incident == nil || m.Incident.ID == "" || len(m.Changes) == 0 || m.Changes[0].Event != m.Event) {
		return fmt.Errorf("webhook: an incident event needs the incident and its changes (the first one is the event)")
	}
	return nil
}
