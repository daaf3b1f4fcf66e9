package notify

// Mattermost takes Slack's legacy message attachments (it does not render Block Kit):
// https://developers.mattermost.com/integrate/reference/message-attachments/ — a colour bar,
// a title with a link, the body in Markdown, fields (short ones side by side), a footer.

type mattermostMessage struct {
	Text        string                 `json:"text,omitempty"`
	Attachments []mattermostAttachment `json:"attachments"`
}

type mattermostAttachment struct {
	Fallback  string            `json:"fallback"`
	Color     string            `json:"color"`
	Title     string            `json:"title"`
	TitleLink string            `json:"title_link,omitempty"`
	Text      string            `json:"text,omitempty"`
	Fields    []mattermostField `json:"fields,omitempty"`
	Footer    string            `json:"footer,omitempty"`
}

type mattermostField struct {
	Short bool   `json:"short"`
	Title string `json:"title"`
	Value string `json:"value"`
}

func mattermostBody(m Message) mattermostMessage {
	a := mattermostAttachment{
		Fallback:  clip(noMassMentions(m.Title), 3000),
		Color:     hexColor(m.Color),
		Title:     clip(noMassMentions(m.Title), 1000),
		TitleLink: m.URL,
		Text:      clip(noMassMentions(m.Text), 6000),
		Footer:    clip(noMassMentions(m.Context), 1000),
	}
	for _, f := range m.Fields {
		a.Fields = append(a.Fields, mattermostField{Short: !f.Long, Title: noMassMentions(f.Label), Value: clip(noMassMentions(f.Value), 2000)})
	}
	return mattermostMessage{Attachments: []mattermostAttachment{a}}
}
