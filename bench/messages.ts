import { randomBytes } from 'node:crypto';

const HEAD = (id: string) =>
  `From: a@partner.example.org\r\nTo: user@example.com\r\nSubject: bench\r\nDate: Mon, 9 Nov 2026 09:00:00 +0000\r\nMessage-ID: <${id}@partner.example.org>\r\nMIME-Version: 1.0\r\n`;

/** A typical ~50 KB business message: alternative text/HTML and a small PDF. */
export function typicalMessage(): Buffer {
  const html = `<html><body>${'<p>Quarterly report paragraph with <b>figures</b> and a <a href="https://example.org">link</a>.</p>\r\n'.repeat(200)}</body></html>`;
  const pdf = randomBytes(18 * 1024)
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'Received: from mail.partner.example.org by mx.example.com; Mon, 9 Nov 2026 09:00:00 +0000',
      `${HEAD('bench-50k')}Content-Type: multipart/mixed; boundary="m"`,
      '',
      '--m',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Quarterly report text.\r\n'.repeat(100),
      '--a',
      'Content-Type: text/html; charset=utf-8',
      '',
      html,
      '--a--',
      '--m',
      'Content-Type: application/pdf; name=report.pdf',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename=report.pdf',
      '',
      pdf,
      '--m--',
      '',
    ].join('\r\n'),
  );
}

/** A 25 MB message: a short text body and one large base64 attachment. */
export function largeMessage(): Buffer {
  const att = randomBytes(Math.floor(25 * 1024 * 1024 * 0.74))
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${HEAD('bench-25m')}Content-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attachment.\r\n` +
      '--XX\r\nContent-Type: application/zip; name=archive.zip\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=archive.zip\r\n\r\n' +
      att +
      '\r\n--XX--\r\n',
    'latin1',
  );
}

/** A 25 MB single quoted-printable text body (accented text, soft line breaks). */
export function largeQpText(): Buffer {
  const line = 'Caf=C3=A9 cr=C3=A8me br=C3=BBl=C3=A9e, the quarterly numbers follow in this paragraph of text =\r\nand it goes on.\r\n';
  const body = line.repeat(Math.ceil((25 * 1024 * 1024) / line.length));
  return Buffer.from(`${HEAD('bench-25m-qp')}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${body}`, 'latin1');
}

/** A multipart/mixed message with `parts` small text parts (cost must grow linearly in parts). */
export function manyParts(parts: number): Buffer {
  const body = Array.from({ length: parts }, (_, i) => `--P\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nPart ${i} with a line of text.\r\n`).join('');
  return Buffer.from(`${HEAD(`bench-${parts}-parts`)}Content-Type: multipart/mixed; boundary="P"\r\n\r\n${body}--P--\r\n`, 'latin1');
}
