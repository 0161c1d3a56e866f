// This file holds Mailchimp's wire structs.
package mailchimp

// problem is Mailchimp's application/problem+json error body.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

// batchRequest is POST /lists/{list_id}.
type batchRequest struct {
	Members        []batchMember `json:"members"`
	UpdateExisting bool          `json:"update_existing"`
}

type batchMember struct {
	EmailAddress string            `json:"email_address"`
	Status       string            `json:"status"`
	MergeFields  map[string]string `json:"merge_fields,omitempty"`
}

// batchResponse is the 200 answer of a batch upsert; per-member errors travel inside it.
type batchResponse struct {
	NewMembers     []memberRef  `json:"new_members"`
	UpdatedMembers []memberRef  `json:"updated_members"`
	Errors         []batchError `json:"errors"`
	TotalCreated   int          `json:"total_created"`
	TotalUpdated   int          `json:"total_updated"`
	ErrorCount     int          `json:"error_count"`
}

type memberRef struct {
	ID           string `json:"id"`
	EmailAddress string `json:"email_address"`
	Status       string `json:"status"`
}

type batchError struct {
	EmailAddress string `json:"email_address"`
	Error        string `json:"error"`
	ErrorCode    string `json:"error_code"`
}

// tagsRequest is POST /lists/{list_id}/members/{hash}/tags (answered 204).
type tagsRequest struct {
	Tags []tag `json:"tags"`
}

type tag struct {
	Name   string `json:"name"`
	Status string `json:"status"` // active | inactive
}
