#!/usr/bin/env node
// The naive peer as a command: what the public WorkMail samples do to add a disclaimer —
// mailparser's simpleParser, then nodemailer's MailComposer rebuilds the whole message.
// Usage: node bench/naive-rebuild.mjs <in.eml> <out.eml>
import { readFileSync, writeFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

const [, , input, output] = process.argv;
const parsed = await simpleParser(readFileSync(input));
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
writeFileSync(output, await mail.compile().build());
