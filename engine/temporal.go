// This file holds the Temporal client options: address, namespace, mTLS or API key (Temporal Cloud).
package engine

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/cdpflow/cdpflow/codec"
	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/metrics"
)

// ClientOptions builds client.Options from configuration. Secrets come from the environment
// variable named by temporal.api_key_env and never appear in logs. Payloads and failure messages
// go through the privacy codec when one is configured (privacy.codec_key_env, or `starter dev`).
func ClientOptions(cfg *config.Config, logger *slog.Logger) (client.Options, error) {
	c := cfg.Temporal
	pc, err := Codec(cfg)
	if err != nil {
		return client.Options{}, err
	}
	opts := client.Options{
		HostPort:         c.Address,
		Namespace:        c.Namespace,
		Logger:           tlog.NewStructuredLogger(logger.With("component", "temporal")),
		DataConverter:    codec.DataConverter(pc),
		FailureConverter: codec.FailureConverter(pc),
	}
	if c.TLS != nil {
		tc := &tls.Config{ServerName: c.TLS.ServerName, MinVersion: tls.VersionTLS12}
		if c.TLS.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile)
			if err != nil {
				return opts, fmt.Errorf("temporal.tls: load cert_file/key_file: %w", err)
			}
			tc.Certificates = []tls.Certificate{cert}
		}
		if c.TLS.CAFile != "" {
			pem, err := os.ReadFile(c.TLS.CAFile)
			if err != nil {
				return opts, fmt.Errorf("temporal.tls.ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return opts, fmt.Errorf("temporal.tls.ca_file: %s holds no PEM certificate", c.TLS.CAFile)
			}
			tc.RootCAs = pool
		}
		opts.ConnectionOptions.TLS = tc
	}
	if c.APIKeyEnv != "" {
		key := os.Getenv(c.APIKeyEnv)
		if key == "" {
			return opts, fmt.Errorf("temporal.api_key_env: %s is not set", c.APIKeyEnv)
		}
		opts.Credentials = client.NewAPIKeyStaticCredentials(key)
		if opts.ConnectionOptions.TLS == nil {
			opts.ConnectionOptions.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		}
	}
	return opts, nil
}

// Dial connects to Temporal, failing fast with the address in the error.
func Dial(cfg *config.Config, logger *slog.Logger) (client.Client, error) {
	return DialMetrics(cfg, logger, nil)
}

// DialMetrics is Dial with the SDK's metrics exported into m (nil: none).
func DialMetrics(cfg *config.Config, logger *slog.Logger, m *metrics.Metrics) (client.Client, error) {
	c := cfg.Temporal
	opts, err := ClientOptions(cfg, logger)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if opts.MetricsHandler, err = TemporalMetrics(m); err != nil {
			return nil, err
		}
	}
	cl, err := client.Dial(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w; is the server running? (`starter dev` starts one)", c.Address, c.Namespace, err)
	}
	return cl, nil
}
