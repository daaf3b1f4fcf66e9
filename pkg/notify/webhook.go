package notify

import "time"

// The generic webhook gets the event as JSON, version 1 (README "Chat" documents it):
//
//	{
//	  "version": 1,
//	  "id": "<idempotency key, the same on every retry; also the Idempotency-Key header>",
//	  "event": "severity",            // the first change; "test" for incidentctl notify test
//	  "changes": [{"event": "severity", "from": "SEV3", "to": "SEV1"}],
//	  "incident": {"id", "title", "severity", "status", "commander", "impact", "announcement",
//	               "resolution", "drill", "declared_at", "path", "url"},
//	  "author": "alice", "at": "<RFC 3339>", "commit": "<hash>",
//	  "title": "<headline>", "text": "<body>", "test": false
//	}
//
// Changes are declared, severity, status, commander, announcement and resolved.

type webhookMessage struct {
	Version  int       `json:"version"`
	ID       string    `json:"id"`
	Event    string    `json:"event"`
	Changes  []Change  `json:"changes"`
	Incident *Incident `json:"incident"`
	Author   string    `json:"author"`
	At       string    `json:"at"`
	Commit   string    `json:"commit"`
	Title    string    `json:"title"`
	Text     string    `json:"text"`
	Test     bool      `json:"test"`
}

func webhookBody(m Message, key string) webhookMessage {
	w := webhookMessage{
		Version: 1, ID: key, Event: m.Event, Changes: m.Changes, Author: m.Author,
		Commit: m.Commit, Title: m.Title, Text: m.Text, Test: m.Test,
	}
	if w.Changes == nil {
		w.Changes = []Change{}
	}
	if !m.Test {
		inc := m.Incident
		w.Incident = &inc
	}
	if !m.At.IsZero() {
		w.At = m.At.Format(time.RFC3339)
	}
	return w
}
