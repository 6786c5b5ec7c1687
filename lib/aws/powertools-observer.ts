import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { FlowMetric, FlowObserver } from '../flow/observer.js';

/** Sends the pipeline's logs and metrics to Powertools Logger and Metrics (EMF). */
export class PowertoolsObserver implements FlowObserver {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  info(message: string, attributes: Record<string, unknown> = {}) {
    this.logger.info(message, attributes);
  }
  warn(message: string, attributes: Record<string, unknown> = {}) {
    this.logger.warn(message, attributes);
  }
  error(message: string, attributes: Record<string, unknown> = {}) {
    this.logger.error(message, attributes);
  }
  metric(name: FlowMetric, value: number, unit: 'Count' | 'Milliseconds', dimensions: Record<string, string> = {}) {
    const u = unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds;
    if (Object.keys(dimensions).length) {
      // Per-rule and per-reason counts get their own metric set, so their dimensions do not
      // leak onto the message-level metrics.
      const single = this.metrics.singleMetric();
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, u, value);
    } else {
      this.metrics.addMetric(name, u, value);
    }
  }
}
