// Package notify posts incident changes to chat: Slack, Mattermost, Microsoft Teams
// (Workflows), Discord, or a generic JSON webhook, configured as sinks under notify: in
// .incidentctl.yaml.
//
// The path of a notification, each step in its own file:
//
//   - events.go: what a commit changed, read from the document before and after it (never from
//     the command line), so a sync that brings in someone else's change posts nothing;
//   - sinks.go: the configured sinks with their URLs (from an environment variable or a file
//     outside the repository; HTTPS only, except 127.0.0.1 and localhost), and which events,
//     severities and drills each wants;
//   - message.go, labels.go: one kind-neutral message per change, its texts from the templates
//     (templates/notify/, overridable in the repository) and one table of labels; every text
//     passes the secret check first;
//   - slack.go, mattermost.go, teams.go, discord.go, webhook.go: the body each service takes;
//   - outbox.go: the queue under <git dir>/incidentctl/outbox/, one file per message, written
//     atomically (mode 0600) after the commit, with a failed/ folder for what a service refused;
//   - deliver.go: posting within a time budget, in order per incident and sink, honouring 429
//     and Retry-After, retrying 5xx with backoff, never following redirects, never printing
//     more of a URL than its host.
package notify
