import addressparser from 'nodemailer/lib/addressparser';
import type { HeaderBlock } from './header-block.js';
import { decodeWords } from './encoded-words.js';

/**
 * The email addresses in address headers (From, Sender, To, Cc…), lower-cased, groups
 * flattened, display names dropped. Parsed with nodemailer's addressparser, which copes with
 * quoted names, comments and encoded words.
 */
export function headerAddresses(headers: HeaderBlock, ...names: string[]): string[] {
  const out: string[] = [];
  const visit = (entries: ReturnType<typeof addressparser>) => {
    for (const e of entries) {
      if ('group' in e && Array.isArray(e.group)) visit(e.group);
      else if (e.address?.includes('@')) out.push(e.address.toLowerCase());
    }
  };
  for (const name of names) for (const value of headers.get(name)) visit(addressparser(decodeWords(value)));
  return out;
}
