// This file holds `starter codec-server`: the HTTP endpoint that decrypts payloads for Temporal UI
// and the temporal CLI, for operators holding the bearer token. `starter dev` runs one for the
// local UI on a loopback address.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cdpflow/cdpflow/codec"
	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
)

func init() {
	register("codec-server", command{
		summary: "serve /encode and /decode so Temporal UI and CLI can show encrypted payloads",
		usage: `Usage: starter codec-server [--listen HOST:PORT] [--config FILE]

Serves the payload codec (privacy.codec_key_env) over HTTP for operators: Temporal UI (set its
codec endpoint to this server's URL and "pass access token" off; the browser must send the token)
and the CLI:
  temporal workflow show -w ID --codec-endpoint http://127.0.0.1:8081 --codec-auth "Bearer $CDPFLOW_CODEC_TOKEN"
Every call needs the bearer token named by privacy.codec_server.token_env; browsers are answered
only from privacy.codec_server.origins.

Examples:
  CDPFLOW_CODEC_KEYS=... CDPFLOW_CODEC_TOKEN=... starter codec-server --config cdpflow.yaml`,
		run: runCodecServer,
	})
}

func runCodecServer(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("codec-server", &c)
	listen := fs.String("listen", "", "address to listen on (overrides privacy.codec_server.listen)")
	if err := parse(fs, "codec-server", args); err != nil {
		return err
	}
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Privacy.CodecServer.Listen = *listen
	}
	cs := cfg.Privacy.CodecServer
	if cs.TokenEnv == "" || os.Getenv(cs.TokenEnv) == "" {
		return &exitError{code: 2, err: errors.New("privacy.codec_server.token_env: name a variable holding the operators' bearer token, and export it; the codec server never answers without one")}
	}
	srv, url, err := startCodecServer(cfg, []string{os.Getenv(cs.TokenEnv)})
	if err != nil {
		return err
	}
	log.Info("codec server listening", "url", url, "origins", cs.Origins)
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// startCodecServer listens on privacy.codec_server.listen and serves the codec in the background.
func startCodecServer(cfg *config.Config, tokens []string) (*http.Server, string, error) {
	pc, err := engine.Codec(cfg)
	if err != nil {
		return nil, "", err
	}
	if pc == nil {
		return nil, "", &exitError{code: 2, err: errors.New("privacy.codec_key_env: no codec keys are configured, so nothing is encrypted and there is nothing to decode")}
	}
	cs := cfg.Privacy.CodecServer
	if host, _, _ := net.SplitHostPort(cs.Listen); len(tokens) == 0 && !loopback(host) {
		return nil, "", &exitError{code: 2, err: fmt.Errorf("privacy.codec_server.listen %s: without a token (privacy.codec_server.token_env) the codec server listens only on a loopback address", cs.Listen)}
	}
	ln, err := net.Listen("tcp", cs.Listen)
	if err != nil {
		return nil, "", fmt.Errorf("privacy.codec_server.listen %s: %w", cs.Listen, err)
	}
	srv := &http.Server{Handler: codec.CodecHandler(pc, codec.CodecServerOptions{Tokens: tokens, Origins: cs.Origins}),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}
