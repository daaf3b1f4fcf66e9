package secret

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// detector is one kind of credential.
type detector struct {
	rule    string   // its ID in findings
	what    string   // what it looks like, for messages
	anchors []string // one of these must occur (ignoring ASCII case when lower); ≥ 2 bytes each
	need    byte     // and this byte too, when set
	lower   bool     //
	expr    string   // the credential is the last submatch that matched, else the whole match
	check   func(secret string) bool
	// reach is how many non-blank lines after its first a match can extend to, through \s
	// (blank lines in between do not count). A match starts on a line holding an anchor.
	reach int
	// block: the credential runs on to the matching -----END ... line (a PEM block), so that
	// Redact removes all of it; the finding's position stays at the header.
	block bool
	// near, when set, is a cheap test of the text around an anchor (at its offset): false only
	// where no match can hold that anchor, so that the expression need not run on its line.
	// Words like "auth" and "-us" are everywhere in incident documents (auth-gateway,
	// k8s-prod-us), and the expressions cost a microsecond per byte.
	near func(src []byte, at int) bool
}

// detectors, the most specific first: the first one that matches a stretch of text claims it.
// Each has a case in testdata/corpus.txtar.
var detectors = []detector{
	{rule: "private-key", what: "a private key", anchors: []string{"PRIVATE KEY"},
		expr: `-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`, block: true},
	{rule: "putty-private-key", what: "a PuTTY private key", anchors: []string{"PuTTY-User-Key-File-"},
		expr: `PuTTY-User-Key-File-\d: [a-z0-9-]+`},
	{rule: "age-secret-key", what: "an age secret key", anchors: []string{"AGE-SECRET-KEY-1"},
		expr: `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`},
	{rule: "aws-access-key-id", what: "an AWS access key ID", anchors: []string{"AKIA", "ASIA", "ABIA", "ACCA"},
		expr: `\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`},
	{rule: "gcp-api-key", what: "a Google Cloud API key", anchors: []string{"AIza"},
		expr: `\bAIza[0-9A-Za-z_\-]{35}`},
	{rule: "gcp-oauth-client-secret", what: "a Google OAuth client secret", anchors: []string{"GOCSPX-"},
		expr: `\bGOCSPX-[0-9A-Za-z_\-]{28}`},
	{rule: "gcp-oauth-token", what: "a Google OAuth access token", anchors: []string{"ya29."},
		expr: `\bya29\.[0-9A-Za-z_\-]{30,}`},
	{rule: "azure-storage-key", what: "an Azure storage account key", anchors: []string{"AccountKey="},
		expr: `AccountKey=([A-Za-z0-9+/]{86}==)`},
	{rule: "azure-sas-signature", what: "an Azure shared access signature", anchors: []string{"sig="},
		expr: `[?&]sig=([A-Za-z0-9%+/=]{30,})`},
	{rule: "teams-webhook", what: "a Microsoft Teams webhook URL", anchors: []string{"webhook.office.com"},
		expr: `https://[A-Za-z0-9.\-]*webhook\.office\.com/webhookb2/([A-Za-z0-9@/_\-]{40,})`},
	{rule: "github-token", what: "a GitHub token", anchors: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		expr: `\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b`},
	{rule: "gitlab-token", what: "a GitLab token", anchors: []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-", "glagent-", "GR1348941"},
		expr: `\b(?:(?:glpat|gldt|glptt|glrt|glcbt|gloas|glsoat|glft|glimt|glagent)-|GR1348941)[0-9A-Za-z_\-]{20,}`},
	{rule: "slack-token", what: "a Slack token", anchors: []string{"xox", "xapp-"},
		expr: `\b(?:xox[abposre]-[0-9A-Za-z\-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)`},
	{rule: "slack-webhook", what: "a Slack webhook URL", anchors: []string{"hooks.slack.com"},
		expr: `https://hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_\-]{20,})`},
	{rule: "discord-webhook", what: "a Discord webhook URL", anchors: []string{"/api/webhooks/"},
		expr: `https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/([A-Za-z0-9_\-]{40,})`},
	{rule: "telegram-bot-token", what: "a Telegram bot token", anchors: []string{":AA"},
		expr: `\b\d{8,10}:AA[0-9A-Za-z_\-]{33}\b`},
	{rule: "stripe-key", what: "a Stripe secret key", anchors: []string{"k_live_", "whsec_"},
		expr: `\b(?:[rs]k_live_[0-9A-Za-z]{20,}|whsec_[0-9A-Za-z]{32,})`},
	{rule: "square-token", what: "a Square access token", anchors: []string{"sq0atp-", "sq0csp-", "EAAA"},
		expr: `\b(?:sq0atp-[0-9A-Za-z_\-]{22}|sq0csp-[0-9A-Za-z_\-]{43}|EAAA[0-9A-Za-z_\-]{60})\b`},
	{rule: "twilio-api-key", what: "a Twilio API key", anchors: []string{"SK"},
		expr: `\bSK[0-9a-f]{32}\b`},
	{rule: "sendgrid-api-key", what: "a SendGrid API key", anchors: []string{"SG."},
		expr: `\bSG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43}\b`},
	{rule: "mailgun-api-key", what: "a Mailgun API key", anchors: []string{"key-"},
		expr: `\bkey-[0-9a-f]{32}\b`},
	{rule: "mailchimp-api-key", what: "a Mailchimp API key", anchors: []string{"-us"},
		expr: `\b[0-9a-f]{32}-us\d{1,2}\b`, near: mailchimpNear},
	{rule: "npm-token", what: "an npm token", anchors: []string{"npm_"},
		expr: `\bnpm_[A-Za-z0-9]{36}\b`},
	{rule: "pypi-token", what: "a PyPI token", anchors: []string{"pypi-AgE"},
		expr: `\bpypi-AgE[A-Za-z0-9_\-]{50,}`},
	{rule: "docker-hub-token", what: "a Docker Hub access token", anchors: []string{"dckr_pat_"},
		expr: `\bdckr_pat_[A-Za-z0-9_\-]{27,}`},
	{rule: "digitalocean-token", what: "a DigitalOcean token", anchors: []string{"_v1_"},
		expr: `\bdo[por]_v1_[a-f0-9]{64}\b`},
	{rule: "huggingface-token", what: "a Hugging Face token", anchors: []string{"hf_"},
		expr: `\bhf_[A-Za-z]{34,40}\b`},
	{rule: "shopify-token", what: "a Shopify access token", anchors: []string{"shpat_", "shpss_", "shpca_", "shppa_"},
		expr: `\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b`},
	{rule: "vault-token", what: "a HashiCorp Vault or Terraform token", anchors: []string{"hvs.", "hvb.", ".atlasv1."},
		expr: `\b(?:hv[sb]\.[A-Za-z0-9_\-]{90,}|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,})`},
	{rule: "grafana-token", what: "a Grafana token", anchors: []string{"glsa_", "glc_"},
		expr: `\b(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})`},
	{rule: "newrelic-key", what: "a New Relic API key", anchors: []string{"NRAK-"},
		expr: `\bNRAK-[A-Z0-9]{27}\b`},
	{rule: "postman-key", what: "a Postman API key", anchors: []string{"PMAK-"},
		expr: `\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b`},
	{rule: "databricks-token", what: "a Databricks token", anchors: []string{"dapi"},
		expr: `\bdapi[a-f0-9]{32}(?:-\d)?\b`},
	{rule: "atlassian-token", what: "an Atlassian API token", anchors: []string{"ATATT3"},
		expr: `\bATATT3[A-Za-z0-9_\-=]{150,}`},
	{rule: "linear-key", what: "a Linear API key", anchors: []string{"lin_api_"},
		expr: `\blin_api_[A-Za-z0-9]{40}\b`},
	{rule: "doppler-token", what: "a Doppler token", anchors: []string{"dp.pt.", "dp.st."},
		expr: `\bdp\.(?:pt|st)\.[A-Za-z0-9]{40,}`},
	{rule: "sentry-token", what: "a Sentry token", anchors: []string{"sntrys_", "sntryu_"},
		expr: `\b(?:sntrys_[A-Za-z0-9+/=_]{50,}|sntryu_[a-f0-9]{64})`},
	{rule: "alibaba-access-key", what: "an Alibaba Cloud access key ID", anchors: []string{"LTAI"},
		expr: `\bLTAI[A-Za-z0-9]{12,20}\b`},
	{rule: "ai-api-key", what: "an AI provider API key", anchors: []string{"sk-ant-", "sk-proj-", "T3BlbkFJ"},
		expr: `\b(?:sk-(?:ant|proj)-[A-Za-z0-9_\-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})`},
	{rule: "jwt", what: "a JSON Web Token", anchors: []string{"eyJ"},
		expr: `\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}`},
	{rule: "url-password", what: "a password in a URL", anchors: []string{"://"}, need: '@',
		expr:  `\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/?#@"'<>\[\]]+:([^\s/?#@"'<>\[\]]+)@[^\s/?#@"'<>\[\]]`,
		check: func(s string) bool { return !placeholder(s) }},
	{rule: "cli-password", what: "a password on a command line (curl -u, mysql -p, sshpass -p)", anchors: []string{"curl", "mysql", "sshpass"},
		expr:  `(?:\bcurl\b[^\n]*?\s(?:-u|--user)[ =]['"]?[^\s:'"]+:|\b(?:mysql|mysqldump|sshpass)\b[^\n]*?\s(?:-p|--password=))['"]?([^\s'"]{8,})`,
		check: func(s string) bool { return !placeholder(s) && hasLetterAndDigit(s) }},
	{rule: "authorization-header", what: "a credential in an Authorization header (Bearer or Basic)", anchors: []string{"bearer", "basic"}, lower: true,
		expr:  `(?i)\b(?:bearer|basic)\s+([A-Za-z0-9\-._~+/]{16,}=*)`,
		check: randomLooking, reach: 1}, // the credential may be on the next line
	{rule: "credential", what: "a credential (a random-looking value after token, secret, password or key)", lower: true,
		anchors: []string{"token", "secret", "passw", "pwd", "key", "credential", "auth"},
		expr:    `(?i)(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[a-z0-9_\-]*["']?\s*(?:[:=]|=>|\bis\b)\s*["']?([^\s"'` + "`" + `,;<>()\[\]{}|]{12,})`,
		check:   randomLooking, reach: 2, near: credentialNear}, // "key" / ":" / "value" may sit on three lines
}

