// This file holds the built-in defaults: a complete sandbox setup, so `starter dev` runs with no file.
package config

// Defaults returns the built-in configuration: every connector on the sandbox, the contract's
// segments, destinations and campaign. A YAML file that sets any of sources, destinations, segments
// or campaigns starts from empty lists for all four: a real setup never inherits the demo lists.
// Vendor defaults (token_env names, API versions) live in each vendor's connector spec.
func Defaults() map[string]any {
	return map[string]any{
		"temporal": map[string]any{
			"address": "127.0.0.1:7233", "namespace": "default", "task_queue": "cdpflow",
			"ui_port": 8233, "dev_db": ".cdpflow/temporal.db",
		},
		"store":     map[string]any{"driver": "sqlite", "dsn": "file:.cdpflow/cdpflow.db"},
		"approval":  map[string]any{"max_remove_fraction": 0.2, "max_removes": 10000, "timeout": "24h"},
		"serve":     map[string]any{"listen": "127.0.0.1:8090"},
		"retention": map[string]any{"quarantine": "30d", "staged": "7d", "ledger_details": "90d", "run_summaries": "400d"},
		"privacy":   map[string]any{"codec_server": map[string]any{"listen": "127.0.0.1:8081", "origins": []any{"http://localhost:8233", "http://127.0.0.1:8233"}}},
		"sources": []any{
			map[string]any{"name": "hubspot", "type": "hubspot", "base_url": Sandbox,
				"rate_limit": map[string]any{"requests_per_second": 10, "burst": 10}},
			map[string]any{"name": "salesforce", "type": "salesforce", "base_url": Sandbox},
			map[string]any{"name": "shop", "type": "shopify", "base_url": Sandbox,
				"rate_limit": map[string]any{"requests_per_second": 2, "burst": 40}},
			map[string]any{"name": "pos", "type": "square", "base_url": Sandbox, "location_ids": []any{"L1"}},
			map[string]any{"name": "web", "type": "ga4", "base_url": Sandbox, "property_id": "123456", "customer_source": "hubspot"},
		},
		"cleanse": map[string]any{"default_region": "US", "reject_disposable_emails": true, "date_order": "DMY"},
		"identity": map[string]any{
			"exact":     []any{"email", "phone"},
			"compare":   []any{"first_name", "last_name", "birth_date", "address.line1", "address.city", "address.postcode"},
			"threshold": "auto",
			"limits":    map[string]any{"max_emails_per_profile": 3},
		},
		"segments": []any{
			map[string]any{"name": "at_risk_high_value", "rule": `rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200`},
			map[string]any{"name": "one_time_buyers", "rule": "orders.count == 1"},
		},
		"destinations": []any{
			map[string]any{"name": "newsletter", "type": "mailchimp", "base_url": Sandbox,
				"list_id": "a1b2c3d4e5", "segments": []any{"rfm.champions", "at_risk_high_value"}},
			map[string]any{"name": "winback_email", "type": "mandrill", "base_url": Sandbox,
				"template": "winback-offer", "from_email": "hello@acme.example", "segments": []any{"at_risk_high_value"}},
			map[string]any{"name": "meta_lookalike", "type": "meta", "base_url": Sandbox, "audience_id": "23851234567890",
				"segments": []any{"rfm.champions"}},
			map[string]any{"name": "google_ads", "type": "google_ads", "base_url": Sandbox, "customer_id": "1234567890",
				"user_list": "customers/1234567890/userLists/555", "segments": []any{"rfm.champions"}},
		},
		"campaigns": []any{
			map[string]any{"name": "spring-winback", "segments": []any{"at_risk_high_value"},
				"destinations": []any{"winback_email", "meta_lookalike"}},
		},
		"sandbox": map[string]any{"people": 1000, "seed": 42},
		"log":     map[string]any{"level": "info", "format": "text"},
	}
}
