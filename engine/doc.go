// Package engine wires configuration to running parts: the store, the Temporal client, the sandbox,
// the connectors and the worker. worker/ and starter/ share it so both build the same engine.
package engine