// mailchimpNear: "-us" is a key's only when 32 hexadecimal digits come before it and a digit
// after it.
func mailchimpNear(src []byte, at int) bool {
	if at < 32 || at+3 >= len(src) || src[at+3] < '0' || src[at+3] > '9' {
		return false
	}
	for _, c := range src[at-32 : at] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// credentialNear: after the word (token, secret, key ...) and the letters, digits, _ and - the
// expression lets follow it, an optional quote and white space, a credential needs ':', '='
// or "is". The test reads from the anchor on, as the expression does ([a-z0-9_-]* covers the
// anchor's own letters), and lets anything it is unsure of through: text that is not ASCII
// (case folding), or "-is" inside the run, which the expression may read as the word "is".
func credentialNear(src []byte, at int) bool {
	j := at
	for ; j < len(src); j++ {
		c := src[j]
		switch {
		case c >= 0x80:
			return true
		case c == '-':
			if j+2 < len(src) && src[j+1]|0x20 == 'i' && src[j+2]|0x20 == 's' {
				return true
			}
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
			continue
		}
		break
	}
	if j < len(src) && (src[j] == '"' || src[j] == '\'') {
		j++
	}
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\f' || src[j] == '\r') {
		j++
	}
	if j >= len(src) {
		return false
	}
	return src[j] == ':' || src[j] == '=' || src[j] >= 0x80 || j+1 < len(src) && src[j]|0x20 == 'i' && src[j+1]|0x20 == 's'
}

