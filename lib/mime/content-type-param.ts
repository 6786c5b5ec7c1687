import libmime from 'libmime';
import type { HeaderBlock } from './header-block.js';

/**
 * Sets one parameter of the Content-Type header (`charset=utf-8`), keeping its media type and
 * other parameters. Only that header is rewritten; a missing one is added as `text/plain`.
 */
export function setContentTypeParam(headers: HeaderBlock, name: string, value: string, defaultType = 'text/plain'): void {
  const current = headers.getFirst('content-type');
  const parsed = libmime.parseHeaderValue(current ?? defaultType);
  if (!parsed.value) parsed.value = defaultType;
  parsed.params[name.toLowerCase()] = value;
  headers.set('Content-Type', libmime.buildHeaderValue(parsed), { raw: true });
}
