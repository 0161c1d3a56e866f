// This file holds the Mandrill (Mailchimp Transactional) imitation: templated sends with one result
// per recipient inside a 200 (sent, queued, rejected, invalid), deterministic rejections, a switch
// that queues sends as if the hourly quota were exhausted, and Mandrill's error bodies. A call with
// more than 10 recipients (or async) is asynchronous, as Mandrill's: everyone is answered queued
// (queued_reason multiple-recipients) and the real outcome (sent, bounced, rejected) shows only in
// messages/info and messages/search.
package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

func init() { register(Mandrill, func(sb *Sandbox) vendor { return newMandrill(sb) }) }

// MandrillTemplates are the templates the imitation knows from the start; others answer
// Unknown_Template until added with MandrillAddTemplate.
var MandrillTemplates = []string{"winback-offer", "welcome", "vip-offer", "at-risk-nudge"}

// MandrillMessage is one recipient's message as the imitation recorded it.
type MandrillMessage struct {
	ID                 string
	Email              string // lowercased recipient
	Name               string
	Template           string
	FromEmail          string
	Status             string // as answered: sent | queued | rejected | invalid
	State              string // as messages/info reports it: sent | bounced | rejected | queued
	RejectReason       string
	QueuedReason       string
	PreserveRecipients *bool // as sent: nil when absent
	Tags               []string
	Metadata           map[string]string // message metadata (the idempotency key travels here)
	RecipientMetadata  map[string]string
	MergeVars          map[string]string
}

type mandrill struct {
	sb        *Sandbox
	mu        sync.Mutex
	templates map[string]bool
	queue     string
	seq       int
	messages  []MandrillMessage
	sent      map[string]int
	rejects   map[string]string // denylisted address -> comment
}

func newMandrill(sb *Sandbox) *mandrill {
	m := &mandrill{sb: sb, templates: map[string]bool{}, sent: map[string]int{}, rejects: map[string]string{}}
	for _, t := range MandrillTemplates {
		m.templates[t] = true
	}
	return m
}

func (sb *Sandbox) mandrill() *mandrill {
	v, _ := sb.vendors[Mandrill].(*mandrill)
	return v
}

// MandrillSent counts accepted sends (sent, queued or scheduled) per lowercased recipient: a count
// above 1 for one campaign is a double send.
func (sb *Sandbox) MandrillSent() map[string]int {
	md := sb.mandrill()
	if md == nil {
		return nil
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	out := make(map[string]int, len(md.sent))
	for k, v := range md.sent {
		out[k] = v
	}
	return out
}

// MandrillMessages returns every recipient result recorded, in order.
func (sb *Sandbox) MandrillMessages() []MandrillMessage {
	md := sb.mandrill()
	if md == nil {
		return nil
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	return append([]MandrillMessage(nil), md.messages...)
}

// MandrillAddTemplate makes a template name known.
func (sb *Sandbox) MandrillAddTemplate(name string) {
	if md := sb.mandrill(); md != nil {
		md.mu.Lock()
		md.templates[name] = true
		md.mu.Unlock()
	}
}

// MandrillQueue makes every following acceptable send come back "queued" with this queued_reason
// (hourly-quota-exhausted, sending-paused, sending-backlogged); "" restores normal sending.
func (sb *Sandbox) MandrillQueue(reason string) {
	if md := sb.mandrill(); md != nil {
		md.mu.Lock()
		md.queue = reason
		md.mu.Unlock()
	}
}

// Throttle answers with HTTP 429, a Retry-After and Mandrill's error body.
func (md *mandrill) Throttle(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "2")
	mdError(w, http.StatusTooManyRequests, "ServiceUnavailable", "Too many requests; please slow down")
}

// mdError writes Mandrill's error body. Mandrill answers API errors with HTTP 500 whatever the
// cause (clients classify by name), which mdFail does.
func mdError(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "code": -1, "name": name, "message": msg})
}

func mdFail(w http.ResponseWriter, name, msg string) {
	mdError(w, http.StatusInternalServerError, name, msg)
}

var mdPrefix = regexp.MustCompile(`^/api/1\.0(/|$)`)
var mdEmail = regexp.MustCompile(`^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$`)

