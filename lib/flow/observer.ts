/** Metric names the pipeline emits (EMF, namespace `wmflow`). */
export type FlowMetric =
  | 'MessagesProcessed'
  | 'MessagesModified'
  | 'FailedOpen'
  | 'UpdateSkipped'
  | 'InvalidEvents'
  | 'Retries'
  | 'ProcessingTime'
  | 'RuleHits'
  /** Audit-mode rules that would have applied (never counted in RuleHits). */
  | 'AuditHits'
  | 'Uninspectable';

/**
 * What the pipeline reports to: structured logs and metrics. The handler wires it to
 * Powertools Logger and Metrics; tests collect it. Attributes never carry message bodies or
 * full addresses.
 */
export interface FlowObserver {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
  metric(name: FlowMetric, value: number, unit: 'Count' | 'Milliseconds', dimensions?: Record<string, string>): void;
}

/** An observer that records everything, for tests and the local replay. */
export class RecordingObserver implements FlowObserver {
  readonly logs: { level: 'info' | 'warn' | 'error'; message: string; attributes: Record<string, unknown> }[] = [];
  readonly metrics: { name: FlowMetric; value: number; unit: string; dimensions: Record<string, string> }[] = [];
  info(message: string, attributes: Record<string, unknown> = {}) {
    this.logs.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown> = {}) {
    this.logs.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown> = {}) {
    this.logs.push({ level: 'error', message, attributes });
  }
  metric(name: FlowMetric, value: number, unit: 'Count' | 'Milliseconds', dimensions: Record<string, string> = {}) {
    this.metrics.push({ name, value, unit, dimensions });
  }
  /** Sum of a metric's values. */
  total(name: FlowMetric): number {
    return this.metrics.filter((m) => m.name === name).reduce((n, m) => n + m.value, 0);
  }
}

/** `jane.doe@example.com` → `j***@example.com`: enough to correlate, not to identify. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
