// This file holds Mandrill's wire structs.
package mandrill

// apiError is Mandrill's error body.
type apiError struct {
	Status  string `json:"status"`
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// sendTemplateRequest is POST /messages/send-template.
type sendTemplateRequest struct {
	Key             string           `json:"key"`
	TemplateName    string           `json:"template_name"`
	TemplateContent []templateRegion `json:"template_content"`
	Message         message          `json:"message"`
	Async           bool             `json:"async"`
}

type templateRegion struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

type message struct {
	To                 []recipient         `json:"to"`
	FromEmail          string              `json:"from_email,omitempty"`
	FromName           string              `json:"from_name,omitempty"`
	PreserveRecipients bool                `json:"preserve_recipients"`
	Tags               []string            `json:"tags,omitempty"`
	MergeVars          []rcptMergeVars     `json:"merge_vars,omitempty"`
	Metadata           map[string]string   `json:"metadata,omitempty"`
	RecipientMetadata  []recipientMetadata `json:"recipient_metadata,omitempty"`
}

type recipient struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type"`
}

type rcptMergeVars struct {
	Rcpt string     `json:"rcpt"`
	Vars []mergeVar `json:"vars"`
}

type mergeVar struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

type recipientMetadata struct {
	Rcpt   string            `json:"rcpt"`
	Values map[string]string `json:"values"`
}

// sendResult is one recipient's entry in the 200 answer.
type sendResult struct {
	Email        string `json:"email"`
	Status       string `json:"status"` // sent | queued | scheduled | rejected | invalid
	ID           string `json:"_id"`
	RejectReason string `json:"reject_reason"`
	QueuedReason string `json:"queued_reason"`
}