type mdSendRequest struct {
	Key             string `json:"key"`
	ID              string `json:"id"`      // messages/info
	Query           string `json:"query"`   // messages/search
	Name            string `json:"name"`    // templates/info
	Email           string `json:"email"`   // rejects/add
	Comment         string `json:"comment"` // rejects/add
	TemplateName    string `json:"template_name"`
	TemplateContent []struct {
		Name    string `json:"name"`
		Content string `json:"content"`
	} `json:"template_content"`
	Message struct {
		To []struct {
			Email string `json:"email"`
			Name  string `json:"name"`
			Type  string `json:"type"`
		} `json:"to"`
		FromEmail          string   `json:"from_email"`
		FromName           string   `json:"from_name"`
		PreserveRecipients *bool    `json:"preserve_recipients"`
		Tags               []string `json:"tags"`
		MergeVars          []struct {
			Rcpt string `json:"rcpt"`
			Vars []struct {
				Name    string `json:"name"`
				Content any    `json:"content"`
			} `json:"vars"`
		} `json:"merge_vars"`
		Metadata          map[string]string `json:"metadata"`
		RecipientMetadata []struct {
			Rcpt   string            `json:"rcpt"`
			Values map[string]string `json:"values"`
		} `json:"recipient_metadata"`
	} `json:"message"`
	Async bool `json:"async"`
}

func (md *mandrill) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(mdPrefix.ReplaceAllString(r.URL.Path, "/"), ".json")
	if r.Method != http.MethodPost {
		mdFail(w, "ValidationError", "Mandrill API calls must be POST requests")
		return
	}
	var req mdSendRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		mdFail(w, "ValidationError", "You must specify a key value: the body is not valid JSON ("+err.Error()+")")
		return
	}
	if !md.sb.Authorized(req.Key) {
		mdFail(w, "Invalid_Key", "Invalid API key")
		return
	}
	switch path {
	case "/users/ping":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`"PONG!"`))
	case "/messages/send-template":
		md.sendTemplate(w, req)
	case "/messages/info":
		md.info(w, req.ID)
	case "/messages/search":
		md.search(w, req.Query)
	case "/templates/info":
		md.mu.Lock()
		ok := md.templates[req.Name]
		md.mu.Unlock()
		if !ok {
			mdFail(w, "Unknown_Template", fmt.Sprintf("No such template %q", req.Name))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(map[string]any{"name": req.Name, "slug": req.Name, "publish_name": req.Name})
	case "/rejects/add":
		md.rejectAdd(w, req)
	default:
		mdFail(w, "ValidationError", "Unknown API method "+path)
	}
}