// compiledRE holds each detector's expression, compiled the first time that detector has text
// to run over: most commands scan nothing, and a change's document usually reaches only a few
// detectors' windows, while compiling them all costs a millisecond and a half or more.
var compiledRE = func() []func() *regexp.Regexp {
	out := make([]func() *regexp.Regexp, len(detectors))
	for i := range detectors {
		expr := detectors[i].expr
		out[i] = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
	}
	return out
}()

// compiled returns detector i's expression (compiledRE).
func compiled(i int) *regexp.Regexp { return compiledRE[i]() }

// Examples from AWS's documentation: they appear in runbooks and are not secrets.
var builtinAllowed = []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// Rule describes one detector, for documentation and `lint --rules`.
type Rule struct {
	ID   string `json:"id"`
	What string `json:"what"`
}

// Rules lists the detectors in the order they claim text.
func Rules() []Rule {
	out := make([]Rule, len(detectors))
	for i, d := range detectors {
		out[i] = Rule{d.rule, d.what}
	}
	return out
}

// randomLooking tells a credential from a word: long enough, letters and digits mixed, and
// varied (Shannon entropy of at least 3 bits per character). Links are not credentials.
func randomLooking(s string) bool {
	s = strings.TrimRight(s, ".")
	if len(s) < 12 || strings.Contains(s, "://") || placeholder(s) || !hasLetterAndDigit(s) || words(s) {
		return false
	}
	counts := map[rune]int{}
	for _, r := range s {
		counts[r]++
	}
	n := float64(utf8.RuneCountInString(s))
	h := 0.0
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h >= 3
}

// words recognises names made of words, like prod-db-credentials-2026 or oauth2-proxy-v7.4.0:
// two or more parts split by - _ . / :, each a lower-case (or upper-case) word with at most four
// digits after it, or a number of at most four digits. Random tokens have parts mixing cases
// and digits.
func words(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("-_./:", r) })
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		letters := strings.TrimRight(p, "0123456789")
		digits := len(p) - len(letters)
		if digits > 4 || letters != strings.ToLower(letters) && letters != strings.ToUpper(letters) {
			return false
		}
		for _, r := range letters {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

func hasLetterAndDigit(s string) bool {
	var letter, digit bool
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letter = true
		}
	}
	return letter && digit
}

// placeholder recognises what documentation writes instead of a credential.
func placeholder(s string) bool {
	t := strings.ToLower(strings.Trim(s, "\"'"))
	if t == "" || strings.Trim(t, "*x.•…-_") == "" {
		return true
	}
	switch t[0] {
	case '$', '<', '{', '%', '[':
		return true
	}
	if strings.Contains(t, "redacted") || strings.Contains(t, "masked") {
		return true
	}
	return slices.Contains([]string{"password", "passwd", "secret", "changeme", "example", "placeholder", "hidden"}, t)
}
