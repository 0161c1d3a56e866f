package config

// The configuration resolves connector types through the registry; tests register every vendor.
import _ "github.com/cdpflow/cdpflow/connectors/all"