func (md *mandrill) sendTemplate(w http.ResponseWriter, req mdSendRequest) {
	if req.TemplateName == "" {
		mdFail(w, "ValidationError", "Validation error: {\"template_name\":\"Please enter a value\"}")
		return
	}
	if len(req.Message.To) == 0 {
		mdFail(w, "ValidationError", "Validation error: {\"message\":{\"to\":\"Please specify at least one recipient\"}}")
		return
	}
	if req.Message.FromEmail != "" && !mdEmail.MatchString(strings.ToLower(req.Message.FromEmail)) {
		mdFail(w, "ValidationError", "Validation error: {\"message\":{\"from_email\":\"An email address must contain a single @\"}}")
		return
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	if !md.templates[req.TemplateName] {
		mdFail(w, "Unknown_Template", fmt.Sprintf("No such template %q", req.TemplateName))
		return
	}
	vars := map[string]map[string]string{}
	for _, mv := range req.Message.MergeVars {
		m := map[string]string{}
		for _, v := range mv.Vars {
			m[v.Name] = fmt.Sprint(v.Content)
		}
		vars[strings.ToLower(mv.Rcpt)] = m
	}
	rmeta := map[string]map[string]string{}
	for _, rm := range req.Message.RecipientMetadata {
		rmeta[strings.ToLower(rm.Rcpt)] = rm.Values
	}
	out := []map[string]string{}
	async := req.Async || len(req.Message.To) > 10
	for _, to := range req.Message.To {
		email := strings.ToLower(strings.TrimSpace(to.Email))
		md.seq++
		sum := md5.Sum([]byte(fmt.Sprintf("mandrill-%d-%s", md.seq, email)))
		msg := MandrillMessage{ID: hex.EncodeToString(sum[:]), Email: email, Name: to.Name, Template: req.TemplateName,
			FromEmail: req.Message.FromEmail, PreserveRecipients: req.Message.PreserveRecipients,
			Tags: append([]string(nil), req.Message.Tags...), Metadata: req.Message.Metadata,
			RecipientMetadata: rmeta[email], MergeVars: vars[email]}
		switch {
		case !mdEmail.MatchString(email):
			msg.Status = "invalid"
		case md.rejects[email] != "":
			msg.Status, msg.RejectReason = "rejected", "custom"
		case strings.Contains(email, "bounce"):
			msg.Status, msg.RejectReason = "rejected", "hard-bounce"
		case strings.Contains(email, "spam"):
			msg.Status, msg.RejectReason = "rejected", "spam"
		case strings.Contains(email, "unsub"):
			msg.Status, msg.RejectReason = "rejected", "unsub"
		case md.queue != "":
			msg.Status, msg.QueuedReason = "queued", md.queue
		default:
			msg.Status = "sent"
		}
		switch {
		case msg.Status == "invalid":
			msg.State = "rejected"
		case msg.RejectReason == "hard-bounce":
			msg.State = "bounced"
		default:
			msg.State = msg.Status // sent, queued (a throttled account works it off later), rejected
		}
		if msg.State == "sent" || msg.State == "queued" {
			md.sent[email]++ // accepted: it goes out
		}
		md.messages = append(md.messages, msg)
		res := map[string]string{"email": to.Email, "status": msg.Status, "_id": msg.ID}
		if msg.RejectReason != "" {
			res["reject_reason"] = msg.RejectReason
		}
		if msg.QueuedReason != "" {
			res["queued_reason"] = msg.QueuedReason
		}
		if async { // the answer says queued for everyone; the outcome is only in messages/info
			res = map[string]string{"email": to.Email, "status": "queued", "_id": msg.ID}
			if len(req.Message.To) > 10 {
				res["queued_reason"] = "multiple-recipients"
			}
		}
		out = append(out, res)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}

// mdInfo renders a message as messages/info and messages/search answer it.
func mdInfo(m MandrillMessage) map[string]any {
	out := map[string]any{"_id": m.ID, "email": m.Email, "state": m.State, "template": m.Template, "sender": m.FromEmail,
		"ts": 1796000000, "tags": m.Tags, "metadata": m.Metadata}
	if m.State == "rejected" {
		reason := m.RejectReason
		if reason == "" {
			reason = "invalid"
		}
		out["reject_reason"] = reason
	}
	if m.State == "bounced" {
		out["bounce_description"] = "bad_mailbox"
	}
	return out
}

// info answers messages/info for one _id.
func (md *mandrill) info(w http.ResponseWriter, id string) {
	md.mu.Lock()
	defer md.mu.Unlock()
	for _, m := range md.messages {
		if m.ID == id {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_ = json.NewEncoder(w).Encode(mdInfo(m))
			return
		}
	}
	mdFail(w, "Unknown_Message", "No message exists with the id '"+id+"'")
}

// search answers messages/search for an "email:<address>" query (or a bare address).
func (md *mandrill) search(w http.ResponseWriter, query string) {
	email := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(query), "email:")))
	md.mu.Lock()
	defer md.mu.Unlock()
	out := []map[string]any{}
	for _, m := range md.messages {
		if email == "" || email == "*" || m.Email == email {
			out = append(out, mdInfo(m))
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(out)
}

// MandrillDeliver ends the queue: every queued message is sent (as Mandrill works off its
// backlog), and later sends go out normally.
func (sb *Sandbox) MandrillDeliver() {
	if md := sb.mandrill(); md != nil {
		md.mu.Lock()
		md.queue = ""
		for i := range md.messages {
			if md.messages[i].State == "queued" {
				md.messages[i].State = "sent"
			}
		}
		md.mu.Unlock()
	}
}

// rejectAdd denylists an address: later sends to it are rejected (reject_reason "custom").
func (md *mandrill) rejectAdd(w http.ResponseWriter, req mdSendRequest) {
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if !mdEmail.MatchString(email) {
		mdFail(w, "ValidationError", "Validation error: {\"email\":\"An email address must contain a single @\"}")
		return
	}
	md.mu.Lock()
	md.rejects[email] = req.Comment
	md.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"email": email, "added": true})
}

// MandrillRejects returns the denylist (lowercased address -> comment).
func (sb *Sandbox) MandrillRejects() map[string]string {
	md := sb.mandrill()
	if md == nil {
		return nil
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	out := make(map[string]string, len(md.rejects))
	for k, v := range md.rejects {
		out[k] = v
	}
	return out
}

// MandrillTemplateNames lists the known templates, sorted.
func (sb *Sandbox) MandrillTemplateNames() []string {
	md := sb.mandrill()
	if md == nil {
		return nil
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	var out []string
	for t := range md.templates {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
