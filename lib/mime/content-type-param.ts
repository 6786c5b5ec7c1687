import type { HeaderBlock } from './header-block.js';
import { buildHeaderParams, parseHeaderParams } from './header-params.js';

/**
 * Sets one parameter of the Content-Type header (`charset=utf-8`), keeping its media type and
 * other parameters. Only that header is rewritten; a missing one is added as `text/plain`.
 */
export function setContentTypeParam(headers: HeaderBlock, name: string, value: string, defaultType = 'text/plain'): void {
  const current = headers.getFirst('content-type');
  const parsed = parseHeaderParams(current ?? defaultType);
  parsed.params[name.toLowerCase()] = value;
  headers.set('Content-Type', buildHeaderParams(parsed.value || defaultType, parsed.params), { raw: true });
}
