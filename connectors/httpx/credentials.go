// This file holds how credentials travel: only to the vendor's host (or the API host a token
// response names), never across a redirect to another host, and renewed once when the vendor
// answers that the token expired.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// expired reports whether an answer says the credential expired (a 401, or the vendor's signal).
func (c *Client) expired(e *Error) bool {
	if c.opts.Vendor.Expired != nil {
		return c.opts.Vendor.Expired(e.Status, e.Code)
	}
	return e.Status == http.StatusUnauthorized
}

// baseFor is the URL relative paths join: the base URL, or the token's API host (BaseFromToken).
func (c *Client) baseFor(ctx context.Context) (*url.URL, error) {
	if !c.opts.BaseFromToken || c.opts.Token == nil {
		return c.base, nil
	}
	if _, err := c.opts.Token.Token(ctx); err != nil {
		return nil, err
	}
	inst := c.opts.Token.Instance()
	if inst == "" {
		return c.base, nil
	}
	u, err := url.Parse(inst)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, &Error{Name: c.opts.Name, Code: "bad_instance_url", Permanent: true,
			Err: fmt.Errorf("the token response named an instance_url that is not an http(s) URL")}
	}
	return u, nil
}

// allowedHost reports whether credentials may go to host: the base URL's, or the API host the
// token response named (Salesforce's instance_url).
func (c *Client) allowedHost(host string) bool {
	if host == c.base.Host {
		return true
	}
	if c.opts.Token != nil {
		if inst := c.opts.Token.Instance(); inst != "" {
			if u, err := url.Parse(inst); err == nil && u.Host == host {
				return true
			}
		}
	}
	return false
}

// checkRedirect follows a redirect only for a GET on the same host: a redirect to another host
// would carry the credentials away, and a redirected write would be replayed as a GET.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if req.URL.Host != first.URL.Host {
		return fmt.Errorf("refused a redirect to another host (%s); check base_url", req.URL.Host)
	}
	if first.Method != http.MethodGet && first.Method != http.MethodHead {
		return fmt.Errorf("refused to follow a redirect of a %s; check base_url", first.Method)
	}
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects; check base_url")
	}
	return nil
}
