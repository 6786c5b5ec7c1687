#!/usr/bin/env node
// The naive peer: what the public WorkMail samples do to add a disclaimer — mailparser's
// simpleParser, then nodemailer's MailComposer rebuilds the whole message. Plain JavaScript, so
// it also runs as a command for the CLI bench (no transpiler start-up to count).
// Usage: node bench/naive-rebuild.mjs <in.eml> <out.eml>
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/** Parses everything and rebuilds everything, with a bottom disclaimer on the text. */
export async function naiveRebuild(input) {
  const parsed = await simpleParser(input);
  const mail = new MailComposer({
    from: parsed.from?.text,
    to: (Array.isArray(parsed.to) ? parsed.to[0] : parsed.to)?.text,
    subject: parsed.subject,
    date: parsed.date,
    messageId: parsed.messageId,
    text: `${parsed.text ?? ''}\r\nConfidential: for the addressee only.\r\n`,
    html: parsed.html || undefined,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  });
  return mail.compile().build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , input, output] = process.argv;
  writeFileSync(output, await naiveRebuild(readFileSync(input)));
}
