package notify

// Microsoft Teams: Office 365 connectors are retired; a Workflows webhook ("Post to a channel
// when a webhook request is received") takes a message whose one attachment is an Adaptive
// Card: {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
// "content":{"type":"AdaptiveCard",…}}]}. Teams mentions need explicit entities, so plain
// text cannot mention anyone.

const adaptiveCardType = "application/vnd.microsoft.card.adaptive"

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"`
	Content     adaptiveCard `json:"content"`
}

type adaptiveCard struct {
	Schema  string            `json:"$schema"`
	Type    string            `json:"type"`
	Version string            `json:"version"`
	Body    []cardElement     `json:"body"`
	Actions []cardAction      `json:"actions,omitempty"`
	MSTeams map[string]string `json:"msteams,omitempty"`
}

type cardElement struct {
	Type     string     `json:"type"` // TextBlock or FactSet
	Text     string     `json:"text,omitempty"`
	Size     string     `json:"size,omitempty"`
	Weight   string     `json:"weight,omitempty"`
	Color    string     `json:"color,omitempty"`
	IsSubtle bool       `json:"isSubtle,omitempty"`
	Wrap     bool       `json:"wrap,omitempty"`
	Facts    []cardFact `json:"facts,omitempty"`
}

type cardFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type cardAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// teamsColor maps the severity colour onto the card's named colours.
func teamsColor(m Message) string {
	switch m.Color {
	case rankColors[0], rankColors[1]:
		return "Attention"
	case rankColors[2]:
		return "Warning"
	case resolvedColor:
		return "Good"
	}
	return "Default"
}

func teamsBody(m Message) teamsMessage {
	card := adaptiveCard{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		MSTeams: map[string]string{"width": "Full"},
	}
	card.Body = append(card.Body, cardElement{Type: "TextBlock", Text: clip(m.Title, 500), Size: "Large", Weight: "Bolder", Color: teamsColor(m), Wrap: true})
	if m.Text != "" {
		card.Body = append(card.Body, cardElement{Type: "TextBlock", Text: clip(m.Text, 5000), Wrap: true})
	}
	if len(m.Fields) > 0 {
		fs := cardElement{Type: "FactSet"}
		for _, f := range m.Fields {
			fs.Facts = append(fs.Facts, cardFact{Title: f.Label, Value: clip(f.Value, 2000)})
		}
		card.Body = append(card.Body, fs)
	}
	card.Body = append(card.Body, cardElement{Type: "TextBlock", Text: clip(m.Context, 500), Size: "Small", IsSubtle: true, Wrap: true})
	if m.URL != "" {
		card.Actions = []cardAction{{Type: "Action.OpenUrl", Title: m.openLabel(), URL: m.URL}}
	}
	return teamsMessage{Type: "message", Attachments: []teamsAttachment{{ContentType: adaptiveCardType, Content: card}}}
}
