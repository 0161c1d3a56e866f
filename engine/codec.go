// This file holds the payload codec's keys: read from privacy.codec_key_env (or a file named by
// privacy.codec_key_file_env); under `starter dev` without either, a local key kept beside the
// dev server's database (mode 0600) so local histories are encrypted too and the local UI can
// read them through the codec server `starter dev` runs.
package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cdpflow/cdpflow/codec"
	"github.com/cdpflow/cdpflow/config"
)

// DevKeyFile is where `starter dev` keeps its codec key.
func DevKeyFile(cfg *config.Config) string {
	return filepath.Join(filepath.Dir(cfg.Temporal.DevDB), "codec.keys")
}

// Codec returns the configured payload codec, or nil when encryption is not configured (and no
// `starter dev` key exists beside the dev database).
func Codec(cfg *config.Config) (*codec.Codec, error) {
	p := cfg.Privacy
	var text string
	switch {
	case p.CodecKeyEnv != "":
		text = os.Getenv(p.CodecKeyEnv)
		if strings.TrimSpace(text) == "" {
			return nil, fmt.Errorf("privacy.codec_key_env: %s is not set; export it (newest key first, e.g. k1:$(openssl rand -base64 32)) or remove codec_key_env", p.CodecKeyEnv)
		}
	case p.CodecKeyFileEnv != "":
		path := os.Getenv(p.CodecKeyFileEnv)
		if path == "" {
			return nil, fmt.Errorf("privacy.codec_key_file_env: %s is not set; export it with the path of the key file", p.CodecKeyFileEnv)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("privacy.codec_key_file_env: read the file %s names: %w", p.CodecKeyFileEnv, err)
		}
		text = string(b)
	case cfg.Dev:
		var err error
		if text, err = devKey(DevKeyFile(cfg)); err != nil {
			return nil, err
		}
	default:
		// Commands run beside `starter dev` (refresh, runs, report) use its local key.
		b, err := os.ReadFile(DevKeyFile(cfg))
		if err != nil {
			return nil, nil
		}
		text = string(b)
	}
	keys, err := codec.ParseKeys(text)
	if err != nil {
		return nil, fmt.Errorf("privacy codec keys: %w", err)
	}
	return codec.NewCodec(keys)
}

// devKey reads the local key file, creating it (0600, directory 0700) on first use.
func devKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return string(b), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read the dev codec key %s: %w", path, err)
	}
	k, err := codec.NewKey()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return devKey(path) // another process made it first
	}
	if err != nil {
		return "", fmt.Errorf("create the dev codec key %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.WriteString(k.Format() + "\n"); err != nil {
		return "", fmt.Errorf("write the dev codec key %s: %w", path, err)
	}
	return k.Format(), nil
}
