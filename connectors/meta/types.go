// This file holds Meta's wire structs.
package meta

import "encoding/json"

// usersRequest is the body of POST/DELETE /{audience_id}/users.
type usersRequest struct {
	Session session `json:"session"`
	Payload payload `json:"payload"`
}

type session struct {
	SessionID         int64 `json:"session_id"`
	BatchSeq          int   `json:"batch_seq"`
	LastBatchFlag     bool  `json:"last_batch_flag"`
	EstimatedNumTotal int   `json:"estimated_num_total"`
}

type payload struct {
	Schema []string   `json:"schema"`
	Data   [][]string `json:"data"`
}

// usersResponse is the 200 answer. invalid_entry_samples' shape is not documented precisely: it is
// kept raw and searched for the hashed values it quotes.
type usersResponse struct {
	AudienceID          string          `json:"audience_id"`
	SessionID           json.Number     `json:"session_id"`
	NumReceived         int             `json:"num_received"`
	NumInvalidEntries   int             `json:"num_invalid_entries"`
	InvalidEntrySamples json.RawMessage `json:"invalid_entry_samples"`
}

// graphError is the Graph API error body.
type graphError struct {
	Error struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		UserTitle   string `json:"error_user_title"`
		UserMsg     string `json:"error_user_msg"`
		FBTraceID   string `json:"fbtrace_id"`
		IsTransient bool   `json:"is_transient"`
	} `json:"error"`
}
