package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Verdict is what one attempt to post came to.
type Verdict int

const (
	Delivered Verdict = iota // 2xx
	Retry                    // no answer, 408, 425, 429, 5xx: try again later
	Refused                  // any other answer (4xx, a redirect): trying again would not help
)

// Attempt is the result of one POST.
type Attempt struct {
	Verdict    Verdict
	Status     int           // the HTTP status, 0 without an answer
	Error      string        // for humans, never quoting the URL; "" when delivered
	RetryAfter time.Duration // what a 429 asked for (0 when it did not say)
	Elapsed    time.Duration
}

// NewClient is the HTTP client every post goes through: redirects are not followed (a
// redirect would take the message, and the URL's secret path, somewhere not configured), and
// nothing waits without a limit.
func NewClient() *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConnsPerHost:   2,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// UserAgent names incidentctl to the services.
var UserAgent = "incidentctl"

// maxErrorBody is how much of an error answer is read for the message.
const maxErrorBody = 4 << 10

// Post sends one message body to a sink. key goes into the Idempotency-Key header, the same
// on every retry, so a service that honours it can drop a repeat after a lost answer.
func Post(ctx context.Context, client *http.Client, s *Sink, body []byte, key string) Attempt {
	start := time.Now()
	if s.url == nil {
		return Attempt{Verdict: Retry, Error: s.Problem}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url.String(), bytes.NewReader(body))
	if err != nil {
		return Attempt{Verdict: Refused, Error: english().notAURL(s)}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", UserAgent)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return Attempt{Verdict: Retry, Error: networkError(ctx, err, s.url), Elapsed: time.Since(start)}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // lets the connection be reused
	a := Attempt{Status: resp.StatusCode, Elapsed: time.Since(start)}
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		a.Verdict = Delivered
		return a
	case code >= 300 && code < 400:
		a.Verdict = Refused
		host := ""
		if loc, err := resp.Location(); err == nil {
			host = loc.Host
		}
		a.Error = english().redirected(code, host)
		return a
	case code == http.StatusTooManyRequests:
		a.Verdict = Retry
		a.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), answer, time.Now())
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || code >= 500:
		a.Verdict = Retry
	default:
		a.Verdict = Refused
	}
	a.Error = english().httpStatus(code, statusText(resp.Status), scrubURL(answerText(answer), s.url))
	return a
}

func statusText(status string) string { return strings.TrimSpace(status) }

// answerText makes one short line of an error answer: the service's reason.
func answerText(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	var j struct {
		Message string `json:"message"`
		Error   any    `json:"error"`
	}
	if json.Unmarshal(b, &j) == nil {
		switch {
		case j.Message != "":
			s = j.Message
		case j.Error != nil:
			if e, ok := j.Error.(string); ok {
				s = e
			}
		}
	}
	if strings.HasPrefix(s, "<") { // an HTML error page says nothing useful in one line
		return ""
	}
	return clip(incident.OneLine(s), 200)
}

// retryAfter reads how long a 429 asks to wait: the Retry-After header in seconds or as an
// HTTP date (Slack and most services), else a JSON body's retry_after in seconds (Discord).
func retryAfter(header string, body []byte, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header != "" {
		if n, err := strconv.ParseFloat(header, 64); err == nil && n >= 0 {
			return time.Duration(n * float64(time.Second))
		}
		if t, err := http.ParseTime(header); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
			return 0
		}
	}
	var j struct {
		RetryAfter float64 `json:"retry_after"`
	}
	if json.Unmarshal(body, &j) == nil && j.RetryAfter > 0 {
		return time.Duration(j.RetryAfter * float64(time.Second))
	}
	return 0
}

// networkError says why no answer came, without the URL (Go's *url.Error quotes it whole).
func networkError(ctx context.Context, err error, u *url.URL) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded):
		return english().timedOut()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused by " + u.Host
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return scrubURL(incident.OneLine(err.Error()), u)
}

// scrubURL removes the URL's path and query from a text (an error, a service's answer),
// leaving the host: the path of a webhook URL is its secret.
func scrubURL(s string, u *url.URL) string {
	if u == nil || s == "" {
		return s
	}
	for _, secret := range []string{u.String(), u.RequestURI(), u.EscapedPath(), u.Path, u.RawQuery} {
		if len(secret) > 1 {
			s = strings.ReplaceAll(s, secret, "/…")
		}
	}
	return s
}
