// This file holds the Salesforce JWT bearer grant: a short-lived assertion signed RS256 with the
// connected app's private key (iss = consumer key, sub = username, aud = the login host), posted as
// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer. There is no refresh token: a new
// assertion is the renewal.
package auth

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"
)

type jwtBearer struct {
	clientID, username, audience, tokenURL string
	key                                    *rsa.PrivateKey
	now                                    func() time.Time
}

func newJWTBearer(s Settings, o Options, tokenURL string) (*jwtBearer, error) {
	pem, err := o.ReadFile(s.JWTKeyFileEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: the private key: %w", o.Name, err)
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		return nil, fmt.Errorf("%s: the private key named by $%s is not an RSA key in PEM: %w", o.Name, s.JWTKeyFileEnv, err)
	}
	aud := o.JWTAudience
	if aud == "" {
		aud = "https://login.salesforce.com"
		if u, err := url.Parse(tokenURL); err == nil && u.Host == "test.salesforce.com" {
			aud = "https://test.salesforce.com" // a sandbox org
		}
	}
	id := o.Getenv(s.ClientIDEnv)
	if id == "" {
		return nil, fmt.Errorf("%s: no consumer key: set $%s", o.Name, s.ClientIDEnv)
	}
	return &jwtBearer{clientID: id, username: s.JWTUsername, audience: aud, tokenURL: tokenURL, key: key, now: o.Now}, nil
}

func (j *jwtBearer) token(ctx context.Context) (*oauth2.Token, error) {
	now := j.now()
	claims := jwt.RegisteredClaims{Issuer: j.clientID, Subject: j.username, Audience: jwt.ClaimStrings{j.audience},
		ExpiresAt: jwt.NewNumericDate(now.Add(3 * time.Minute))}
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(j.key)
	if err != nil {
		return nil, fmt.Errorf("sign the assertion: %w", err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	return postForm(ctx, j.tokenURL, form, j.now)
}
