// This file holds the grants golang.org/x/oauth2 does not post the vendor's way: a JSON-body
// refresh (Square's ObtainToken answers expires_at, not expires_in), Google credentials files
// restricted to the two safe types, and the token endpoint call the JWT bearer grant shares.
package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

var errNoAccessToken = errors.New("the token endpoint answered without an access_token")

// endpointError is a token endpoint's refusal: its HTTP status and its error code and description.
type endpointError struct {
	status            int
	code, description string
}

func (e *endpointError) Error() string {
	s := fmt.Sprintf("HTTP %d", e.status)
	if e.code != "" {
		s += " " + e.code
	}
	if e.description != "" {
		s += ": " + e.description
	}
	return s
}

// tokenAnswer is the union of the token responses the vendors send.
type tokenAnswer struct {
	AccessToken  string          `json:"access_token"`
	TokenType    string          `json:"token_type"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	ExpiresAt    string          `json:"expires_at"`
	InstanceURL  string          `json:"instance_url"`
	Scope        string          `json:"scope"`
	// Errors: RFC 6749 (error, error_description), HubSpot (status, message), Square (errors[]).
	Error       json.RawMessage `json:"error"`
	Description string          `json:"error_description"`
	Status      string          `json:"status"`
	Message     string          `json:"message"`
	Errors      []struct {
		Code   string `json:"code"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// failure reads an error code and description out of any of the shapes above.
func (a *tokenAnswer) failure() (code, description string) {
	var s string
	if json.Unmarshal(a.Error, &s) == nil {
		code = s
	}
	description = a.Description
	if code == "" && a.Status != "" && a.Status != "ok" {
		code, description = a.Status, a.Message
	}
	if code == "" && len(a.Errors) > 0 {
		code, description = a.Errors[0].Code, a.Errors[0].Detail
	}
	return code, description
}

// post sends a token request and reads the answer. The request body holds secrets: errors never
// repeat it.
func post(ctx context.Context, tokenURL, contentType string, body []byte, now func() time.Time) (*oauth2.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("token_url: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	client := http.DefaultClient
	if c, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok {
		client = c
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var a tokenAnswer
	_ = json.Unmarshal(data, &a)
	if resp.StatusCode != http.StatusOK || a.AccessToken == "" {
		code, desc := a.failure()
		return nil, &endpointError{status: resp.StatusCode, code: code, description: desc}
	}
	tok := &oauth2.Token{AccessToken: a.AccessToken, TokenType: a.TokenType, RefreshToken: a.RefreshToken}
	var secs float64
	if json.Unmarshal(a.ExpiresIn, &secs) == nil && secs > 0 {
		tok.Expiry = now().Add(time.Duration(secs * float64(time.Second)))
	} else if t, err := time.Parse(time.RFC3339, a.ExpiresAt); err == nil {
		tok.Expiry = t
	}
	return tok.WithExtra(map[string]any{"instance_url": a.InstanceURL, "scope": a.Scope}), nil
}

// postJSON sends a JSON-body grant.
func postJSON(ctx context.Context, tokenURL string, fields map[string]string, now func() time.Time) (*oauth2.Token, error) {
	body, _ := json.Marshal(fields)
	return post(ctx, tokenURL, "application/json", body, now)
}

// postForm sends a form-body grant.
func postForm(ctx context.Context, tokenURL string, form url.Values, now func() time.Time) (*oauth2.Token, error) {
	return post(ctx, tokenURL, "application/x-www-form-urlencoded", []byte(form.Encode()), now)
}

// googleJSON reads a Google credentials file. Only service-account and authorized-user files are
// accepted: other types (external accounts) can run programs named in the file.
func googleJSON(s Settings, o Options, tokenURL string) (func(context.Context) (*oauth2.Token, error), error) {
	data, err := o.ReadFile(s.CredentialsFileEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Name, err)
	}
	var head map[string]any
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: the file named by $%s is not a Google credentials JSON file", o.Name, s.CredentialsFileEnv)
	}
	typ, _ := head["type"].(string)
	var ct google.CredentialsType
	switch typ {
	case string(google.ServiceAccount):
		ct = google.ServiceAccount
	case string(google.AuthorizedUser):
		ct = google.AuthorizedUser
	default:
		return nil, fmt.Errorf("%s: the file named by $%s has type %q; use a service_account key or an authorized_user file (gcloud auth application-default login)",
			o.Name, s.CredentialsFileEnv, typ)
	}
	if tokenURL != "" && (o.Sandbox || s.TokenURL != "") {
		head["token_uri"] = tokenURL // token_url wins; the sandbox's credentials never go to Google
		data, _ = json.Marshal(head)
	}
	params := google.CredentialsParams{Scopes: o.Scopes, TokenURL: tokenURL}
	if _, err := google.CredentialsFromJSONWithTypeAndParams(context.Background(), data, ct, params); err != nil {
		return nil, fmt.Errorf("%s: the Google credentials file named by $%s: %s", o.Name, s.CredentialsFileEnv, strings.TrimPrefix(err.Error(), "google: "))
	}
	return func(ctx context.Context) (*oauth2.Token, error) {
		creds, err := google.CredentialsFromJSONWithTypeAndParams(ctx, data, ct, params)
		if err != nil {
			return nil, err
		}
		return creds.TokenSource.Token()
	}, nil
}
