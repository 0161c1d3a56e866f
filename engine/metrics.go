// metrics.go bridges the Temporal SDK's metrics into the process's Prometheus registry through
// OpenTelemetry, so one /metrics shows worker, workflow and activity metrics beside cdpflow's.
package engine

import (
	"fmt"

	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"

	"github.com/cdpflow/cdpflow/metrics"
)

// TemporalMetrics returns a Temporal metrics handler exporting into m's registry.
func TemporalMetrics(m *metrics.Metrics) (client.MetricsHandler, error) {
	exp, err := otelprom.New(otelprom.WithRegisterer(m.Registry))
	if err != nil {
		return nil, fmt.Errorf("temporal metrics exporter: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{Meter: provider.Meter("temporal-sdk-go"),
		OnError: func(error) {}}), nil
}
